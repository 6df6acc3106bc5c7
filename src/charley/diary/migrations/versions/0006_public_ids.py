"""Public episode ids: a UUIDv7 for every episode, unique, indexed.

Episode ids were the database's integer key: one sequence for everyone, so the
second person's first episode showed how many the first person had. Every
episode now also has `public_id` (see `charley.diary.ids`), which the API, the
page and exports use; the integer key stays as the primary key, inside.

Existing episodes get their id here, its time taken from when the episode was
saved (`created_at`), so ids still sort by when episodes were made.

On SQLite the column is added in place (ALTER TABLE ADD COLUMN, through batch
mode, which chooses that for a lone new column) and stays nullable there:
making it NOT NULL would need batch mode to copy the table and drop the old
one, and with foreign keys on, dropping `episodes` deletes every site and
remedy through ON DELETE CASCADE. charley always writes the id, and the unique
index guards it. PostgreSQL alters in place and gets NOT NULL.

Revision ID: 0006_public_ids
Revises: 0005_sessions
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from charley.diary.ids import new_id

revision = "0006_public_ids"
down_revision = "0005_sessions"
branch_labels = None
depends_on = None

BATCH = 5000


def _millis(value: datetime | str | None) -> int | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def upgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(sa.Column("public_id", sa.String(36), nullable=True))
    connection = op.get_bind()
    episodes = sa.table(
        "episodes",
        sa.column("id", sa.Integer),
        sa.column("public_id", sa.String(36)),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    while True:
        rows = connection.execute(
            sa.select(episodes.c.id, episodes.c.created_at)
            .where(episodes.c.public_id.is_(None))
            .order_by(episodes.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            episodes.update()
            .where(episodes.c.id == sa.bindparam("key"))
            .values(public_id=sa.bindparam("new")),
            [{"key": key, "new": new_id(_millis(created))} for key, created in rows],
        )
    if connection.dialect.name != "sqlite":
        op.alter_column("episodes", "public_id", existing_type=sa.String(36), nullable=False)
    op.create_index("ix_episodes_public_id", "episodes", ["public_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_episodes_public_id", table_name="episodes")
    # In place, not through batch mode: on SQLite, batch mode would copy the table
    # and drop the old one, deleting every site and remedy (see above).
    op.drop_column("episodes", "public_id")
