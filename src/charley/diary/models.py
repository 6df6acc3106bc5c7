"""The diary's tables (SQLAlchemy 2). Changes go through Alembic migrations.

Sites and remedies repeat the episode's `person_id`, so the per-person
counts by site and remedy need no join.

Each episode has two ids: `id`, the database's integer key, which never
leaves the diary, and `public_id`, a UUIDv7 (`charley.diary.ids`) that the
API, the page and exports show and that an import recognises.

Times are stored in UTC. `at_night`, `after_exercise` and `woke` are kept as
columns, set when an episode is saved, so that pattern summaries over a
million episodes are single scans.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from charley.diary.ids import new_id


class Base(DeclarativeBase):
    pass


class Person(Base):
    """Whose diary it is. The CLI uses one local person; the HTTP server, one per token.

    Their days and nights are counted in their own time zone."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    zone: Mapped[str | None] = mapped_column(String(64))
    """An IANA time zone name; None: the machine's zone."""


class PageSession(Base):
    """A person logged in on the web page: the browser holds a random id, the table
    only its SHA-256 hash (`charley.diary.sessions`). Logging out deletes the row."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Episode(Base):
    __tablename__ = "episodes"
    __table_args__ = (
        Index("ix_episodes_person_started", "person_id", "started_at"),
        Index("ix_episodes_public_id", "public_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), default=new_id)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    severity: Mapped[int | None] = mapped_column(SmallInteger)
    feel: Mapped[str | None] = mapped_column(String(200))
    trigger: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str | None] = mapped_column(Text)
    at_night: Mapped[bool] = mapped_column(Boolean, default=False)
    after_exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    woke: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[str | None] = mapped_column(String(32))
    assessment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    sites: Mapped[list[EpisodeSite]] = relationship(
        cascade="all, delete-orphan", order_by="EpisodeSite.id", lazy="selectin"
    )
    remedies: Mapped[list[EpisodeRemedy]] = relationship(
        cascade="all, delete-orphan", order_by="EpisodeRemedy.id", lazy="selectin"
    )


class EpisodeSite(Base):
    __tablename__ = "episode_sites"
    __table_args__ = (Index("ix_episode_sites_person_site", "person_id", "site"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    # indexed first in the (person_id, ...) index above
    person_id: Mapped[int] = mapped_column(Integer)
    site: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(10), default="unknown")


class EpisodeRemedy(Base):
    __tablename__ = "episode_remedies"
    __table_args__ = (Index("ix_episode_remedies_person_remedy", "person_id", "remedy", "relief"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    # indexed first in the (person_id, ...) index above
    person_id: Mapped[int] = mapped_column(Integer)
    remedy: Mapped[str] = mapped_column(String(60))
    relief: Mapped[int] = mapped_column(SmallInteger)


class IdempotencyKey(Base):
    """A client's key for one `POST /v1/episodes`, and the answer it got (kept 24 hours)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("person_id", "key", name="uq_idempotency_keys_person_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    episode_id: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
