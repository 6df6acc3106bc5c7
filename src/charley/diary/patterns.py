"""Patterns in a diary, and the findings they add to an assessment.

The summary is a handful of aggregate queries that need no date functions,
so it reads the same on SQLite and PostgreSQL and stays under a second at a
million episodes. The last two weeks are read row by row (few rows) to
count days, nights and runs of days.

Each figure has one definition, here, and the CLI, the API, the page and the
report all show it from here (the words too: `how_often`, `trend_words`):

- a rate a week is the episodes over the weeks the diary actually covers:
  overall, from the first episode to now; for the last 14 days, from the later
  of 14 days ago and the first episode. At least one week either way, so one
  cramp an hour ago is "1.0 a week", not 168. A diary started five days ago
  with eight episodes is 8.0 a week overall and 8.0 in the last 14 days, not
  "4.0 in the last 14 days" as if the week before the diary had none;
- the trend compares the last 4 weeks with the 4 before only when the diary
  covers both (its first episode at least 8 weeks ago): before that it is
  "too early to tell", whatever the counts; with fewer than 4 episodes in
  those 8 weeks it is "too few to tell".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Integer, cast, func, select

from charley.diary.entries import EpisodeIn
from charley.diary.models import Episode, EpisodeRemedy, EpisodeSite
from charley.diary.store import Diary, _utc, as_utc
from charley.findings import Finding, Findings

RECENT_DAYS = 14
TREND_DAYS = 28
WEEK = timedelta(days=7)
TREND_HISTORY = timedelta(days=2 * TREND_DAYS)
"""A trend needs the diary to cover both 4-week windows: 8 weeks since the first episode."""
TOO_EARLY = "too early to tell"
TOO_FEW = "too few to tell"


@dataclass(frozen=True, slots=True)
class RemedyScore:
    remedy: str
    mean_relief: float
    tried: int


@dataclass(frozen=True, slots=True)
class Pattern:
    """What the diary shows, overall and over the last two weeks."""

    episodes: int
    first: datetime | None
    last: datetime | None
    per_week: float
    night_share: float
    exercise_share: float
    longest_seconds: float | None
    last_4_weeks: int
    previous_4_weeks: int
    trend: str
    remedies: tuple[RemedyScore, ...]
    sites: tuple[tuple[str, int], ...]
    recent_episodes: int
    recent_per_week: float
    recent_nights: int
    recent_woke_nights: int
    recent_run_days: int
    weeks: float = 1.0
    """The weeks the overall rate is over: from the first episode to now (at least 1)."""
    recent_weeks: float = RECENT_DAYS / 7
    """The weeks of the last 14 days the diary covers (1 to 2)."""

    def how_often(self) -> str:
        """The rates in words, the same everywhere:
        "8.0 a week overall, 8.0 in the last 14 days"."""
        return (
            f"{self.per_week:.1f} a week overall, "
            f"{self.recent_per_week:.1f} in the last {RECENT_DAYS} days"
        )

    def trend_words(self) -> str:
        """The trend with what it rests on, the same everywhere:
        "rising (10 in the last 4 weeks, 2 in the 4 before)"."""
        return f"{self.trend} ({self.trend_basis()})"

    def trend_basis(self) -> str:
        if self.trend == TOO_EARLY:
            return (
                f"a trend needs {TREND_HISTORY.days // 7} weeks of diary; "
                f"this one covers {_weeks(self.weeks)}"
            )
        return f"{self.last_4_weeks} in the last 4 weeks, {self.previous_4_weeks} in the 4 before"

    def to_dict(self) -> dict[str, Any]:
        return {
            "episodes": self.episodes,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "per_week": round(self.per_week, 2),
            "weeks": round(self.weeks, 2),
            "night_share": round(self.night_share, 3),
            "exercise_share": round(self.exercise_share, 3),
            "longest_seconds": self.longest_seconds,
            "last_4_weeks": self.last_4_weeks,
            "previous_4_weeks": self.previous_4_weeks,
            "trend": self.trend,
            "remedies": [
                {"remedy": r.remedy, "mean_relief": round(r.mean_relief, 2), "tried": r.tried}
                for r in self.remedies
            ],
            "sites": [{"site": s, "episodes": n} for s, n in self.sites],
            "recent": {
                "days": RECENT_DAYS,
                "episodes": self.recent_episodes,
                "per_week": round(self.recent_per_week, 2),
                "weeks": round(self.recent_weeks, 2),
                "nights": self.recent_nights,
                "woke_nights": self.recent_woke_nights,
                "run_days": self.recent_run_days,
            },
        }

    def findings(self) -> Findings:
        """The diary's figures as findings, each with the words that explain it."""
        days = RECENT_DAYS
        items = [
            Finding(
                "diary.per_week",
                "present",
                f"{_count(self.recent_episodes, 'episode')} in the last {days} days "
                f"({self.recent_per_week:.1f} a week)",
                value=round(self.recent_per_week, 2),
            ),
            Finding(
                "diary.nights",
                "present",
                f"cramps on {self.recent_nights} of the last {days} nights",
                value=float(self.recent_nights),
            ),
            Finding(
                "diary.woke_nights",
                "present",
                f"woken on {self.recent_woke_nights} of the last {days} nights",
                value=float(self.recent_woke_nights),
            ),
            Finding(
                "diary.run_days",
                "present",
                f"episodes on {_count(self.recent_run_days, 'day')} in a row",
                value=float(self.recent_run_days),
            ),
        ]
        return Findings(tuple(items))


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _weeks(weeks: float) -> str:
    whole = int(weeks)
    return "1 week" if whole <= 1 else f"{whole} weeks"


