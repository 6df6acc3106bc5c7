"""Clock times: two times of day tell how long a cramp has lasted."""

from __future__ import annotations

import pytest

from charley import assess
from charley.parse import parse


def minutes(text: str) -> list[float | None]:
    return [f.value for f in parse(text).items if f.id == "episode.minutes"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it began around ten past one and it's twenty to three now", 90.0),
        ("my calf started cramping around 1pm and it's 3pm now", 120.0),
        ("the cramp came on at half past two until quarter to three", 15.0),
        ("started at 11:30 pm and it is 12:10 am now, still cramping", 40.0),
        ("it started just before the six o'clock news and it's now nearly nine", 180.0),
        ("cramp kicked in at 7.15 and it's 7.45 now", 30.0),
    ],
)
def test_two_times_of_day_give_the_length(text: str, expected: float) -> None:
    assert minutes(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "I went to bed at 10 and the cramp woke me at 3",  # no start and no "now"
        "I started driving at 9 and it's now 3, my calf is cramping",  # the drive's length
        "the cramp came at 6 o'clock",  # one time says nothing about length
    ],
)
def test_times_that_are_not_a_cramps_length(text: str) -> None:
    assert minutes(text) == []


def test_a_long_cramp_told_by_the_clock_is_urgent() -> None:
    text = "my thigh started cramping at ten past one and it's twenty to three now, it won't let go"
    assert assess(text).triage.level == "consultation_24"
