"""Covering indexes for the pattern summary's per-site and per-remedy counts.

`patterns.summarize` groups a person's site rows by site and remedy rows by
remedy. With only the single-column person_id indexes, SQLite looked up every
row in the table and sorted them in a temporary B-tree: at a million episodes
those two queries took about 0.45 s each and the summary 1.35 s. With these
indexes both are read in order from the index alone (about 0.1 s each).

Revision ID: 0002_summary_indexes
Revises: 0001_create_diary
"""

from __future__ import annotations

from alembic import op

revision = "0002_summary_indexes"
down_revision = "0001_create_diary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_episode_sites_person_site", "episode_sites", ["person_id", "site"], unique=False
    )
    op.create_index(
        "ix_episode_remedies_person_remedy",
        "episode_remedies",
        ["person_id", "remedy", "relief"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_episode_remedies_person_remedy", table_name="episode_remedies")
    op.drop_index("ix_episode_sites_person_site", table_name="episode_sites")