def _trend(last: int, previous: int, covered: timedelta) -> str:
    if covered < TREND_HISTORY:
        return TOO_EARLY
    if last + previous < 4:
        return TOO_FEW
    if last >= previous * 1.25 + 1:
        return "rising"
    if last <= previous * 0.75 - 1:
        return "falling"
    return "steady"


def _night_of(moment: datetime, zone: tzinfo | None) -> str:
    """The evening date a night belongs to (02:00 on the 5th is the night of the 4th),
    on the clock of `zone` (None: the machine's)."""
    return (moment.astimezone(zone) - timedelta(hours=12)).date().isoformat()


def _longest_run(days: set[str]) -> int:
    best = 0
    for d in days:
        day = datetime.fromisoformat(d).date()
        if (day - timedelta(days=1)).isoformat() in days:
            continue
        n = 1
        while (day + timedelta(days=n)).isoformat() in days:
            n += 1
        best = max(best, n)
    return best


def summarize(
    diary: Diary,
    *,
    now: datetime | None = None,
    conn: Connection | None = None,
    adding: EpisodeIn | None = None,
) -> Pattern:
    """The diary's pattern as of `now` (default: this moment).

    `conn` reads inside an open transaction (see `Diary.add(assess_with=...)`).
    `adding` is an episode about to be saved: the pattern is the diary's as it
    will be with it, read before it is written, so that saving it (which holds
    SQLite's write lock) does not wait for the summary of a large diary.
    """
    now = as_utc(now or datetime.now(UTC))
    if conn is not None:
        return _summarize(diary.person_id, diary.zone, now, conn, adding)
    with diary._guard(), diary.engine.connect() as c:
        return _summarize(diary.person_id, diary.zone, now, c, adding)


