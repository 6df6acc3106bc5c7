"""The diary's commands: log, history, report, export, import, db upgrade.

Each command that changes the diary does so in one transaction; bad input
exits with code 2 and a one-line message, and changes nothing.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from charley.cli.output import error, failure, to_json
from charley.errors import CharleyError, InputError

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", metavar="URL", help="Diary database URL (default: CHARLEY_DB or a SQLite file)."
    ),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="Start: 2026-11-01, 'yesterday', '2 days ago'.")
]
ToOption = Annotated[str | None, typer.Option("--to", help="End (not included).")]

db_app = typer.Typer(help="Manage the diary database.", no_args_is_help=True)


def _zone(db: str | None) -> tzinfo | None:
    """The diary keeper's time zone (None: the machine's), read without making a diary,
    so that input refused for a bad time changes nothing."""
    from sqlalchemy.exc import SQLAlchemyError

    from charley.diary.database import default_url, make_engine, sqlite_path
    from charley.diary.people import zone_named
    from charley.diary.store import LOCAL_PERSON
    from charley.diary.zones import zone_of

    url = db or default_url()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None
    engine = make_engine(url)
    try:
        return zone_of(zone_named(engine, LOCAL_PERSON))
    except (SQLAlchemyError, CharleyError):  # no diary yet, or one from before zones
        return None
    finally:
        engine.dispose()


def _now(db: str | None) -> datetime:
    """This moment on the diary keeper's clock: "yesterday" and "3am" are theirs."""
    from charley.diary.zones import now_in

    return now_in(_zone(db))


def _range(
    db: str | None, start: str | None, end: str | None
) -> tuple[datetime | None, datetime | None]:
    from charley.diary.when import parse_when

    if not start and not end:
        return None, None
    now = _now(db)
    return (parse_when(start, now) if start else None, parse_when(end, now) if end else None)


def _open(db: str | None):  # type: ignore[no-untyped-def]
    from charley.diary import Diary

    return Diary(db)


def _where(url: str) -> str:
    """A SQLite diary's file, or the URL without its password."""
    from charley.diary.database import shown_url, sqlite_path

    path = sqlite_path(url)
    return str(path) if path is not None else shown_url(url)


def _fail(exc: CharleyError) -> typer.Exit:
    """Exit with a one-line message: code 2 for bad input, 3 when the diary failed."""
    return typer.Exit(failure(exc))


def _remedies(tried: list[str]) -> list[dict[str, Any]]:
    out = []
    for item in tried:
        name, sep, amount = item.rpartition(":")
        if not sep or not amount.strip().isdigit():
            raise InputError(f"--tried {item!r}: write it as REMEDY:RELIEF, e.g. stretching:3")
        out.append({"remedy": name, "relief": int(amount)})
    return out


def _ask_episode(console: Console) -> str:
    """Ask for an episode in words, on a terminal."""
    console.print(
        "Describe the episode: where, when, how long, what you tried and how much it helped.\n"
        "[dim]For example: left calf cramp at 3am, 5 minutes, stretching helped a lot[/dim]"
    )
    return sys.stdin.readline()


