"""The diary drawn for a doctor: a chart of episodes and a one-page HTML report.

The chart is counted in SQL (episodes and mean pain per day, week or month,
and per body site), so a diary of a million episodes draws in seconds
without loading its rows. matplotlib is imported only when a chart is drawn,
so that `charley assess` starts fast.

Days are the person's local days. SQLite turns stored UTC times into local
ones itself ('localtime'); PostgreSQL runs elsewhere, so it is given this
machine's current UTC offset.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from sqlalchemy import Date, DateTime, Interval, cast, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from charley.diary.assessing import latest_assessment
from charley.diary.files import write_private
from charley.diary.models import Episode, EpisodeSite
from charley.diary.patterns import Pattern, summarize
from charley.diary.store import Diary, _utc
from charley.errors import InputError

if TYPE_CHECKING:
    from jinja2 import Environment

Format = Literal["png", "svg"]
Unit = Literal["day", "week", "month"]

DAY_SPAN = 92
"""Up to about three months, one bar a day; up to WEEK_SPAN days, a week; then a month."""
WEEK_SPAN = 3 * 366
TOP_SITES = 6
"""More sites than this are drawn together as "other sites", so the legend stays readable."""
RECENT = 5
MAX_REMEDIES = 6
MAX_REASONS = 3
"""Reasons shown from the latest assessment (the most urgent come first), to keep one page."""
CHART_SIZE = (10.0, 6.0)
REPORT_CHART_SIZE = (7.6, 2.55)
PHONE_CHART_SIZE = (3.7, 4.8)
"""About a phone's width in CSS pixels (1 inch is 96), so it is shown near its own size
and its words stay as large as the page's small print; the wide chart, shrunk to a
phone, would show them at a third of that."""
ChartSize = Literal["wide", "phone"]
"""Drawn at about its printed size, so its words print at the size of the page's."""

# Colour-blind safe (Okabe-Ito); grey is kept for "other sites".
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
OTHER_COLOUR = "#9E9E9E"
PAIN_COLOUR = "#333333"

RELIEF_WORDS = ("no help", "a little", "some", "a lot", "complete")
LEVEL_NAMES = {
    "emergency_ambulance": "Emergency: call an ambulance",
    "emergency": "Emergency",
    "consultation_24": "See a doctor within 24 hours",
    "consultation": "See a doctor",
    "self_care": "Self-care",
}


# -- counting ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Counts:
    """What the chart draws: one entry per period, with no gaps."""

    unit: Unit
    periods: tuple[date, ...]
    episodes: tuple[int, ...]
    pain: tuple[float | None, ...]
    sites: tuple[tuple[str, tuple[int, ...], float | None], ...]
    """Per site, most frequent first: name, count per period, mean pain."""
    total: int
    first: date
    last: date


def _utc_bound(value: datetime | None) -> datetime | None:
    """A range bound in UTC (no zone means local time), as the diary stores times."""
    if value is None:
        return None
    aware = value if value.tzinfo else value.astimezone()
    return aware.astimezone(UTC)


def _local_day(moment: datetime) -> date:
    return _utc(moment).astimezone().date()


def _floor(day: date, unit: Unit) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next(day: date, unit: Unit) -> date:
    if unit == "day":
        return day + timedelta(days=1)
    if unit == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _unit(first: date, last: date) -> Unit:
    span = (last - first).days
    if span <= DAY_SPAN:
        return "day"
    return "week" if span <= WEEK_SPAN else "month"


def _bucket(dialect: str, unit: Unit) -> ColumnElement[Any]:
    """The first local day of an episode's period, in this database's own SQL.

    Constants are written into the SQL (they are fixed words and a whole number),
    so GROUP BY repeats exactly the selected expression, as PostgreSQL requires.
    """
    at = Episode.started_at
    if dialect == "sqlite":
        local: ColumnElement[Any] = literal_column("'localtime'")
        if unit == "day":
            return func.date(at, local)
        if unit == "week":
            return func.date(at, local, literal_column("'weekday 0'"), literal_column("'-6 days'"))
        return func.strftime(literal_column("'%Y-%m-01'"), at, local)
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    shifted = func.timezone(literal_column("'UTC'"), at, type_=DateTime) + literal_column(
        f"interval '{minutes} minutes'", type_=Interval
    )
    return cast(func.date_trunc(literal_column(f"'{unit}'"), shifted), Date)