def _summarize(
    pid: int, zone: tzinfo | None, now: datetime, c: Connection, adding: EpisodeIn | None = None
) -> Pattern:
    """The pattern; days and nights are counted on the person's clock (`zone`)."""
    mine = Episode.person_id == pid
    total, nights, exercise, longest = c.execute(
        select(
            func.count(Episode.id),
            func.sum(cast(Episode.at_night, Integer)),
            func.sum(cast(Episode.after_exercise, Integer)),
            func.max(Episode.duration_seconds),
        ).where(mine)
    ).one()
    # Alone, min and max of started_at are answered from the (person, time) index.
    first = c.scalar(select(func.min(Episode.started_at)).where(mine))
    last = c.scalar(select(func.max(Episode.started_at)).where(mine))

    def between(lo: datetime, hi: datetime) -> int:
        q = select(func.count(Episode.id)).where(
            mine, Episode.started_at >= lo, Episode.started_at < hi
        )
        return int(c.scalar(q) or 0)

    last_4 = between(now - timedelta(days=TREND_DAYS), now)
    prev_4 = between(now - timedelta(days=2 * TREND_DAYS), now - timedelta(days=TREND_DAYS))
    remedies = c.execute(
        select(EpisodeRemedy.remedy, func.avg(EpisodeRemedy.relief), func.count())
        .where(EpisodeRemedy.person_id == pid)
        .group_by(EpisodeRemedy.remedy)
    ).all()
    sites = c.execute(
        select(EpisodeSite.site, func.count())
        .where(EpisodeSite.person_id == pid)
        .group_by(EpisodeSite.site)
    ).all()
    recent = c.execute(
        select(Episode.started_at, Episode.at_night, Episode.woke).where(
            mine,
            Episode.started_at >= now - timedelta(days=RECENT_DAYS),
            Episode.started_at < now,
        )
    ).all()
    total, nights, exercise = int(total or 0), int(nights or 0), int(exercise or 0)
    first_at = _utc(first) if first else None
    last_at = _utc(last) if last else None
    recent_rows = [(_utc(r[0]), bool(r[1]), bool(r[2])) for r in recent]
    relief = {str(r): (float(m) * int(n), int(n)) for r, m, n in remedies}
    site_counts = {str(site): int(n) for site, n in sites}
    if adding is not None:  # the figures as they will be once it is saved
        at = as_utc(adding.started_at)
        at_night = adding.night(zone)
        total += 1
        nights += at_night
        exercise += adding.after_exercise
        if adding.duration_seconds is not None:
            longest = max(longest or 0.0, adding.duration_seconds)
        first_at = min(first_at or at, at)
        last_at = max(last_at or at, at)
        last_4 += now - timedelta(days=TREND_DAYS) <= at < now
        prev_4 += now - timedelta(days=2 * TREND_DAYS) <= at < now - timedelta(days=TREND_DAYS)
        for r in adding.remedies:
            summed, tried = relief.get(r.remedy, (0.0, 0))
            relief[r.remedy] = (summed + r.relief, tried + 1)
        for s in adding.sites:
            site_counts[s.site] = site_counts.get(s.site, 0) + 1
        if now - timedelta(days=RECENT_DAYS) <= at < now:
            recent_rows.append((at, at_night, adding.woke))
    # The weeks the diary covers: from its first episode to now (or to its last, if
    # `now` is earlier), at least one week; the last 14 days only as far as it goes.
    covered = (max(now, last_at) - first_at) if first_at and last_at else timedelta(0)
    weeks = max(covered, WEEK) / WEEK
    recent_weeks = min(max(covered, WEEK), timedelta(days=RECENT_DAYS)) / WEEK
    recent_days = {r[0].astimezone(zone).date().isoformat() for r in recent_rows}
    night_dates = {_night_of(r[0], zone) for r in recent_rows if r[1]}
    woke_dates = {_night_of(r[0], zone) for r in recent_rows if r[2]}
    return Pattern(
        episodes=total,
        first=first_at,
        last=last_at,
        per_week=total / weeks,
        night_share=(nights / total) if total else 0.0,
        exercise_share=(exercise / total) if total else 0.0,
        longest_seconds=float(longest) if longest is not None else None,
        last_4_weeks=last_4,
        previous_4_weeks=prev_4,
        trend=_trend(last_4, prev_4, covered),
        remedies=tuple(
            sorted(
                (RemedyScore(r, summed / n, n) for r, (summed, n) in relief.items()),
                key=lambda s: (-s.mean_relief, -s.tried, s.remedy),
            )
        ),
        sites=tuple(sorted(site_counts.items(), key=lambda p: (-p[1], p[0]))),
        recent_episodes=len(recent_rows),
        recent_per_week=len(recent_rows) / recent_weeks,
        recent_nights=len(night_dates),
        recent_woke_nights=len(woke_dates),
        recent_run_days=_longest_run(recent_days),
        weeks=weeks,
        recent_weeks=recent_weeks,
    )
