"""Output shared by every path of the CLI: JSON and the one-line error."""

from __future__ import annotations

import json
import sys
from typing import Any

from charley.errors import CharleyError

EXIT_INPUT = 2


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def error(message: str) -> int:
    """Print a one-line error to stderr; return the exit code for bad input."""
    first = str(message).splitlines()[0] if str(message) else "unknown error"
    print(f"charley: error: {first}", file=sys.stderr)
    return EXIT_INPUT


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