def _as_date(value: Any) -> date:
    """A period from the database: a date (PostgreSQL) or 'YYYY-MM-DD' text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _filters(diary: Diary, start: datetime | None, end: datetime | None) -> list[Any]:
    where: list[Any] = [Episode.person_id == diary.person_id]
    if start is not None:
        where.append(Episode.started_at >= start)
    if end is not None:
        where.append(Episode.started_at < end)
    return where


def _count(
    diary: Diary, start: datetime | None, end: datetime | None, *, dialect: str | None = None
) -> _Counts | None:
    """Episodes and pain per period and per site in [start, end); None when there are none.

    `dialect` is the database's unless given (tests force the portable path).
    """
    dialect = dialect or diary.engine.dialect.name
    where = _filters(diary, start, end)
    by_period: dict[date, tuple[int, float | None]] = {}
    by_site: dict[str, dict[date, int]] = defaultdict(dict)
    site_pain: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    with diary._guard(), diary.engine.connect() as c:
        first, last = c.execute(
            select(func.min(Episode.started_at), func.max(Episode.started_at)).where(*where)
        ).one()
        if first is None:
            return None
        lo = _local_day(start) if start is not None else _local_day(first)
        hi = _local_day(end - timedelta(microseconds=1)) if end is not None else _local_day(last)
        unit = _unit(lo, hi)
        if dialect in ("sqlite", "postgresql"):
            period = _bucket(dialect, unit).label("period")
            episodes = c.execute(
                select(period, func.count(Episode.id), func.avg(Episode.severity))
                .where(*where)
                .group_by(period)
            ).all()
            # Sites are reached through this person's episodes only: a second filter on
            # the sites' own person_id tempts PostgreSQL, before it has statistics
            # (just after a bulk import), into a plan a thousand times slower.
            sites = c.execute(
                select(
                    period,
                    EpisodeSite.site,
                    func.count(),
                    func.sum(Episode.severity),
                    func.count(Episode.severity),
                )
                .select_from(Episode)
                .join(EpisodeSite, EpisodeSite.episode_id == Episode.id)
                .where(*where)
                .group_by(period, EpisodeSite.site)
            ).all()
            for p, n, mean in episodes:
                by_period[_as_date(p)] = (int(n), None if mean is None else float(mean))
            for p, site, n, pain_sum, scored in sites:
                by_site[str(site)][_as_date(p)] = int(n)
                site_pain[str(site)][0] += float(pain_sum or 0)
                site_pain[str(site)][1] += int(scored or 0)
        else:
            _count_rows(c, where, unit, by_period, by_site, site_pain)
    return _arrange(unit, lo, hi, by_period, by_site, site_pain)


def _count_rows(
    c: Any,
    where: list[Any],
    unit: Unit,
    by_period: dict[date, tuple[int, float | None]],
    by_site: dict[str, dict[date, int]],
    site_pain: dict[str, list[float]],
) -> None:
    """Count in Python, row by row: slower, but any database can do it."""
    sums: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for at, severity in c.execute(select(Episode.started_at, Episode.severity).where(*where)):
        p = _floor(_local_day(at), unit)
        sums[p][0] += 1
        if severity is not None:
            sums[p][1] += severity
            sums[p][2] += 1
    for p, (n, pain_sum, scored) in sums.items():
        by_period[p] = (int(n), pain_sum / scored if scored else None)
    rows = c.execute(
        select(Episode.started_at, Episode.severity, EpisodeSite.site)
        .select_from(Episode)
        .join(EpisodeSite, EpisodeSite.episode_id == Episode.id)
        .where(*where)
    )
    for at, severity, site in rows:
        p = _floor(_local_day(at), unit)
        counts = by_site[str(site)]
        counts[p] = counts.get(p, 0) + 1
        if severity is not None:
            site_pain[str(site)][0] += severity
            site_pain[str(site)][1] += 1


def _arrange(
    unit: Unit,
    lo: date,
    hi: date,
    by_period: dict[date, tuple[int, float | None]],
    by_site: dict[str, dict[date, int]],
    site_pain: dict[str, list[float]],
) -> _Counts:
    """Lay the counts out over every period from the first to the last, gaps as zero."""
    seen = [*by_period, *(p for counts in by_site.values() for p in counts)]
    start = min([_floor(lo, unit), *seen])
    stop = max([_floor(hi, unit), *seen])
    periods = [start]
    while periods[-1] < stop:
        periods.append(_next(periods[-1], unit))
    ranked = sorted(by_site, key=lambda s: (-sum(by_site[s].values()), s))
    sites = tuple(
        (
            s,
            tuple(by_site[s].get(p, 0) for p in periods),
            site_pain[s][0] / site_pain[s][1] if site_pain[s][1] else None,
        )
        for s in ranked
    )
    return _Counts(
        unit=unit,
        periods=tuple(periods),
        episodes=tuple(by_period.get(p, (0, None))[0] for p in periods),
        pain=tuple(by_period.get(p, (0, None))[1] for p in periods),
        sites=sites,
        total=sum(n for n, _ in by_period.values()),
        first=lo,
        last=hi,
    )


# -- the chart ---------------------------------------------------------------


def _format(path: Path, fmt: str | None) -> Format:
    chosen = (fmt if fmt is not None else path.suffix.lstrip(".")).lower()
    if chosen == "png":
        return "png"
    if chosen == "svg":
        return "svg"
    said = f"format {fmt!r}" if fmt is not None else f"file name {path.name!r}"
    raise InputError(f"a chart is a .png or .svg file; cannot write {said}")


def _day(d: date) -> str:
    """'2 Jan 2026': no leading zero, month in words, so no one reads it the wrong way round."""
    return f"{d.day} {d:%b %Y}"


def _site_name(site: str) -> str:
    return site.replace("_", " ")


def write_chart(
    diary: Diary,
    path: Path,
    *,
    fmt: Literal["png", "svg"] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Path:
    """Draw episodes over time by body site, with mean pain, as PNG or SVG.

    The format comes from the file's suffix unless `fmt` is given. Episodes are
    those in [start, end). An empty diary gives a chart that says so.
    """
    path = Path(path)
    chosen = _format(path, fmt)
    buffer = io.BytesIO()
    _render(diary, buffer, chosen, start=start, end=end, size=CHART_SIZE)
    try:
        write_private(path, buffer.getvalue())
    except OSError as exc:
        raise InputError(f"cannot write the chart to {path}: {exc.strerror or exc}") from None
    return path


def _render(
    diary: Diary,
    out: IO[bytes],
    fmt: Format,
    *,
    start: datetime | None,
    end: datetime | None,
    size: tuple[float, float],
    title: bool = True,
    narrow: bool = False,
) -> None:
    """Draw the chart; without `title` (inside the report) it leaves out the
    heading and the line of dates, which the report's own heading already gives."""
    counts = _count(diary, _utc_bound(start), _utc_bound(end))
    import matplotlib

    # Text stays text in SVG (searchable, small); ids are stable from run to run.
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "charley", "font.size": 10}
    ):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=size, dpi=120, layout="constrained")
        FigureCanvasAgg(fig)
        if title:
            fig.suptitle(
                "Cramp episodes by body site", fontsize=14, fontweight="bold", x=0.01, ha="left"
            )
        if counts is None:
            _draw_empty(fig, start, end)
        else:
            _draw(fig, counts, headed=title, narrow=narrow)
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
        fig.savefig(out, format=fmt, metadata=metadata, facecolor="white")


