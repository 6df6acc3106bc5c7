"""Checks on what a person types, shared by every interface.

Each check raises InputError with a one-line message that says what to do.
"""

from __future__ import annotations

from charley.errors import InputError

MAX_CHARS = 5000


def clean_description(text: str) -> str:
    """The description, stripped; raise InputError if it cannot be assessed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the description is not valid UTF-8 text") from None
    stripped = text.strip()
    if not stripped:
        raise InputError("the description is empty: describe the cramp, spasm or twitch")
    if len(stripped) > MAX_CHARS:
        raise InputError(f"the description is {len(stripped)} characters; the limit is {MAX_CHARS}")
    return stripped


def decode(data: bytes) -> str:
    """Bytes from a file or a pipe as text; raise InputError if not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the input is not valid UTF-8 text") from None
