"""The chart and the one-page report: formats, counts on SQLite and PostgreSQL,
local days, an empty diary, and what a doctor reads (escaped, offline, one page)."""

from __future__ import annotations

import html
import os
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import charley
from charley.card import HEADINGS
from charley.diary import Diary, EpisodeIn, episode_in
from charley.diary.entries import RemedyIn, SiteIn
from charley.diary.report import _count, _Counts, write_chart, write_report
from charley.errors import InputError

PNG = b"\x89PNG\r\n\x1a\n"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SCRIPT = "<script>alert(1)</script>"
WATER_PILL = "I take a water pill and my calves cramp"
LATEST = "my calf cramped at night and woke me up"


def _add(diary: Diary, at: datetime, text: str | None = None, **fields: Any) -> None:
    data: dict[str, Any] = {"started_at": at.isoformat(), "sites": [{"site": "calf"}]}
    data.update(fields)
    if text is not None:
        data["text"] = text
    entry = episode_in(data)
    diary.add(entry, assessment=charley.assess(text).to_dict() if text else None)


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Diary]:
    with Diary(f"sqlite:///{tmp_path / 'd.sqlite3'}") as d:
        yield d


@pytest.fixture
def diary(empty: Diary) -> Diary:
    """Three episodes in February 2025: stretching helps most, heat least."""
    _add(
        empty,
        datetime(2025, 2, 10, 3, 0, tzinfo=UTC),
        WATER_PILL,
        sites=[{"site": "calf", "side": "left"}],
        severity=6,
        duration_seconds=120,
        remedies=[{"remedy": "stretching", "relief": 4}, {"remedy": "heat", "relief": 1}],
        notes=SCRIPT,
    )
    _add(
        empty,
        datetime(2025, 2, 12, 18, 30, tzinfo=UTC),
        "my foot cramped after running",
        sites=[{"site": "foot"}],
        severity=3,
        remedies=[{"remedy": "stretching", "relief": 3}, {"remedy": "heat", "relief": 0}],
        after_exercise=True,
        notes="after a run",
    )
    _add(
        empty,
        datetime(2025, 2, 20, 4, 0, tzinfo=UTC),
        LATEST,
        sites=[{"site": "calf", "side": "right"}, {"site": "thigh"}],
        severity=8,
        duration_seconds=600,
        remedies=[{"remedy": "heat", "relief": 2}],
    )
    return empty


# -- the chart ---------------------------------------------------------------


def test_png_chart(diary: Diary, tmp_path: Path) -> None:
    out = write_chart(diary, tmp_path / "chart.png")
    data = out.read_bytes()
    assert out == tmp_path / "chart.png"
    assert data.startswith(PNG)
    assert len(data) > 10_000


def test_svg_chart_names_the_sites(diary: Diary, tmp_path: Path) -> None:
    out = write_chart(diary, tmp_path / "chart.SVG")
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    text = out.read_text(encoding="utf-8")
    for site in ("calf", "foot", "thigh"):
        assert site in text
    assert "Cramp episodes by body site" in text


def test_format_argument_wins_over_the_suffix(diary: Diary, tmp_path: Path) -> None:
    out = write_chart(diary, tmp_path / "chart.out", fmt="svg")
    ET.parse(out)
    assert write_chart(diary, tmp_path / "chart.bin", fmt="png").read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    ("name", "fmt"), [("chart.gif", None), ("chart", None), ("chart.png", "pdf")]
)
def test_bad_format(diary: Diary, tmp_path: Path, name: str, fmt: Any) -> None:
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        write_chart(diary, tmp_path / name, fmt=fmt)
    assert not (tmp_path / name).exists()


