"""Patterns in a diary, on SQLite and PostgreSQL, and how they change the advice.

Every episode is placed at 12:00 or 23:00 on this machine's clock, a whole number of
days before a fixed moment in the past (`NOW`, 12:00 local), so days, nights and runs
of days come out the same in any time zone. Each diary is a different person in the
same database, so the figures also show that nobody's episodes leak into another's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

import charley
from charley.diary import Diary, episode_in
from charley.diary.patterns import Pattern, RemedyScore, summarize

NOW_LOCAL = datetime(2025, 3, 15, 12, 0).astimezone()
NOW = NOW_LOCAL.astimezone(UTC)
TEXT = "My left calf cramped for about two minutes and eased when I stretched it."
DIARY_RULES = {"diary_recurring", "diary_many_days", "diary_sleep"}


def local(days_before: int, hour: int) -> datetime:
    """`hour`:00 on this machine's clock, `days_before` calendar days before NOW."""
    return datetime.combine(NOW_LOCAL.date() - timedelta(days=days_before), time(hour)).astimezone()


@dataclass
class Ep:
    days_before: int
    hour: int = 12
    sites: tuple[str, ...] = ("calf",)
    remedies: tuple[tuple[str, int], ...] = ()
    exercise: bool = False
    woke: bool = False
    seconds: float | None = 60
    data: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.data = {
            "started_at": local(self.days_before, self.hour).isoformat(),
            "sites": [{"site": s, "side": "left"} for s in self.sites],
            "remedies": [{"remedy": r, "relief": v} for r, v in self.remedies],
            "after_exercise": self.exercise,
            "woke": self.woke,
            "duration_seconds": self.seconds,
        }


# The busy diary: the last five nights in a row (three of them woke the person),
# day-time episodes after exercise, and a rising count.
BUSY = [
    Ep(1, 23, remedies=(("stretch", 4),), woke=True),
    Ep(2, 23, sites=("calf", "foot"), remedies=(("stretch", 3),), woke=True),
    Ep(3, 23, remedies=(("heat", 4),), woke=True),
    Ep(4, 23, sites=("foot",), remedies=(("water", 1),)),
    Ep(5, 23, remedies=(("massage", 2),)),
    Ep(2, 12, sites=("thigh",), remedies=(("stretch", 4),), exercise=True, seconds=300),
    Ep(8, 12, exercise=True, seconds=120),
    Ep(10, 12, sites=("calf", "thigh"), remedies=(("water", 2),), exercise=True, seconds=None),
    Ep(20, 12, remedies=(("massage", 1),), exercise=True, seconds=1800),  # the longest
    Ep(25, 12, sites=("foot",)),
    Ep(30, 12),
    Ep(40, 12),
    Ep(200, 12, sites=("hand",)),  # the first
]
QUIET = [Ep(10, 12, remedies=(("stretch", 2),)), Ep(40, 12)]
# Diaries kept for longer than 8 weeks (their first episode, long ago, is outside every
# window): their last 14 days are two whole weeks, and they have a trend.
LONG_AGO = [Ep(100)]
ONLY_RECURRING = [Ep(d) for d in (1, 3, 5, 7, 9)] + LONG_AGO  # 2.5 a week, never two days running
ONLY_MANY_DAYS = [Ep(d) for d in (1, 2, 3, 4)] + LONG_AGO  # 2.0 a week (not more), four days
ONLY_SLEEP = [Ep(d, 23, woke=True) for d in (1, 5, 9)] + LONG_AGO  # woken on three nights
STEADY = [Ep(d) for d in (3, 10, 17)] + [Ep(d) for d in (31, 38, 45)] + LONG_AGO  # 3 then 3
FALLING = [Ep(6)] + [Ep(d) for d in (29, 33, 37, 41, 45, 49)] + LONG_AGO  # 1 after 6
RISING = [Ep(d) for d in (2, 6, 10, 14, 18)] + [Ep(d) for d in (30, 40)] + LONG_AGO  # 5 after 2
TOO_FEW = [Ep(3), Ep(33), Ep(300)]  # 1 and 1 in the two windows
# A diary started five days ago, with eight episodes: a week's worth, and no trend yet.
NEW = [Ep(d, h) for d in (1, 2, 3, 4, 5) for h in (12, 23) if (d, h) not in ((4, 12), (5, 12))]

PEOPLE = {
    "busy": BUSY,
    "quiet": QUIET,
    "only_recurring": ONLY_RECURRING,
    "only_many_days": ONLY_MANY_DAYS,
    "only_sleep": ONLY_SLEEP,
    "steady": STEADY,
    "falling": FALLING,
    "rising": RISING,
    "too_few": TOO_FEW,
    "new": NEW,
}


