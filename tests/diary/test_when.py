"""When an episode happened, from words, and numbers from words: both used by the
CLI's `--when` and by the page's fields."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from charley.diary.numbers import read_number
from charley.diary.when import parse_when
from charley.errors import InputError

ZONE = ZoneInfo("Pacific/Auckland")
NOW = datetime(2026, 5, 10, 9, 15, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", 5.0),
        ("2,5", 2.5),
        ("five", 5.0),
        ("Seven", 7.0),
        ("two and a half", 2.5),
        ("twenty-five", 25.0),
        ("half a", 0.5),
        ("a couple", 2.0),
    ],
)
def test_numbers_in_words_and_digits(text: str, value: float) -> None:
    assert read_number(text) == value


@pytest.mark.parametrize("text", ["", "lots", "nan", "inf", "five minutes", "seven eleven"])
def test_what_is_not_one_number_is_none(text: str) -> None:
    assert read_number(text) is None


@pytest.mark.parametrize("text", ["2 days ago", "two days ago"])
def test_days_ago_is_that_day_not_this_time_of_day(text: str) -> None:
    moment = parse_when(text, NOW)
    assert moment.date() == NOW.date() - timedelta(days=2)
    assert moment.time() == time(12, 0)
    assert moment.utcoffset() == NOW.utcoffset()


def test_days_ago_with_a_time_keeps_the_time() -> None:
    assert parse_when("2 days ago at 3am", NOW) == datetime(2026, 5, 8, 3, 0, tzinfo=ZONE)


def test_a_week_ago_is_seven_days() -> None:
    assert parse_when("a week ago", NOW).date() == NOW.date() - timedelta(days=7)


def test_hours_and_minutes_ago_count_back_from_now() -> None:
    assert parse_when("two and a half hours ago", NOW) == NOW - timedelta(hours=2.5)
    assert parse_when("5 minutes ago", NOW) == NOW - timedelta(minutes=5)


def test_a_clock_time_later_than_now_is_yesterday() -> None:
    assert parse_when("3am", NOW) == datetime(2026, 5, 10, 3, 0, tzinfo=ZONE)
    assert parse_when("11pm", NOW) == datetime(2026, 5, 9, 23, 0, tzinfo=ZONE)


@pytest.mark.parametrize("text", ["soon", "800000 days ago", "many days ago"])
def test_unreadable_times_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_when(text, NOW)
