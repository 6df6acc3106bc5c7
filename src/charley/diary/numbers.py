"""A number as a person writes it in a form field: "5", "2,5", "five",
"twenty five", "two and a half", "half a".

The words for numbers are the knowledge's (language.yaml), the same the
description reader uses; the diary's fields (the page's minutes and pain,
"2 days ago" in `when`) read numbers only through here.

>>> read_number("two and a half")
2.5
>>> read_number("7")
7.0
>>> read_number("lots") is None
True
"""

from __future__ import annotations

import math
import re
from functools import cache

_HALF = re.compile(r"^(.*?)\s*\band\s+(?:a|one)\s+half$")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
"""Only between words ("twenty-five"): "-3" stays minus three."""
_ALONE = {"half": 0.5, "a half": 0.5, "quarter": 0.25, "a quarter": 0.25}
"""Fractions said on their own ("half a minute" reaches here as "half a")."""


@cache
def _words() -> dict[str, float]:
    from charley.knowledge import load_knowledge

    return {k.lower(): float(v) for k, v in load_knowledge().language.numbers.items()}


def _whole(text: str) -> float | None:
    """Digits, a number word, or tens and units in words ("twenty five")."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        pass
    else:
        return value if math.isfinite(value) else None
    words = _words()
    if text in words:
        return words[text]
    if text in _ALONE:
        return _ALONE[text]
    parts = text.split()
    if len(parts) == 2 and parts[0] in words and parts[1] in words:
        tens, units = words[parts[0]], words[parts[1]]
        if tens >= 20 and tens % 10 == 0 and 1 <= units <= 9 and units == int(units):
            return tens + units
    return None


def read_number(text: str) -> float | None:
    """The number `text` says, or None if it says none (or something else too)."""
    low = " ".join(_HYPHEN.sub(" ", text.lower()).split())
    if not low:
        return None
    half = _HALF.match(low)
    if half:
        whole = _whole(half.group(1)) if half.group(1) else None
        return None if whole is None else whole + 0.5
    return _whole(low)
