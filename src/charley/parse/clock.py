"""Clock times: "it began around ten past one and it's twenty to three now".

People often tell how long a cramp has lasted by two times of day rather than
by a length. A start ("started at 1pm", "from about six o'clock") and a time
now or an end ("it's 3pm now", "until half past two") give the episode's
length in minutes. One time alone says nothing about length, and the clock on
the machine is never read: the same words always give the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

MINUTE_WORDS = {"five": 5, "ten": 10, "quarter": 15, "twenty": 20, "twenty five": 25, "half": 30}
DAY = 24 * 60
HALF_DAY = 12 * 60
START_WORDS = r"(?:started|starting|start|began|begun|begin|came on|kicked in|since|from)"
NOW_WORDS = r"(?:now|it's|it is|its|until|till|til|up to)"
HEDGES = (
    r"(?:\s+(?:at|about|around|round|roughly|nearly|almost|just after|just before|gone|after))*"
)
# up to four words between the start and its time: "started cramping around 1pm",
# "began just before the six o'clock news"
LEAD = r"(?:\s+[\w']+){0,4}?"


class Span(NamedTuple):
    minutes: float
    first: tuple[int, int]
    second: tuple[int, int]


def _hour_words(numbers: Mapping[str, float]) -> str:
    words = sorted((w for w, v in numbers.items() if 1 <= v <= 12 and v == int(v)), key=len)
    return "|".join(re.escape(w) for w in reversed(words)) or "(?!)"


def _time_pattern(numbers: Mapping[str, float]) -> str:
    hours = rf"(?:\d{{1,2}}|{_hour_words(numbers)})"
    mins = "|".join(re.escape(w) for w in sorted(MINUTE_WORDS, key=len, reverse=True))
    return (
        rf"(?:(?P<h>\d{{1,2}})[:.](?P<m>\d{{2}})\s*(?P<ap>am|pm|a\.m\.|p\.m\.)?"
        rf"|(?P<h2>\d{{1,2}})\s*(?P<ap2>am|pm|a\.m\.|p\.m\.)"
        rf"|(?P<mw>{mins}|\d{{1,2}})\s+(?P<rel>past|to)\s+(?P<h3>{hours})"
        rf"|(?P<h4>{hours})\s*o'?clock"
        rf"|half\s+(?P<h5>{hours})\b"  # British "half twelve": half past
        rf"|(?P<noon>noon|midday|midnight))"
    )


_PATTERNS: dict[int, re.Pattern[str]] = {}


def _pattern(numbers: Mapping[str, float]) -> re.Pattern[str]:
    key = id(numbers)
    hit = _PATTERNS.get(key)
    if hit is None:
        t = _time_pattern(numbers)
        bare = rf"(?P<hb>\d{{1,2}}|{_hour_words(numbers)})"
        first = t.replace("?P<", "?P<a_")
        second = t.replace("?P<", "?P<b_") + "|" + bare.replace("?P<", "?P<b_")
        hit = re.compile(
            rf"\b{START_WORDS}{LEAD}{HEDGES}\s+(?P<t1>{first})"
            rf"(?P<mid>[^.!?;]{{0,60}}?)"
            rf"\b{NOW_WORDS}(?:\s+now)?{HEDGES}\s+(?P<t2>{second})\b"
        )
        _PATTERNS[key] = hit
    return hit


def _minutes(m: re.Match[str], side: str, numbers: Mapping[str, float]) -> tuple[int, bool] | None:
    """Minutes after midnight (or after noon's start when am/pm is unsaid), and
    whether am/pm was said."""

    def g(name: str) -> str | None:
        return m.group(f"{side}_{name}")

    def hour(word: str | None) -> int | None:
        if word is None:
            return None
        value = int(word) if word.isdigit() else int(numbers.get(word, 0))
        return value if 0 <= value <= 24 else None

    if g("h") is not None:
        h, mm, ap = hour(g("h")), int(g("m") or 0), g("ap")
    elif g("h2") is not None:
        h, mm, ap = hour(g("h2")), 0, g("ap2")
    elif g("h3") is not None:
        h = hour(g("h3"))
        word = g("mw") or "0"
        step = int(word) if word.isdigit() else MINUTE_WORDS[word]
        if h is None or step >= 60:
            return None
        h, mm, ap = (h, step, None) if g("rel") == "past" else (h - 1, 60 - step, None)
    elif g("h4") is not None:
        h, mm, ap = hour(g("h4")), 0, None
    elif g("h5") is not None:
        h, mm, ap = hour(g("h5")), 30, None
    elif g("noon") is not None:
        h, mm, ap = (0 if g("noon") == "midnight" else 12), 0, "said"
    elif side == "b" and m.group("b_hb") is not None:
        h, mm, ap = hour(m.group("b_hb")), 0, None
    else:
        return None
    if h is None or mm >= 60:
        return None
    if ap and ap.startswith("p") and h < 12:
        h += 12
    if ap and ap.startswith("a") and h == 12:
        h = 0
    return h * 60 + mm, ap is not None


def clock_spans(text: str, numbers: Mapping[str, float]) -> list[Span]:
    """Every start time followed by a time now or an end, with the minutes between."""
    out: list[Span] = []
    for m in _pattern(numbers).finditer(text):
        a, b = _minutes(m, "a", numbers), _minutes(m, "b", numbers)
        if a is None or b is None:
            continue
        (t1, said1), (t2, said2) = a, b
        cycle = DAY if said1 and said2 else HALF_DAY
        if not (said1 and said2):
            t1, t2 = t1 % HALF_DAY, t2 % HALF_DAY
        gap = (t2 - t1) % cycle
        if gap == 0:
            continue
        out.append(Span(float(gap), m.span("t1"), m.span("t2")))
    return out
