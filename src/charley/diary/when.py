"""When an episode happened, from what a person writes.

"at 3am", "3:30 pm", "last night", "yesterday 14:00", "2 hours ago",
"2026-11-20 03:00". Times are local; a time of day later than now means
the previous day ("at 3am", said at 9 in the morning, is today; said at
1 in the morning, yesterday).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from charley.errors import InputError

_CLOCK = re.compile(
    r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])|\bat\s+(\d{1,2}):(\d{2})\b"
)
_AGO = re.compile(r"\b(\d+|an?|one|two|three|four|five|six)\s+(minute|hour|day)s?\s+ago\b")
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_DAY_WORDS = {
    "last night": (-1, time(23, 0)),
    "tonight": (0, time(21, 0)),
    "this morning": (0, time(8, 0)),
    "this afternoon": (0, time(15, 0)),
    "this evening": (0, time(19, 0)),
    "yesterday": (-1, time(12, 0)),
}


def when_from_text(text: str, now: datetime) -> datetime | None:
    """The moment a description names, in local time, or None if it names none."""
    low = text.lower()
    m = _AGO.search(low)
    if m:
        n = _WORDS.get(m.group(1)) or int(m.group(1))
        return now - timedelta(**{f"{m.group(2)}s": n})
    day_shift, default_time = None, None
    for words, (shift, at) in _DAY_WORDS.items():
        if words in low:
            day_shift, default_time = shift, at
            break
    clock = _clock(low)
    if clock is None and day_shift is None:
        return None
    base = (now + timedelta(days=day_shift or 0)).date()
    moment = datetime.combine(base, clock or default_time or time(12, 0), tzinfo=now.tzinfo)
    if day_shift == -1 and clock is not None and "last night" in low and clock.hour < 12:
        moment += timedelta(days=1)  # "last night at 3am" is early this morning
    if moment > now:
        moment -= timedelta(days=1)
    return moment


def _clock(low: str) -> time | None:
    m = _CLOCK.search(low)
    if not m:
        return None
    if m.group(4) is not None:
        hour, minute = int(m.group(4)), int(m.group(5))
    else:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        pm = m.group(3).startswith("p")
        if hour == 12:
            hour = 0 if not pm else 12
        elif pm:
            hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_when(value: str, now: datetime) -> datetime:
    """A --when / --from / --to value: ISO date or time, or words as above."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=now.tzinfo)
    except ValueError:
        pass
    if text.lower() in ("now", "today"):
        return now
    found = when_from_text(text, now)
    if found is None:
        raise InputError(
            f"cannot read the time {value!r}: use ISO (2026-11-20 or 2026-11-20T03:00), "
            "'3am', 'last night' or '2 hours ago'"
        )
    return found
