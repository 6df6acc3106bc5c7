"""The server's settings, from the environment (one object, read once).

CHARLEY_DB                  the diary's database URL (default: a SQLite file)
CHARLEY_SESSION_IDLE_HOURS  a page session unused this long ends (default 12)
CHARLEY_SESSION_DAYS        a page session ends this long after login, however
                            much it is used (default 7)
CHARLEY_BEHIND_TLS_PROXY    1 when a proxy in front serves the page over https:
                            the session cookie is then always Secure, and
                            `charley serve` takes the client's address and scheme
                            from the proxy's X-Forwarded-For and -Proto headers
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import timedelta

from charley.errors import InputError

MAX_BODY = 64 * 1024
SESSION_IDLE = timedelta(hours=12)
SESSION_LIFETIME = timedelta(days=7)
YES = ("1", "true", "yes", "on")
NO = ("", "0", "false", "no", "off")


def env_flag(name: str) -> bool:
    """A yes/no setting: 1, true, yes or on; 0, false, no, off or unset."""
    value = os.environ.get(name, "").strip().lower()
    if value not in YES + NO:
        raise InputError(f"{name} must be 1 (yes) or 0 (no), not {value[:40]!r}")
    return value in YES


def _length(name: str, unit: str, default: timedelta) -> timedelta:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (0 < number < 100_000):
        raise InputError(f"{name} must be a number of {unit} above 0, not {value[:40]!r}")
    return timedelta(**{unit: number})


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str
    max_body: int = MAX_BODY
    session_idle: timedelta = SESSION_IDLE
    session_lifetime: timedelta = SESSION_LIFETIME
    behind_tls_proxy: bool = False

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        from charley.diary.database import default_url

        return cls(
            db_url=db_url or os.environ.get("CHARLEY_DB") or default_url(),
            session_idle=_length("CHARLEY_SESSION_IDLE_HOURS", "hours", SESSION_IDLE),
            session_lifetime=_length("CHARLEY_SESSION_DAYS", "days", SESSION_LIFETIME),
            behind_tls_proxy=env_flag("CHARLEY_BEHIND_TLS_PROXY"),
        )
