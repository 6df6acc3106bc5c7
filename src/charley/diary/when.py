"""When an episode happened, from what a person writes.

"at 3am", "3:30 pm", "last night", "yesterday 22:30", "2 hours ago",
"2026-11-20 03:00". A 24-hour time such as "22:30" is the time of day in a
--when value, and in a description with "at" or next to a day ("yesterday
22:30", "22:30 last night"); elsewhere in a description "2:30" may be how
long. Times are the person's (the clock of `now`); a time of day later than
now means the previous day ("at 3am", said at 9 in the morning, is today; said at
1 in the morning, yesterday). "2 days ago" is that day, at noon unless a
time is said with it ("2 days ago at 3am"): not this time of day, which
would be a guess that looks like a fact. Numbers may be words ("two
hours ago"), read as the diary's fields read them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from charley.diary.numbers import read_number
from charley.errors import InputError

_CLOCK = re.compile(
    r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])|\bat\s+(\d{1,2}):(\d{2})\b"
)
_DAYS = r"yesterday|today|tonight|last night|this morning|this afternoon|this evening|ago"
_NEAR_DAY = re.compile(
    rf"\b(?:{_DAYS})\s*,?\s*(\d{{1,2}}):(\d{{2}})(?![\d:])"
    rf"|(?<![\d:.])(\d{{1,2}}):(\d{{2}})\s*,?\s*(?:{_DAYS})\b"
)
_BARE = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])")
_AGO = re.compile(r"\b(minute|hour|day|week)s?\s+ago\b")
_AGO_WORDS = 4
"""The most words before "ago" that can say its number ("two and a half")."""
DAY_DEFAULT = time(12, 0)
"""The time of an episode said by its day alone ("2 days ago", "yesterday")."""
_DAY_WORDS = {
    "last night": (-1, time(23, 0)),
    "tonight": (0, time(21, 0)),
    "this morning": (0, time(8, 0)),
    "this afternoon": (0, time(15, 0)),
    "this evening": (0, time(19, 0)),
    "yesterday": (-1, DAY_DEFAULT),
}


def _ago(low: str) -> tuple[float, str] | None:
    """How many of what ("2 days ago" is 2, "day"); the longest number said wins."""
    m = _AGO.search(low)
    if not m:
        return None
    before = low[: m.start()].split()
    for n in range(min(_AGO_WORDS, len(before)), 0, -1):
        value = read_number(" ".join(before[-n:]))
        if value is not None and value >= 0:
            return value, m.group(1)
    return None


def when_from_text(text: str, now: datetime, *, any_clock: bool = False) -> datetime | None:
    """The moment a description names, on the clock of `now`, or None if it names none.

    `any_clock`: the text is only a time (a --when value), so a lone "22:30" is a time of day.
    """
    low = text.lower()
    ago = _ago(low)
    if ago is not None:
        n, unit = ago
        days = n * 7 if unit == "week" else n
        if unit in ("minute", "hour") or days != int(days):
            try:
                return now - timedelta(**{f"{unit}s": n})
            except OverflowError:
                return None
        try:
            base = (now - timedelta(days=int(days))).date()
        except OverflowError:
            return None
        return min(
            now, datetime.combine(base, _clock(low, any_clock) or DAY_DEFAULT, tzinfo=now.tzinfo)
        )
    day_shift, default_time = None, None
    for words, (shift, at) in _DAY_WORDS.items():
        if words in low:
            day_shift, default_time = shift, at
            break
    clock = _clock(low, any_clock)
    if clock is None and day_shift is None:
        return None
    base = (now + timedelta(days=day_shift or 0)).date()
    moment = datetime.combine(base, clock or default_time or DAY_DEFAULT, tzinfo=now.tzinfo)
    if day_shift == -1 and clock is not None and "last night" in low and clock.hour < 12:
        moment += timedelta(days=1)  # "last night at 3am" is early this morning
    if moment > now:
        moment -= timedelta(days=1)
    return moment


def _clock(low: str, any_clock: bool = False) -> time | None:
    m = _CLOCK.search(low)
    if not m:
        bare = (_BARE if any_clock else _NEAR_DAY).search(low)
        if not bare:
            return None
        hour_text, minute_text = (g for g in bare.groups() if g is not None)
        hour, minute = int(hour_text), int(minute_text)
        return time(hour, minute) if hour <= 23 and minute <= 59 else None
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
    found: datetime | None
    try:
        parsed = datetime.fromisoformat(text)
        found = parsed if parsed.tzinfo else parsed.replace(tzinfo=now.tzinfo)
    except ValueError:
        found = None
    if found is None:
        clock = _BARE.search(text)
        if clock and (int(clock.group(1)) > 23 or int(clock.group(2)) > 59):
            raise InputError(f"cannot read the time {value!r}: there is no {clock.group(0)}")
        found = (
            now if text.lower() in ("now", "today") else when_from_text(text, now, any_clock=True)
        )
    if found is None:
        raise InputError(
            f"cannot read the time {value!r}: use ISO (2026-11-20 or 2026-11-20T03:00), "
            "'3am', 'last night' or '2 hours ago'"
        )
    try:  # stored and compared in UTC: the first and last hours of the calendar are not
        found.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InputError(f"the time {value!r} is out of range") from None
    return found
