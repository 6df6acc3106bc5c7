"""The server's settings, from the environment (one object, read once).

Settings, each read from the environment when the app starts:

- CHARLEY_DB: the diary's database URL (default: a SQLite file).
- CHARLEY_DB_TIMEOUT (5 seconds): how long a request waits for the database, to
  connect, for a connection from the pool, or for one statement's answer; past
  it the answer is 503 with Retry-After.
- CHARLEY_HEADER_TIMEOUT (10 seconds): how long a client may take to send a
  request's headers (from when the connection opens, or the previous answer ends).
- CHARLEY_BODY_TIMEOUT (30 seconds): how long a client may take to send a
  request's body; past it the answer is 408 and the connection is closed.
- CHARLEY_SESSION_IDLE_HOURS (12): a page session unused this long ends.
- CHARLEY_SESSION_DAYS (7): a page session ends this long after login, however
  much it is used.
- CHARLEY_BEHIND_TLS_PROXY (0): 1 when a proxy in front serves the page over
  https: the session cookie is then always Secure, and `charley serve` takes the
  client's address and scheme from the proxy's X-Forwarded-For and -Proto headers.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import timedelta

from charley.errors import InputError

MAX_BODY = 64 * 1024
DB_TIMEOUT = 5.0
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0
RETRY_AFTER = 5
"""Seconds a client is asked to wait (Retry-After) when the diary's database is down."""
SESSION_IDLE = timedelta(hours=12)
SESSION_LIFETIME = timedelta(days=7)
YES = ("1", "true", "yes", "on")
NO = ("", "0", "false", "no", "off")


def _positive(name: str, unit: str) -> float | None:
    """The positive number in the environment variable `name`; None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 < value < 1e9):
        raise InputError(f"{name}={raw[:40]!r}: expected a number of {unit} over 0, such as 5")
    return value


def seconds(name: str, default: float) -> float:
    """A time limit in seconds from the environment variable `name`, or `default`."""
    value = _positive(name, "seconds")
    return default if value is None else value


def _length(name: str, unit: str, default: timedelta) -> timedelta:
    """A length of time in `unit` (hours, days) from `name`, or `default`."""
    value = _positive(name, unit)
    return default if value is None else timedelta(**{unit: value})


def env_flag(name: str) -> bool:
    """A yes/no setting: 1, true, yes or on; 0, false, no, off or unset."""
    value = os.environ.get(name, "").strip().lower()
    if value not in YES + NO:
        raise InputError(f"{name} must be 1 (yes) or 0 (no), not {value[:40]!r}")
    return value in YES


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str
    max_body: int = MAX_BODY
    db_timeout: float = DB_TIMEOUT
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    retry_after: int = RETRY_AFTER
    session_idle: timedelta = SESSION_IDLE
    session_lifetime: timedelta = SESSION_LIFETIME
    behind_tls_proxy: bool = False

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        from charley.diary.database import default_url

        return cls(
            db_url=db_url or os.environ.get("CHARLEY_DB") or default_url(),
            db_timeout=seconds("CHARLEY_DB_TIMEOUT", DB_TIMEOUT),
            header_timeout=seconds("CHARLEY_HEADER_TIMEOUT", HEADER_TIMEOUT),
            body_timeout=seconds("CHARLEY_BODY_TIMEOUT", BODY_TIMEOUT),
            session_idle=_length("CHARLEY_SESSION_IDLE_HOURS", "hours", SESSION_IDLE),
            session_lifetime=_length("CHARLEY_SESSION_DAYS", "days", SESSION_LIFETIME),
            behind_tls_proxy=env_flag("CHARLEY_BEHIND_TLS_PROXY"),
        )
