"""People of a shared diary, and their tokens.

A token is shown once, when the person is added; only its SHA-256 hash is
stored. Tokens are 256 random bits, so a plain hash is enough to compare
them safely.

Each person may have a time zone (an IANA name); without one, the machine's.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from charley.diary.models import Person
from charley.diary.zones import check_zone, is_zone
from charley.errors import InputError, NotFoundError


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_person(engine: Engine, name: str, *, zone: str | None = None) -> str:
    """Add a person and return their new token (printed once, never stored).

    `zone` is their time zone (an IANA name); without it, the machine's.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("a name is 1 to 100 characters")
    zone = check_zone(zone) if zone is not None else None
    token = secrets.token_urlsafe(32)
    try:
        with engine.begin() as c:
            c.execute(
                insert(Person).values(
                    name=name,
                    token_hash=token_hash(token),
                    created_at=datetime.now(UTC),
                    zone=zone,
                )
            )
    except IntegrityError:
        raise InputError(f"there is already a person called {name!r}") from None
    return token


def person_for_token(engine: Engine, token: str) -> int | None:
    """The id of the person holding `token`, or None."""
    if not token or len(token) > 200:
        return None
    with engine.connect() as c:
        found = c.scalar(select(Person.id).where(Person.token_hash == token_hash(token)))
    return int(found) if found is not None else None


def set_zone(engine: Engine, name: str, zone: str) -> str:
    """Set the time zone of the person called `name`; return it as stored."""
    zone = check_zone(zone)
    with engine.begin() as c:
        changed = c.execute(update(Person).where(Person.name == name).values(zone=zone))
    if changed.rowcount == 0:
        raise NotFoundError(f"there is no person called {name!r}")
    return zone


def zone_named(engine: Engine, name: str) -> str | None:
    """The time zone of the person called `name`; None when unset (NotFoundError if no one)."""
    with engine.connect() as c:
        row = c.execute(select(Person.zone).where(Person.name == name)).first()
    if row is None:
        raise NotFoundError(f"there is no person called {name!r}")
    return row[0]


def adopt_zone(engine: Engine, person_id: int, zone: str) -> None:
    """Store `zone` (say, a browser's) as the person's, unless they have one already."""
    if not is_zone(zone):
        return
    with engine.begin() as c:
        c.execute(
            update(Person).where(Person.id == person_id, Person.zone.is_(None)).values(zone=zone)
        )