def log(
    text: Annotated[list[str] | None, typer.Argument(help="The episode in your own words.")] = None,
    site: Annotated[
        list[str] | None, typer.Option(help="Body site, e.g. calf (repeatable).")
    ] = None,
    side: Annotated[str, typer.Option(help="left, right, both or unknown.")] = "unknown",
    when: Annotated[str | None, typer.Option(help="When it started (default: now).")] = None,
    minutes: Annotated[float | None, typer.Option(help="How long it lasted.")] = None,
    severity: Annotated[int | None, typer.Option(help="Pain 0-10.")] = None,
    feel: Annotated[str | None, typer.Option(help="What it felt like.")] = None,
    trigger: Annotated[str | None, typer.Option(help="What brought it on.")] = None,
    tried: Annotated[
        list[str] | None, typer.Option(help="REMEDY:RELIEF, relief 0 (none) to 4 (completely).")
    ] = None,
    notes: Annotated[str, typer.Option(help="Free notes.")] = "",
    night: Annotated[bool | None, typer.Option("--night/--day", help="At night or not.")] = None,
    woke: Annotated[bool, typer.Option(help="It woke you up.")] = False,
    exercise: Annotated[bool, typer.Option(help="During or after exercise.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Show the whole answer: why, sources, codes.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Record an episode in the diary, and show its assessment with the diary taken into account.

    Give it in words, with flags, or both (flags win). With neither, on a
    terminal, charley asks.

    Example: charley log "left calf cramp at 3am, 5 minutes, stretching helped a lot"
    """
    from charley.diary import episode_in
    from charley.diary.assessing import Assessor
    from charley.diary.from_text import episode_from_findings
    from charley.diary.when import parse_when
    from charley.findings import Findings
    from charley.inputs import clean_description
    from charley.parse import parse

    console = Console()
    words = " ".join(text or [])
    try:
        if not words and not site:
            if not sys.stdin.isatty():
                raise InputError(
                    "give the episode in words or with --site (see charley log --help)"
                )
            words = _ask_episode(console)
        now = _now(db)
        findings = parse(clean_description(words)) if words.strip() else Findings()
        data: dict[str, Any] = (
            episode_from_findings(findings, words, now) if words.strip() else {"sites": []}
        )
        data.setdefault("started_at", now.isoformat())
        if site:
            data["sites"] = [{"site": s, "side": side} for s in site]
        if when:
            data["started_at"] = parse_when(when, now).isoformat()
        if minutes is not None:
            data["duration_seconds"] = minutes * 60
        for key, value in (("severity", severity), ("feel", feel), ("trigger", trigger)):
            if value is not None:
                data[key] = value
        if tried:
            data["remedies"] = _remedies(tried)
        if notes:
            data["notes"] = notes
        if night is not None:
            data["at_night"] = night
        data["woke"] = woke or bool(data.get("woke"))
        data["after_exercise"] = exercise or bool(data.get("after_exercise"))
        if not data["sites"]:
            raise InputError("where was it? name a body site (e.g. calf) in words or with --site")
        entry = episode_in(data)
        with _open(db) as diary:
            if diary.created:
                print(f"Started a new diary at {_where(diary.url)}", file=sys.stderr)
            assessor = Assessor(diary, findings)
            saved = diary.add(entry, assess_with=assessor)
    except CharleyError as exc:
        raise _fail(exc) from None
    if json_out:
        print(to_json(saved.to_dict() | {"assessment": saved.assessment}))
        return
    sites = ", ".join(f"{s} ({side})" if side != "unknown" else s for s, side in saved.sites)
    moment = f"{saved.started_at.astimezone(diary.zone):%Y-%m-%d %H:%M}"
    console.print(f"[green]Saved episode {saved.id}[/green]: {sites}, {moment}")
    from charley.cli.render import render

    assert assessor.result is not None  # set inside the saving transaction
    render(assessor.result, console, full=full)


def history(
    start: FromOption = None,
    end: ToOption = None,
    limit: Annotated[int, typer.Option(help="How many recent episodes to list.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Show the diary's pattern: how often, at night, after exercise, longest, trend, what helped.

    Example: charley history --from "2026-11-01"
    """
    from charley.diary.assessing import latest_assessment, pattern_reasons
    from charley.diary.patterns import summarize

    try:
        if limit < 0:
            raise InputError(f"--limit must be 0 or more, not {limit}")
        lo, hi = _range(db, start, end)
        with _open(db) as diary:
            pattern = summarize(diary)
            recent = diary.list(start=lo, end=hi, limit=limit, newest_first=True)
            latest = latest_assessment(diary, pattern)
    except CharleyError as exc:
        raise _fail(exc) from None
    diary_reasons = pattern_reasons(pattern)
    if json_out:
        print(
            to_json(
                {
                    "pattern": pattern.to_dict(),
                    "episodes": [e.to_dict() for e in recent],
                    "diary_advice": [r.to_dict() for r in diary_reasons],
                    "latest": latest.to_dict() if latest else None,
                }
            )
        )
        return
    console = Console()
    if pattern.episodes == 0:
        console.print("The diary is empty. Record an episode with [bold]charley log[/bold].")
        return
    table = Table(title="Your diary", show_header=False)
    longest = (
        f"{pattern.longest_seconds / 60:.1f} min" if pattern.longest_seconds else "not recorded"
    )
    for label, value in (
        ("episodes", f"{pattern.episodes} ({pattern.first:%Y-%m-%d} to {pattern.last:%Y-%m-%d})"),
        ("how often", pattern.how_often()),
        ("at night", f"{pattern.night_share:.0%}"),
        ("during or after exercise", f"{pattern.exercise_share:.0%}"),
        ("longest", longest),
        ("trend", pattern.trend_words()),
        ("sites", ", ".join(f"{s} {n}" for s, n in pattern.sites[:6])),
        (
            "latest assessment",
            f"{latest.heading} (episode of {latest.episode.started_at.astimezone():%Y-%m-%d %H:%M})"
            if latest
            else "none yet",
        ),
    ):
        table.add_row(label, value)
    console.print(table)
    if pattern.remedies:
        ranked = Table(title="What helped (0 not at all, 4 completely)")
        ranked.add_column("remedy")
        ranked.add_column("mean relief", justify="right")
        ranked.add_column("tried", justify="right")
        for r in pattern.remedies:
            ranked.add_row(r.remedy, f"{r.mean_relief:.1f}", str(r.tried))
        console.print(ranked)
    if diary_reasons:
        console.print("[bold]What your diary means[/bold]")
        for reason in diary_reasons:
            console.print(f"• {reason.statement}")
    episodes = Table(title="Latest episodes, newest first")
    for col in ("id", "when", "sites", "minutes", "severity", "tried"):
        episodes.add_column(col)
    for e in recent:
        episodes.add_row(
            str(e.id),
            f"{e.started_at.astimezone(diary.zone):%Y-%m-%d %H:%M}",
            ", ".join(s for s, _ in e.sites),
            f"{e.duration_seconds / 60:.1f}" if e.duration_seconds else "",
            "" if e.severity is None else str(e.severity),
            ", ".join(f"{r}:{v}" for r, v in e.remedies),
        )
    console.print(episodes)


def report(
    chart: Annotated[Path | None, typer.Option(help="Write a chart: .png or .svg.")] = None,
    html: Annotated[
        Path | None, typer.Option(help="Write a one-page report for a doctor: .html.")
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    db: DbOption = None,
) -> None:
    """Draw the diary as a chart, and write a one-page report to bring to a doctor.

    Example: charley report --chart cramps.png --html cramps.html
    """
    from charley.diary.report import write_chart, write_report

    if chart is None and html is None:
        raise typer.Exit(error("say what to write: --chart FILE.png|.svg and/or --html FILE.html"))
    try:
        lo, hi = _range(db, start, end)
        with _open(db) as diary:
            if chart is not None:
                write_chart(diary, chart, start=lo, end=hi)
                print(f"chart written to {chart}")
            if html is not None:
                write_report(diary, html, start=lo, end=hi)
                print(f"report written to {html}")
    except CharleyError as exc:
        raise _fail(exc) from None


def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or fhir.")] = "csv",
    out: Annotated[
        Path | None, typer.Option(help="File to write (default: standard output).")
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    db: DbOption = None,
) -> None:
    """Export the diary as CSV or as FHIR R4 (a Bundle of Observations).

    On a terminal a progress bar is shown on stderr.

    Example: charley export --format fhir --out diary.json
    """
    import io

    from charley.cli.progress import progress_bar

    if fmt not in ("csv", "fhir"):
        raise typer.Exit(error(f"--format must be csv or fhir, not {fmt!r}"))
    try:
        lo, hi = _range(db, start, end)
        buffer = io.StringIO()
        with _open(db) as diary, progress_bar() as bar:
            total = diary.count(start=lo, end=hi) if bar.on else None
            step = bar.step("Exporting", total)
            if fmt == "csv":
                from charley.diary.csv_io import export_csv

                export_csv(diary, buffer, start=lo, end=hi, progress=step)
            else:
                from charley.diary.fhir_io import export_fhir

                bundle = export_fhir(diary, start=lo, end=hi, progress=step)
                buffer.write(json.dumps(bundle, indent=2))
    except CharleyError as exc:
        raise _fail(exc) from None
    if out is None:
        sys.stdout.write(buffer.getvalue())
        return
    from charley.diary.files import write_private

    try:
        write_private(out, buffer.getvalue())
    except OSError as exc:
        raise _fail(InputError(f"cannot write {out}: {exc.strerror or exc}")) from None
    print(f"exported to {out}", file=sys.stderr)


def import_(
    file: Annotated[Path, typer.Argument(help="A CSV or FHIR JSON file from charley export.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or fhir (default: from the suffix).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Import episodes from CSV or FHIR: every episode, or none if any is bad.

    Episodes already in the diary (the same id, from an earlier export) are
    skipped, so importing a file twice adds nothing. On a terminal a progress
    bar is shown on stderr.

    Example: charley import diary.csv
    """
    from charley.cli.progress import progress_bar
    from charley.inputs import decode

    kind = fmt or ("fhir" if file.suffix.lower() == ".json" else "csv")
    try:
        if kind not in ("csv", "fhir"):
            raise InputError(f"--format must be csv or fhir, not {kind!r}")
        try:
            data = decode(file.read_bytes())
        except OSError as exc:
            raise InputError(f"cannot read {file}: {exc.strerror}") from None
        with progress_bar() as bar:
            reading = bar.step("Checking", None)
            if kind == "csv":
                from charley.diary.csv_io import read_csv

                entries = read_csv(data, progress=reading)
            else:
                from charley.diary.fhir_io import read_fhir

                entries = read_fhir(data, progress=reading)
            reading.finish(len(entries))
            with _open(db) as diary:
                result = diary.import_episodes(entries, progress=bar.step("Saving", len(entries)))
    except CharleyError as exc:
        raise _fail(exc) from None
    skipped = f"; skipped {result.skipped} already in the diary" if result.skipped else ""
    print(f"imported {result.added} episode(s){skipped}")


def db_upgrade(db: DbOption = None) -> None:
    """Create the diary database, or bring it up to date (migrations).

    Example: charley db upgrade --db postgresql+psycopg://me@localhost/charley
    """
    from charley.diary.database import default_url, make_engine, migrate

    url = db or default_url()
    try:
        engine = make_engine(url)
        try:
            revision = migrate(engine)
        finally:
            engine.dispose()
    except CharleyError as exc:
        raise _fail(exc) from None
    print(f"diary at revision {revision}")


def register(app: typer.Typer) -> None:
    app.command()(log)
    app.command()(history)
    app.command()(report)
    app.command()(export)
    app.command("import")(import_)
    db_app.command("upgrade")(db_upgrade)
    app.add_typer(db_app, name="db")