@pytest.fixture(scope="module")
def patterns(module_diary_url: str) -> Iterator[dict[str, Pattern]]:
    """Each person's pattern as of NOW, all in one database (plus an empty diary).

    Built once per database for the module: the tests only read the summaries.
    """
    names = [*PEOPLE, "nobody"]
    first = Diary(module_diary_url, person=names[0])  # migrates; the others share its engine
    diaries = [first] + [Diary(module_diary_url, person=n, engine=first.engine) for n in names[1:]]
    try:
        for diary, episodes in zip(diaries, PEOPLE.values(), strict=False):
            for i, ep in enumerate(episodes):  # one by one and in a batch: both paths
                if i % 2:
                    diary.add(episode_in(ep.data))
                else:
                    diary.add_many([episode_in(ep.data)])
        yield {name: summarize(d, now=NOW) for d, name in zip(diaries, names, strict=True)}
    finally:
        first.close()


def test_the_busy_diarys_figures(patterns: dict[str, Pattern]) -> None:
    p = patterns["busy"]
    first, last = local(200, 12), local(1, 23)
    assert p.episodes == 13
    assert (p.first, p.last) == (first, last)
    assert p.per_week == pytest.approx(13 / ((NOW - first).total_seconds() / 604800))
    assert p.night_share == pytest.approx(5 / 13)
    assert p.exercise_share == pytest.approx(4 / 13)
    assert p.longest_seconds == 1800
    assert (p.last_4_weeks, p.previous_4_weeks, p.trend) == (10, 2, "rising")
    assert p.remedies == (
        RemedyScore("heat", 4.0, 1),
        RemedyScore("stretch", pytest.approx(11 / 3), 3),  # type: ignore[arg-type]
        RemedyScore("massage", 1.5, 2),  # ties: the more tried first, then by name
        RemedyScore("water", 1.5, 2),
    )
    assert p.sites == (("calf", 9), ("foot", 3), ("thigh", 2), ("hand", 1))
    # the last 14 days: days 1-5 at night, day 2, 8 and 10 at noon
    assert (p.recent_episodes, p.recent_per_week) == (8, 4.0)
    assert (p.recent_nights, p.recent_woke_nights, p.recent_run_days) == (5, 3, 5)

    d = p.to_dict()
    assert d["recent"] == {
        "days": 14,
        "episodes": 8,
        "per_week": 4.0,
        "weeks": 2.0,
        "nights": 5,
        "woke_nights": 3,
        "run_days": 5,
    }
    assert d["remedies"][1] == {"remedy": "stretch", "mean_relief": 3.67, "tried": 3}
    assert d["trend"] == "rising"


def test_a_quiet_and_an_empty_diary(patterns: dict[str, Pattern]) -> None:
    q = patterns["quiet"]
    weeks = (NOW - local(40, 12)).total_seconds() / 604800
    assert (q.episodes, q.night_share, q.exercise_share) == (2, 0.0, 0.0)
    assert q.per_week == pytest.approx(2 / weeks)
    assert (q.last_4_weeks, q.previous_4_weeks, q.trend) == (1, 1, "too early to tell")
    assert q.remedies == (RemedyScore("stretch", 2.0, 1),)
    assert q.sites == (("calf", 2),)
    assert (q.recent_episodes, q.recent_per_week) == (1, 0.5)
    assert (q.recent_nights, q.recent_woke_nights, q.recent_run_days) == (0, 0, 1)

    empty = patterns["nobody"]
    assert (empty.episodes, empty.first, empty.last, empty.longest_seconds) == (0, None, None, None)
    assert (empty.per_week, empty.night_share, empty.exercise_share) == (0.0, 0.0, 0.0)
    assert (empty.trend, empty.remedies, empty.sites) == ("too early to tell", (), ())
    assert (empty.recent_episodes, empty.recent_nights, empty.recent_run_days) == (0, 0, 0)


@pytest.mark.parametrize(
    ("person", "last", "previous", "trend"),
    [
        ("rising", 5, 2, "rising"),
        ("steady", 3, 3, "steady"),
        ("falling", 1, 6, "falling"),
        ("too_few", 1, 1, "too few to tell"),
    ],
)
def test_trend(
    patterns: dict[str, Pattern], person: str, last: int, previous: int, trend: str
) -> None:
    p = patterns[person]
    assert (p.last_4_weeks, p.previous_4_weeks, p.trend) == (last, previous, trend)


