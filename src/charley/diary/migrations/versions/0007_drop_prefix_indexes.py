"""Drop the person_id indexes of sites and remedies: other indexes start with it.

`ix_episode_sites_person_site` (person_id, site) and
`ix_episode_remedies_person_remedy` (person_id, remedy, relief), from 0002,
answer every lookup by person_id that the single-column indexes of 0001 did.
Those two were kept up to date on every write for nothing: a bulk import wrote
four indexes for sites and remedies where two suffice.

Revision ID: 0007_drop_prefix_indexes
Revises: 0006_public_ids
"""

from __future__ import annotations

from alembic import op

revision = "0007_drop_prefix_indexes"
down_revision = "0006_public_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_episode_sites_person_id", table_name="episode_sites")
    op.drop_index("ix_episode_remedies_person_id", table_name="episode_remedies")


def downgrade() -> None:
    op.create_index("ix_episode_remedies_person_id", "episode_remedies", ["person_id"])
    op.create_index("ix_episode_sites_person_id", "episode_sites", ["person_id"])
