"""Public episode ids: UUID version 7, made here and nowhere else.

An episode's id is what people and programs see (`/v1/episodes/{id}`, the
page's links, exports). It must not be guessable nor count across people: the
database's own integer key stays inside the diary. A UUIDv7 (RFC 9562) holds
the time in milliseconds (so ids sort by when they were made) and 74 random
bits. Python 3.11's `uuid` has no uuid7, so it is built here.

>>> from uuid import UUID
>>> UUID(new_id()).version, UUID(new_id()).variant
(7, 'specified in RFC 4122')
>>> episode_id("0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B")
'0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'
>>> episode_id("12") is None
True
"""

from __future__ import annotations

import re
import secrets
import time

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ID_LENGTH = 36


def new_id(millis: int | None = None) -> str:
    """A new UUIDv7 as text: 48 bits of Unix time in ms (now, unless `millis`),
    the version (7), 12 random bits, the variant (10) and 62 random bits."""
    ms = time.time_ns() // 1_000_000 if millis is None else millis
    rand = secrets.randbits(74)
    value = (
        (ms & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76
        | (rand >> 62) << 64  # rand_a: 12 bits
        | 0b10 << 62
        | (rand & (1 << 62) - 1)  # rand_b: 62 bits
    )
    digits = f"{value:032x}"  # as str(UUID(int=value)), without building the UUID
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def episode_id(text: str) -> str | None:
    """`text` as a stored id (lower case) if it is written as a UUID, else None.

    Any UUID is accepted, not only version 7: a diary may come back from
    another program with its own ids.
    """
    value = text.strip().lower()
    return value if len(value) == ID_LENGTH and _UUID.fullmatch(value) else None