def test_a_diary_days_old_has_rates_over_the_days_it_covers_and_no_trend(
    patterns: dict[str, Pattern],
) -> None:
    p = patterns["new"]
    assert p.episodes == p.recent_episodes == 8
    # Five days of diary count as one week, overall and in the last 14 days alike.
    assert (p.per_week, p.recent_per_week) == (8.0, 8.0)
    assert p.how_often() == "8.0 a week overall, 8.0 in the last 14 days"
    assert (p.last_4_weeks, p.previous_4_weeks, p.trend) == (8, 0, "too early to tell")
    assert (
        p.trend_words()
        == "too early to tell (a trend needs 8 weeks of diary; this one covers 1 week)"
    )
    assert p.to_dict()["recent"]["weeks"] == p.to_dict()["weeks"] == 1.0
    # A diary of ten weeks has its whole last 14 days, and a trend.
    busy = patterns["busy"]
    assert busy.how_often() == f"{busy.per_week:.1f} a week overall, 4.0 in the last 14 days"
    assert busy.trend_words() == "rising (10 in the last 4 weeks, 2 in the 4 before)"


def test_the_recent_figures_of_each_rule(patterns: dict[str, Pattern]) -> None:
    def recent(p: Pattern) -> tuple[float, int, int, int]:
        return (p.recent_per_week, p.recent_nights, p.recent_woke_nights, p.recent_run_days)

    assert recent(patterns["only_recurring"]) == (2.5, 0, 0, 1)
    assert recent(patterns["only_many_days"]) == (2.0, 0, 0, 4)
    assert recent(patterns["only_sleep"]) == (1.5, 3, 3, 1)


def rules(assessment: charley.Assessment) -> set[str]:
    return {r.rule for r in assessment.triage.reasons}


def test_a_quiet_diary_leaves_the_advice_alone(patterns: dict[str, Pattern]) -> None:
    alone = charley.assess(TEXT)
    assert alone.triage.level == "self_care"
    with_diary = charley.assess(TEXT, diary=patterns["quiet"].findings())
    assert with_diary.triage.level == "self_care"
    assert not rules(with_diary) & DIARY_RULES
    assert rules(with_diary) == rules(alone)


@pytest.mark.parametrize(
    ("person", "fired", "words"),
    [
        (
            "busy",
            DIARY_RULES,
            [
                "4 a week over the last two weeks, on 5 of the last 14 nights",
                "episodes on 5 days in a row",
                "waking you on 3 of the last 14 nights",
            ],
        ),
        ("only_recurring", {"diary_recurring"}, ["2.5 a week over the last two weeks, on 0 of"]),
        ("only_many_days", {"diary_many_days"}, ["episodes on 4 days in a row"]),
        ("only_sleep", {"diary_sleep"}, ["waking you on 3 of the last 14 nights"]),
    ],
)
def test_the_diary_raises_self_care_to_a_consultation(
    patterns: dict[str, Pattern], person: str, fired: set[str], words: list[str]
) -> None:
    result = charley.assess(TEXT, diary=patterns[person].findings())
    assert result.triage.level == "consultation"
    assert rules(result) & DIARY_RULES == fired
    statements = " | ".join(r.statement for r in result.triage.reasons)
    for w in words:
        assert w in statements
    assert "?" not in statements  # every figure filled in
    for reason in result.triage.reasons:
        if reason.rule in DIARY_RULES:
            assert reason.level == "consultation"
            assert reason.citations
            assert any(f.startswith("diary.") for f in reason.findings)
    ids = {f.id for f in result.findings.items}
    assert {"diary.per_week", "diary.nights", "diary.woke_nights", "diary.run_days"} <= ids
    d = result.to_dict()
    assert d["triage"]["level"] == "consultation"
    assert fired <= set(d["triage"]["rules"])


@pytest.mark.parametrize(
    "new",
    [
        Ep(0, 23, remedies=(("stretch", 1), ("walk", 2)), woke=True, seconds=900),
        Ep(40, 12, sites=("foot", "calf", "thigh"), exercise=True, seconds=None),
        Ep(400, 23),
    ],
)
def test_the_pattern_with_an_episode_about_to_be_saved_is_the_pattern_once_it_is(
    diary_url: str, new: Ep
) -> None:
    """`summarize(adding=)` reads the diary before an episode is written (so the write
    lock is held only to write); its figures are those of the diary with it saved."""
    with Diary(diary_url, person="adding") as diary:
        diary.add_many(episode_in(e.data) for e in BUSY)
        entry = episode_in(new.data)
        before = summarize(diary, now=NOW, adding=entry)
        diary.add(entry)
        after = summarize(diary, now=NOW)
    assert before.to_dict() == after.to_dict()
    assert before.findings() == after.findings()
