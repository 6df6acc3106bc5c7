"""Output shared by every path of the CLI: JSON and the one-line error."""

from __future__ import annotations

import json
import sys
from typing import Any

from charley.errors import CharleyError, DiaryError

EXIT_INPUT = 2
"""Bad input: what was typed or given cannot be used; nothing changed."""
EXIT_DIARY = 3
"""The diary could not be opened, read or written, through no fault of the input
(the database is down, locked for too long, or damaged); nothing changed."""


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def error(message: str, *, code: int = EXIT_INPUT) -> int:
    """Print a one-line error to stderr; return `code` (by default the code for bad input)."""
    first = str(message).splitlines()[0] if str(message) else "unknown error"
    print(f"charley: error: {first}", file=sys.stderr)
    return code


def failure(exc: CharleyError) -> int:
    """Print `exc` as a one-line error; return its exit code: 3 for the diary, else 2."""
    return error(str(exc), code=EXIT_DIARY if isinstance(exc, DiaryError) else EXIT_INPUT)


def assess_json(text: str) -> int:
    """Assess `text` and print the contract JSON; 2 on bad input."""
    from charley.assess import assess
    from charley.inputs import clean_description

    try:
        result = assess(clean_description(text))
    except CharleyError as exc:
        return error(str(exc))
    print(to_json(result.to_dict()))
    return 0
