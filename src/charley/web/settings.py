"""The server's settings, from the environment (one object, read once).

Time limits, each in seconds (a positive number):

- CHARLEY_DB_TIMEOUT (5): how long a request waits for the database, to connect,
  for a connection from the pool, or for one statement's answer; past it the
  answer is 503 with Retry-After.
- CHARLEY_HEADER_TIMEOUT (10): how long a client may take to send a request's
  headers (from when the connection opens, or the previous answer ends).
- CHARLEY_BODY_TIMEOUT (30): how long a client may take to send a request's body;
  past it the answer is 408 and the connection is closed.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from charley.errors import InputError

MAX_BODY = 64 * 1024
DB_TIMEOUT = 5.0
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0
RETRY_AFTER = 5
"""Seconds a client is asked to wait (Retry-After) when the diary's database is down."""


def seconds(name: str, default: float) -> float:
    """A time limit from the environment variable `name`, or `default`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{name}={raw!r}: expected a number of seconds over 0, such as 5")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str
    max_body: int = MAX_BODY
    db_timeout: float = DB_TIMEOUT
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    retry_after: int = RETRY_AFTER

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        from charley.diary.database import default_url

        return cls(
            db_url=db_url or os.environ.get("CHARLEY_DB") or default_url(),
            db_timeout=seconds("CHARLEY_DB_TIMEOUT", DB_TIMEOUT),
            header_timeout=seconds("CHARLEY_HEADER_TIMEOUT", HEADER_TIMEOUT),
            body_timeout=seconds("CHARLEY_BODY_TIMEOUT", BODY_TIMEOUT),
        )
