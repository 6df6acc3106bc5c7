"""Sessions of the web page, kept in the diary's database.

Logging in on the page starts a session: the browser gets a random id
(256 bits, from `secrets`), and the `sessions` table keeps only its SHA-256
hash, with the person, when it started, when it was last used and when it
ends. So the database never holds what a browser could replay, and the
person's token never leaves the login form.

A session ends when the person logs out (its row is deleted), when it has
not been used for `idle`, and at its end, however much it is used. An ended
session's row is deleted when it is next seen; logging in also clears every
ended row. The API's bearer tokens are separate and unchanged.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, or_, select, update

from charley.diary.models import PageSession

MAX_SESSION_ID = 100
"""Longer cookie values are not looked up (the ids given out are 43 characters)."""
TOUCH_EVERY = timedelta(minutes=1)
"""A session's last use is written at most this often, not on every request."""


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _utc(moment: datetime) -> datetime:
    """Times read back from SQLite have no zone; they were stored in UTC."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_session(
    engine: Engine, *, person_id: int, now: datetime, idle: timedelta, lifetime: timedelta
) -> str:
    """Start a session for `person_id` and return its id (for the browser only)."""
    now = _utc(now)
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as c:
        c.execute(
            delete(PageSession).where(
                or_(PageSession.expires_at <= now, PageSession.last_seen_at <= now - idle)
            )
        )
        c.execute(
            insert(PageSession).values(
                id_hash=session_hash(session_id),
                person_id=person_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + lifetime,
            )
        )
    return session_id


def session_person(
    engine: Engine, session_id: str, *, now: datetime, idle: timedelta
) -> int | None:
    """The person whose session `session_id` is, or None if there is no such session
    or it has ended (an ended one is deleted). Using a session keeps it open."""
    if not session_id or len(session_id) > MAX_SESSION_ID:
        return None
    now = _utc(now)
    key = session_hash(session_id)
    with engine.begin() as c:
        row = c.execute(
            select(PageSession.person_id, PageSession.last_seen_at, PageSession.expires_at).where(
                PageSession.id_hash == key
            )
        ).first()
        if row is None:
            return None
        last_seen = _utc(row.last_seen_at)
        if now >= _utc(row.expires_at) or now - last_seen >= idle:
            c.execute(delete(PageSession).where(PageSession.id_hash == key))
            return None
        if now - last_seen >= TOUCH_EVERY:
            c.execute(
                update(PageSession).where(PageSession.id_hash == key).values(last_seen_at=now)
            )
    return int(row.person_id)


def close_session(engine: Engine, session_id: str) -> None:
    """End a session (logging out): its id opens nothing from now on."""
    if session_id and len(session_id) <= MAX_SESSION_ID:
        with engine.begin() as c:
            c.execute(delete(PageSession).where(PageSession.id_hash == session_hash(session_id)))
