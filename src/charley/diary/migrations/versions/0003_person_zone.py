"""A person's own time zone, for their days, nights and weeks.

An IANA name such as "Europe/London"; empty (NULL) means the machine's zone,
until the person sets one (`charley users zone`) or the web page stores the
browser's.

Revision ID: 0003_person_zone
Revises: 0002_summary_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_person_zone"
down_revision = "0002_summary_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("people", sa.Column("zone", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("zone")
