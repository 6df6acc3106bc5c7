"""Idempotency keys: a client's retry of `POST /v1/episodes` gets the first answer.

One row per (person, key), kept 24 hours: the hash of what was sent, the episode
saved and the answer given. In the database, so that every worker sees them.

Revision ID: 0004_idempotency
Revises: 0003_person_zone
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_idempotency"
down_revision = "0003_person_zone"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("episode_id", sa.Integer, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("person_id", "key", name="uq_idempotency_keys_person_key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