def _draw_empty(fig: Any, start: datetime | None, end: datetime | None) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    if start is None and end is None:
        message, hint = "No episodes yet", "Episodes you add to the diary will appear here."
    else:
        lo = f"from {_day(_local_day(start))}" if start is not None else ""
        last = end - timedelta(microseconds=1) if end is not None else None
        hi = f"until {_day(_local_day(last))}" if last is not None else ""
        message, hint = "No episodes yet in this period", f"{lo} {hi}".strip()
    ax.text(0.5, 0.56, message, ha="center", va="center", fontsize=22, color="#444444")
    ax.text(0.5, 0.40, hint, ha="center", va="center", fontsize=11, color="#777777")


def _draw(fig: Any, counts: _Counts, *, headed: bool, narrow: bool = False) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    bars, pain_ax = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3]}, squeeze=True
    )
    x = list(counts.periods)
    widths = [(_next(p, counts.unit) - p).days * 0.85 for p in x]
    shown = counts.sites[:TOP_SITES]
    rest = counts.sites[TOP_SITES:]
    layers: list[tuple[str, tuple[int, ...], str]] = []
    for i, (site, per, pain) in enumerate(shown):
        score = f" · pain {pain:.1f}" if pain is not None else ""
        label = f"{_site_name(site)} {sum(per):,}{score}"
        layers.append((label, per, COLOURS[i % len(COLOURS)]))
    if rest:
        merged = tuple(sum(per[i] for _, per, _ in rest) for i in range(len(x)))
        layers.append((f"{len(rest)} other sites {sum(merged):,}", merged, OTHER_COLOUR))
    bottom = [0] * len(x)
    for label, per, colour in layers:
        bars.bar(x, per, width=widths, bottom=bottom, align="edge", color=colour, label=label)
        bottom = [b + n for b, n in zip(bottom, per, strict=True)]
    bars.yaxis.set_major_locator(MaxNLocator(integer=True))
    bars.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    bars.set_ylabel("episodes")
    # The legend sits above the bars and across, so the bars keep the whole width;
    # the line saying what is shown sits above the legend.
    columns = 1 if narrow else min(4, len(layers))
    rows = -(-len(layers) // columns) + (2 if narrow else 1)
    two = sum(bottom) > counts.total
    note = "  ·  an episode felt in two places counts for each" if two else ""
    bars.legend(
        title=(
            f"Body site, episodes, mean pain (0–10)\none bar per {counts.unit}"
            if narrow
            else f"Body site, episodes, mean pain (0–10)  ·  one bar per {counts.unit}{note}"
        ),
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=columns,
        frameon=False,
        fontsize=10 if narrow else 9,
        title_fontsize=10 if narrow else 8.5,
        alignment="left",
        handlelength=1.2,
        columnspacing=1.6,
        borderaxespad=0.2,
    )
    if headed:
        sep = "\n" if narrow else "  ·  "
        bars.set_title(
            f"{_day(counts.first)} to {_day(counts.last)}{sep}{counts.total:,} episodes",
            loc="left",
            fontsize=10,
            color="#444444",
            pad=rows * (16 if narrow else 13) + 8,
        )

    middles = [
        datetime(p.year, p.month, p.day) + timedelta(days=(_next(p, counts.unit) - p).days / 2)
        for p in x
    ]
    means = [float("nan") if v is None else v for v in counts.pain]
    if any(v is not None for v in counts.pain):
        # Day by day the mean jumps about: dots read better than a line.
        daily = counts.unit == "day"
        pain_ax.plot(
            middles,
            means,
            color=PAIN_COLOUR,
            linewidth=0 if daily else 1.2,
            marker="o",
            markersize=3.5 if daily else 3,
        )
    else:
        pain_ax.text(
            0.5,
            0.5,
            "no pain scores recorded",
            transform=pain_ax.transAxes,
            ha="center",
            va="center",
            color="#777777",
        )
    pain_ax.set_ylim(0, 10.5)
    pain_ax.set_yticks([0, 5, 10])
    pain_ax.set_ylabel("mean pain\n(0–10)")
    pain_ax.set_xlabel("date")
    pain_ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    bars.grid(axis="y", color="#EEEEEE", linewidth=0.8)
    bars.set_axisbelow(True)
    pain_ax.set_axisbelow(True)
    for ax in (bars, pain_ax):
        ax.spines[["top", "right"]].set_visible(False)
    span = timedelta(days=(_next(x[-1], counts.unit) - x[0]).days * 0.01 + 0.5)
    pain_ax.set_xlim(
        datetime(x[0].year, x[0].month, x[0].day) - span,
        datetime.combine(_next(x[-1], counts.unit), datetime.min.time()) + span,
    )
    locator = mdates.AutoDateLocator(minticks=2 if narrow else 4, maxticks=4 if narrow else 10)  # type: ignore[no-untyped-call]
    pain_ax.xaxis.set_major_locator(locator)
    dates = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    dates.offset_formats = ["", "%Y", "%Y", "%Y", "%Y", "%Y"]
    pain_ax.xaxis.set_major_formatter(dates)


def chart_svg(
    diary: Diary,
    *,
    size: ChartSize = "wide",
    start: datetime | None = None,
    end: datetime | None = None,
) -> bytes:
    """The chart as an SVG document: "wide" for a screen, "phone" drawn for a
    phone's width (fewer date marks, the legend in one column)."""
    buffer = io.BytesIO()
    if size == "phone":
        _render(diary, buffer, "svg", start=start, end=end, size=PHONE_CHART_SIZE, narrow=True)
    else:
        _render(diary, buffer, "svg", start=start, end=end, size=CHART_SIZE)
    return buffer.getvalue()


def _chart_svg(diary: Diary, start: datetime | None, end: datetime | None) -> str:
    """The chart as an <svg> element to put inside HTML (no XML prologue)."""
    buffer = io.BytesIO()
    _render(diary, buffer, "svg", start=start, end=end, size=REPORT_CHART_SIZE, title=False)
    text = buffer.getvalue().decode("utf-8")
    return text[text.index("<svg") :]


# -- the report --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mention:
    """A medicine or condition named in the episodes' assessments."""

    id: str
    label: str
    words: tuple[str, ...]
    episodes: int
    last: datetime


def _mentions(
    diary: Diary, start: datetime | None, end: datetime | None, labels: dict[str, str]
) -> list[_Mention]:
    """Medicines and conditions present in the stored assessments, medicines first."""
    words: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    last: dict[str, datetime] = {}
    named = Episode.assessment.contains('"med.') | Episode.assessment.contains('"condition.')
    query = select(Episode.started_at, Episode.assessment).where(
        *_filters(diary, start, end), Episode.assessment.is_not(None), named
    )
    with diary._guard(), diary.engine.connect() as c:
        for at, stored in c.execute(query):
            data = json.loads(str(stored))
            found = data.get("findings") if isinstance(data, dict) else None
            for item in found if isinstance(found, list) else []:
                fid = item.get("id") if isinstance(item, dict) else None
                if not isinstance(fid, str) or item.get("state") != "present":
                    continue
                if not fid.startswith(("med.", "condition.")):
                    continue
                evidence = item.get("evidence")
                if isinstance(evidence, str) and evidence.strip():
                    words[fid].add(evidence.strip())
                count[fid] += 1
                moment = _utc(at)
                last[fid] = max(last.get(fid, moment), moment)
    return sorted(
        (_Mention(f, labels.get(f, f), tuple(sorted(words[f])), count[f], last[f]) for f in count),
        key=lambda m: (not m.id.startswith("med."), -m.episodes, m.label),
    )


def _in_range(
    diary: Diary, start: datetime | None, end: datetime | None
) -> tuple[int, datetime | None, datetime | None, float | None]:
    """Episodes in range: how many, the first and last, and the mean pain."""
    with diary._guard(), diary.engine.connect() as c:
        n, first, last, pain = c.execute(
            select(
                func.count(Episode.id),
                func.min(Episode.started_at),
                func.max(Episode.started_at),
                func.avg(Episode.severity),
            ).where(*_filters(diary, start, end))
        ).one()
    return (
        int(n or 0),
        _utc(first) if first else None,
        _utc(last) if last else None,
        None if pain is None else float(pain),
    )


def report_context(
    diary: Diary,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """What the report shows, for its template: figures, what helped, medicines and
    conditions mentioned, the latest assessment and episodes. The chart is added
    by whoever renders it (inline SVG in a file, an image on the page)."""
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    now = now or datetime.now(UTC)
    lo, hi = _utc_bound(start), _utc_bound(end)
    n, first, last, pain = _in_range(diary, lo, hi)
    pattern = summarize(diary, now=now)
    mentions = _mentions(diary, lo, hi, {i: f.label for i, f in kb.findings.items()})
    latest = latest_assessment(diary, pattern, start=lo, end=hi)
    low, high = lo or first, (hi - timedelta(microseconds=1)) if hi else last
    period = (
        f"{_day(_local_day(low))} to {_day(_local_day(high))}" if low and high else "no episodes"
    )
    return {
        "period": period,
        "count": n,
        "prepared": _day(_local_day(now)),
        "ranged": lo is not None or hi is not None,
        "figures": _figures(n, pain, pattern),
        "pattern": pattern,
        "mention_groups": [
            (kind, [m for m in mentions if m.id.startswith(prefix)])
            for kind, prefix in (("Medicines", "med."), ("Conditions", "condition."))
        ],
        "mentions": mentions,
        "latest": latest,
        "reasons": list(latest.reasons) if latest else [],
        "recent": diary.list(start=lo, end=hi, limit=RECENT, newest_first=True),
        "sources": {s.id: (s.title, s.publisher) for s in kb.sources.values()},
        "disclaimer": kb.triage.disclaimer,
        "max_remedies": MAX_REMEDIES,
        "max_reasons": MAX_REASONS,
    }


def render_report(
    diary: Diary,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
    chart_src: str | None = None,
) -> str:
    """The report as HTML. Without `chart_src`: a whole document with its style sheet
    and the chart inside, nothing to fetch (for `charley report`). With it: the
    report's content only, the chart an image at `chart_src` with its figures as a
    table, for a page that links the style sheet (`REPORT_CSS`) itself."""
    context = report_context(diary, start=start, end=end, now=now)
    env = _templates(context["sources"])
    if chart_src is None:
        lo, hi = _utc_bound(start), _utc_bound(end)
        context |= {"chart": _chart_svg(diary, lo, hi), "css": report_css()}
        return env.get_template("report.html").render(context)
    table = chart_table(diary, start=start, end=end)
    return env.get_template("_report.html").render(
        context | {"chart_src": chart_src, "table": table}
    )


def write_report(
    diary: Diary,
    path: Path,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> Path:
    """Write a one-page HTML report to bring to a doctor: figures, chart, what helped,
    medicines and conditions mentioned, and the latest assessment with its sources.

    It is one file with nothing to fetch, so it opens and prints offline. The page
    /diary/report shows the same template.
    """
    page = render_report(diary, start=start, end=end, now=now)
    path = Path(path)
    try:
        write_private(path, page)
    except OSError as exc:
        raise InputError(f"cannot write the report to {path}: {exc.strerror or exc}") from None
    return path


def report_css() -> str:
    """The report's style sheet (every rule under `.report`)."""
    return (resources.files("charley.diary") / "templates" / "report.css").read_text("utf-8")


@dataclass(frozen=True, slots=True)
class TableRow:
    period: str
    episodes: int
    pain: float | None
    sites: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChartTable:
    """The chart's figures, for a table beside it: periods with episodes only."""

    caption: str
    unit: Unit
    sites: tuple[str, ...]
    rows: tuple[TableRow, ...]


def chart_table(
    diary: Diary, *, start: datetime | None = None, end: datetime | None = None
) -> ChartTable | None:
    """The figures the chart draws (episodes, mean pain, episodes by site per period),
    or None for an empty diary."""
    counts = _count(diary, _utc_bound(start), _utc_bound(end))
    if counts is None:
        return None
    shown = counts.sites[:TOP_SITES]
    rest = counts.sites[TOP_SITES:]
    names = [s for s, _, _ in shown] + ([f"{len(rest)} other sites"] if rest else [])
    rows = []
    for i, period in enumerate(counts.periods):
        if not counts.episodes[i]:
            continue
        per_site = [per[i] for _, per, _ in shown]
        if rest:
            per_site.append(sum(per[i] for _, per, _ in rest))
        label = f"{period:%b %Y}" if counts.unit == "month" else _day(period)
        rows.append(TableRow(label, counts.episodes[i], counts.pain[i], tuple(per_site)))
    caption = (
        f"The chart's figures: episodes, mean pain and episodes by body site, one row a "
        f"{counts.unit} with episodes ({_day(counts.first)} to {_day(counts.last)})"
    )
    return ChartTable(caption, counts.unit, tuple(names), tuple(rows))


def _figures(n: int, pain: float | None, p: Pattern) -> list[tuple[str, str]]:
    # The rates and the trend read as `charley history` and the page say them (Pattern).
    return [
        (f"{n:,}", "episodes in this report"),
        (f"{p.per_week:.1f}", p.how_often().removeprefix(f"{p.per_week:.1f} ")),
        (_share(p.night_share), "at night"),
        (_share(p.exercise_share), "during or after exercise"),
        (_duration(p.longest_seconds), "longest episode"),
        ("–" if pain is None else f"{pain:.1f}", "mean pain (0–10)"),
        (p.trend, f"({p.trend_basis()})"),
    ]


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("charley.diary", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
    )
    env.filters.update(
        site_name=_site_name,
        duration=_duration,
        clip=_clip,
        moment=_when,
        local_day=lambda m: _day(_local_day(m)),
        relief_word=lambda v: RELIEF_WORDS[min(4, max(0, round(v)))],
        meter=lambda v: max(0.0, min(100.0, v / 4 * 100)),
        level_name=lambda level: LEVEL_NAMES.get(level, str(level).replace("_", " ")),
        citations=lambda cites: [
            c for c in (cites if isinstance(cites, list) else []) if isinstance(c, dict)
        ],
    )
    return env


def _templates(sources: dict[str, tuple[str, str]]) -> Environment:
    """The report's templates, with the source names of this knowledge base."""
    env = _environment().overlay()
    env.filters.update(
        source_name=lambda c: _source_name(c, sources),
        short_source=lambda c: _short_source(c, sources),
    )
    return env


def _when(moment: datetime) -> str:
    local = _utc(moment).astimezone()
    return f"{_day(local.date())}, {local:%H:%M}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        hours, minutes = divmod(round(seconds / 60), 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{seconds / 86400:.1f} days"


def _share(value: float) -> str:
    return f"{round(value * 100)}%"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _source_name(c: dict[str, Any], sources: dict[str, tuple[str, str]]) -> str:
    """'Title, publisher' for an article; 'publisher, title (url)' for guidance."""
    title, publisher = sources.get(str(c.get("source", "")), (str(c.get("source", "")), ""))
    if c.get("quote"):
        return f"{title}, {publisher}" if publisher else title
    publisher = str(c.get("publisher") or publisher)
    title = str(c.get("title") or title)
    url = f" ({c['url']})" if c.get("url") else ""
    return f"{publisher}, {title}{url}" if publisher else f"{title}{url}"


def _short_source(c: dict[str, Any], sources: dict[str, tuple[str, str]]) -> str:
    """Who else says so, in a few words: the publisher without its parentheses."""
    title, publisher = sources.get(str(c.get("source", "")), (str(c.get("source", "")), ""))
    name = str(c.get("publisher") or publisher or title)
    return name.split(" (")[0]
