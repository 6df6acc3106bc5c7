"""A person's time zone: their days, nights and weeks are counted on their own clock.

A zone is an IANA name ("Europe/London"), checked against the zone database.
A person without one (None) lives on the machine's clock: `moment.astimezone(None)`
is the machine's local time at that moment, summer time included.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from charley.errors import InputError

MAX_ZONE = 64


@cache
def _names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str | None) -> bool:
    """Whether `name` is a time zone in the zone database."""
    return bool(name) and len(name or "") <= MAX_ZONE and name in _names()


def check_zone(name: str) -> str:
    """`name` if it is a time zone in the zone database; InputError if not."""
    name = name.strip()
    if not is_zone(name):
        raise InputError(
            f"unknown time zone {name[:MAX_ZONE]!r}: give a name from the time zone database, "
            "such as Europe/London or America/New_York"
        )
    return name


def zone_of(name: str | None) -> tzinfo | None:
    """The zone called `name`; None (the machine's) when there is none or it is unknown."""
    return ZoneInfo(name) if name and is_zone(name) else None


def now_in(zone: tzinfo | None) -> datetime:
    """This moment on the clock of `zone` (None: the machine's)."""
    return datetime.now(zone) if zone is not None else datetime.now().astimezone()
