"""People of a shared diary, and their tokens.

A token is shown once, when the person is added; only its SHA-256 hash is
stored. Tokens are 256 random bits, so a plain hash is enough to compare
them safely.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from charley.diary.models import Person
from charley.errors import InputError


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_person(engine: Engine, name: str) -> str:
    """Add a person and return their new token (printed once, never stored)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("a name is 1 to 100 characters")
    token = secrets.token_urlsafe(32)
    try:
        with engine.begin() as c:
            c.execute(
                insert(Person).values(
                    name=name, token_hash=token_hash(token), created_at=datetime.now(UTC)
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