def test_unwritable_path_is_an_input_error(diary: Diary, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write the chart"):
        write_chart(diary, tmp_path / "no" / "such" / "folder" / "chart.png")


def test_empty_diary_says_so(empty: Diary, tmp_path: Path) -> None:
    svg = write_chart(empty, tmp_path / "empty.svg").read_text(encoding="utf-8")
    assert "No episodes yet" in svg
    assert write_chart(empty, tmp_path / "empty.png").read_bytes().startswith(PNG)


def test_range_with_no_episodes_says_so(diary: Diary, tmp_path: Path) -> None:
    out = write_chart(diary, tmp_path / "later.svg", start=NOW, end=NOW + timedelta(days=7))
    svg = out.read_text(encoding="utf-8")
    assert "No episodes yet in this period" in svg
    assert "from 1 Mar 2025 until 8 Mar 2025" in svg
    early = write_chart(diary, tmp_path / "early.svg", end=datetime(2000, 1, 1, tzinfo=UTC))
    assert "until 31 Dec 1999" in early.read_text(encoding="utf-8")


def test_range_keeps_only_its_episodes(diary: Diary, tmp_path: Path) -> None:
    counts = _count(diary, datetime(2025, 2, 11, tzinfo=UTC), datetime(2025, 2, 15, tzinfo=UTC))
    assert counts is not None
    assert counts.total == 1
    assert [s for s, _, _ in counts.sites] == ["foot"]
    assert counts.periods[0] == date(2025, 2, 11)
    assert counts.periods[-1] == date(2025, 2, 14)


# -- counting, on SQLite and PostgreSQL ---------------------------------------


def _entry(at: datetime, site: str, severity: int | None) -> EpisodeIn:
    return EpisodeIn(started_at=at, sites=[SiteIn(site=site)], severity=severity)


def _many(diary: Diary, days: int, every_hours: int) -> None:
    sites = ("calf", "foot", "thigh", "hand", "neck", "back", "jaw", "eyelid")
    start = datetime(2024, 1, 1, 0, 30, tzinfo=UTC)
    entries = [
        EpisodeIn(
            started_at=start + timedelta(hours=h),
            sites=[SiteIn(site=sites[h % len(sites)])]
            + ([SiteIn(site="calf")] if h % 5 == 0 and sites[h % len(sites)] != "calf" else []),
            severity=None if h % 7 == 0 else h % 11,
            remedies=[RemedyIn(remedy="stretching", relief=h % 5)],
        )
        for h in range(0, days * 24, every_hours)
    ]
    diary.add_many(entries)


def _same(fast: _Counts | None, slow: _Counts | None) -> bool:
    """Equal counts, and means equal to the last few digits (databases round their own way)."""
    assert fast is not None and slow is not None
    pain = [pytest.approx(v) if v is not None else None for v in slow.pain]
    site_pain = [pytest.approx(p) if p is not None else None for _, _, p in slow.sites]
    assert list(fast.pain) == pain
    assert [p for _, _, p in fast.sites] == site_pain
    assert [(s, n) for s, n, _ in fast.sites] == [(s, n) for s, n, _ in slow.sites]
    assert (fast.unit, fast.periods, fast.episodes, fast.total, fast.first, fast.last) == (
        slow.unit,
        slow.periods,
        slow.episodes,
        slow.total,
        slow.first,
        slow.last,
    )
    return True


@pytest.mark.parametrize(("days", "every", "unit"), [(40, 5, "day"), (400, 29, "week")])
def test_sql_counts_match_row_by_row_counts(
    diary_url: str, days: int, every: int, unit: str
) -> None:
    with Diary(diary_url) as d:
        _many(d, days, every)
        fast = _count(d, None, None)
        slow = _count(d, None, None, dialect="portable")
    assert fast is not None
    assert fast.unit == unit
    assert _same(fast, slow)
    assert fast.total == len(range(0, days * 24, every))
    assert sum(fast.episodes) == fast.total
    assert len(fast.sites) == 8
    assert fast.sites[0][0] == "calf"  # most frequent first
    if unit == "week":
        assert all(p.weekday() == 0 for p in fast.periods)
    gaps = [b - a for a, b in zip(fast.periods, fast.periods[1:], strict=False)]
    assert set(gaps) == {timedelta(days=1 if unit == "day" else 7)}


def test_long_diaries_are_counted_by_month(empty: Diary) -> None:
    at = datetime(2020, 1, 15, 12, tzinfo=UTC)
    empty.add_many(_entry(at + timedelta(days=40 * i), "calf", 5) for i in range(40))
    counts = _count(empty, None, None)
    assert counts is not None
    assert counts.unit == "month"
    assert all(p.day == 1 for p in counts.periods)
    assert _same(counts, _count(empty, None, None, dialect="portable"))


@pytest.fixture
def kolkata() -> Iterator[None]:
    """Local time five and a half hours ahead of UTC, with no summer time."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.usefixtures("kolkata")
def test_days_are_local_days(diary_url: str) -> None:
    with Diary(diary_url) as d:
        # 20:00 UTC on the 1st is 01:30 on the 2nd in Kolkata.
        d.add(_entry(datetime(2025, 2, 1, 20, 0, tzinfo=UTC), "calf", 4))
        d.add(_entry(datetime(2025, 2, 1, 10, 0, tzinfo=UTC), "foot", 6))
        counts = _count(d, None, None)
        assert _same(counts, _count(d, None, None, dialect="portable"))
    assert counts is not None
    assert dict(zip(counts.periods, counts.episodes, strict=True)) == {
        date(2025, 2, 1): 1,
        date(2025, 2, 2): 1,
    }


# -- the report --------------------------------------------------------------


@pytest.fixture
def report(diary: Diary, tmp_path: Path) -> str:
    out = write_report(diary, tmp_path / "report.html", now=NOW)
    return out.read_text(encoding="utf-8")


def _section(page: str, css_class: str) -> str:
    start = page.index(f'<section class="{css_class}">')
    return page[start : page.index("</section>", start)]


def test_report_counts(report: str) -> None:
    assert "3 episodes" in report
    assert "<b>3</b><span>episodes in this report</span>" in report
    assert "10 Feb 2025 to 20 Feb 2025" in report
    assert "10 min" in report  # the longest episode
    assert "33%" in report  # one of three during or after exercise


def test_report_ranks_remedies_by_relief(report: str) -> None:
    remedies = _section(report, "remedies")
    assert remedies.index("stretching") < remedies.index("heat")
    assert "3.5" in remedies
    assert "1.0" in remedies


def test_report_lists_medicines_in_the_persons_words(report: str) -> None:
    mentioned = report[report.index("Medicines and conditions mentioned") :]
    assert "a diuretic (water pill)" in mentioned
    assert "“water pill”" in mentioned


def test_report_shows_the_latest_assessment_with_sources(report: str) -> None:
    answer = charley.assess(LATEST).to_dict()
    latest = _section(report, "latest")
    assert f"level {answer['triage']['level']}" in latest
    assert f">{HEADINGS[answer['triage']['level']]}<" in latest  # the care card's heading
    assert html.escape(LATEST) in latest
    quote = answer["triage"]["reasons"][0]["citations"][0]["quote"]
    assert html.escape(quote) in latest


def test_report_escapes_what_people_wrote(report: str) -> None:
    assert SCRIPT not in report
    assert html.escape(SCRIPT) in report
    assert "<script" not in report


def test_report_is_one_offline_printable_page(report: str) -> None:
    assert report.startswith("<!doctype html>")
    assert "@page" in report
    assert "<svg" in report and "calf" in report
    for fetches in ("<link", "<img", "<script", "<iframe", "src=", "@import", "@font-face"):
        assert fetches not in report
    assert not re.search(r"url\((?!#)", report)  # only references inside the page
    assert "Not a diagnosis." in report
    assert "It is not a diagnosis" in report


def test_report_on_an_empty_diary(empty: Diary, tmp_path: Path) -> None:
    page = write_report(empty, tmp_path / "r.html", now=NOW).read_text(encoding="utf-8")
    assert "No episodes yet" in page
    assert "No episode in this report was assessed." in page
    assert "Not a diagnosis." in page


def test_report_range(diary: Diary, tmp_path: Path) -> None:
    out = write_report(
        diary,
        tmp_path / "r.html",
        start=datetime(2025, 2, 11, tzinfo=UTC),
        end=datetime(2025, 2, 15, tzinfo=UTC),
        now=NOW,
    )
    page = out.read_text(encoding="utf-8")
    assert "<b>1</b><span>episodes in this report</span>" in page
    assert "11 Feb 2025 to 14 Feb 2025" in page
    assert "(whole diary)" in page
    # The water pill was mentioned on the 10th, outside the range.
    mentioned = page[page.index("Medicines and conditions mentioned") :]
    assert "None mentioned." in mentioned
