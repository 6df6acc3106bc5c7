"""Create the diary: people, episodes, their sites and remedies.

Revision ID: 0001_create_diary
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_create_diary"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(128), unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_seconds", sa.Float),
        sa.Column("severity", sa.SmallInteger),
        sa.Column("feel", sa.String(200)),
        sa.Column("trigger", sa.String(200)),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("at_night", sa.Boolean, nullable=False),
        sa.Column("after_exercise", sa.Boolean, nullable=False),
        sa.Column("woke", sa.Boolean, nullable=False),
        sa.Column("level", sa.String(32)),
        sa.Column("assessment", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_episodes_person_started", "episodes", ["person_id", "started_at"])
    op.create_table(
        "episode_sites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "episode_id",
            sa.Integer,
            sa.ForeignKey("episodes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("site", sa.String(40), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
    )
    op.create_index("ix_episode_sites_episode_id", "episode_sites", ["episode_id"])
    op.create_index("ix_episode_sites_person_id", "episode_sites", ["person_id"])
    op.create_table(
        "episode_remedies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "episode_id",
            sa.Integer,
            sa.ForeignKey("episodes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("remedy", sa.String(60), nullable=False),
        sa.Column("relief", sa.SmallInteger, nullable=False),
    )
    op.create_index("ix_episode_remedies_episode_id", "episode_remedies", ["episode_id"])
    op.create_index("ix_episode_remedies_person_id", "episode_remedies", ["person_id"])


def downgrade() -> None:
    op.drop_table("episode_remedies")
    op.drop_table("episode_sites")
    op.drop_table("episodes")
    op.drop_table("people")
