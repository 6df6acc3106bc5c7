"""The diary's commands as a person uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charley.cli.app import app
from charley.diary.database import head_revision

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'diary.sqlite3'}"


def log(db: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["log", "--db", db, "--json", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_log_from_words(db: str) -> None:
    saved = log(db, "left calf cramp at 3am, 5 minutes, stretching helped a lot")
    assert saved["sites"] == [{"site": "calf", "side": "left"}]
    assert saved["duration_seconds"] == 300
    assert saved["remedies"] == [{"remedy": "stretching", "relief": 3}]
    assert saved["at_night"] is True
    assert saved["assessment"]["triage"]["level"] == "self_care"


def test_log_from_flags(db: str) -> None:
    saved = log(
        db,
        "--site",
        "thigh",
        "--side",
        "right",
        "--when",
        "2026-01-10T14:00",
        "--minutes",
        "2",
        "--severity",
        "6",
        "--tried",
        "massage:2",
        "--exercise",
    )
    assert saved["sites"] == [{"site": "thigh", "side": "right"}]
    assert saved["severity"] == 6 and saved["after_exercise"] is True
    assert saved["started_at"].startswith("2026-01-10")


def test_a_site_can_be_named_in_plain_words(db: str) -> None:
    assert log(db, "--site", "elbow")["sites"][0]["site"] == "arm"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "calf", "--severity", "14"], "severity"),
        (["--site", "calf", "--when", "2099-01-01"], "in the future"),
        (["--site", "spleen"], "unknown site"),
        (["--site", "calf", "--tried", "stretching:9"], "relief"),
        (["--site", "calf", "--tried", "stretching"], "REMEDY:RELIEF"),
        (["my day was fine"], "body site"),
    ],
)
def test_bad_episodes_exit_2_and_change_nothing(db: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["log", "--db", db, *args])
    assert result.exit_code == 2
    assert message in result.stderr
    history = runner.invoke(app, ["history", "--db", db, "--json"])
    assert json.loads(history.stdout)["pattern"]["episodes"] == 0


def test_recurring_cramps_in_the_diary_change_the_advice(db: str) -> None:
    # Seven episodes over the six days the diary covers: a week's worth, 7.0 a week.
    for day in range(1, 7):
        log(db, "--site", "calf", "--when", f"{day} days ago", "--night", "--woke")
    saved = log(db, "right calf cramp last night for 2 minutes, eased with stretching")
    triage = saved["assessment"]["triage"]
    assert triage["level"] == "consultation"
    rules = [r["rule"] for r in triage["reasons"]]
    assert "diary_recurring" in rules and "diary_sleep" in rules
    recurring = next(r for r in triage["reasons"] if r["rule"] == "diary_recurring")
    assert "7 a week" in recurring["statement"]


def test_the_readable_answer_keeps_diary_figures_apart_from_what_was_said(db: str) -> None:
    result = runner.invoke(app, ["log", "--full", "--db", db, "right calf cramp for 2 minutes"])
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    said = out.split("said:", 1)[1].split("from your diary:", 1)[0]
    assert "in the last 14 days" not in said
    assert "from your diary: 1 episode in the last 14 days" in out


def test_a_single_cramp_stays_self_care(db: str) -> None:
    saved = log(db, "right calf cramp last night for 2 minutes, eased with stretching")
    assert saved["assessment"]["triage"]["level"] == "self_care"


def test_history_shows_the_pattern(db: str) -> None:
    log(db, "--site", "calf", "--when", "2 days ago", "--tried", "stretching:4", "--minutes", "3")
    log(db, "--site", "foot", "--when", "1 days ago", "--tried", "massage:1", "--minutes", "9")
    result = runner.invoke(app, ["history", "--db", db])
    assert result.exit_code == 0
    out = result.stdout
    assert "episodes" in out and "9.0 min" in out
    assert out.index("stretching") < out.index("massage")  # ranked by relief
    data = json.loads(runner.invoke(app, ["history", "--db", db, "--json"]).stdout)
    assert data["pattern"]["episodes"] == 2
    assert [r["remedy"] for r in data["pattern"]["remedies"]] == ["stretching", "massage"]


def test_history_of_an_empty_diary(db: str) -> None:
    result = runner.invoke(app, ["history", "--db", db])
    assert result.exit_code == 0
    assert "empty" in result.stdout


def test_db_upgrade_reports_the_revision(db: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", db])
    assert result.exit_code == 0
    assert result.stdout == f"diary at revision {head_revision()}\n"


def test_a_bad_database_url_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["history", "--db", "nosuchdb://x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("charley: error:")


@pytest.mark.parametrize(("fmt", "suffix"), [("csv", "csv"), ("fhir", "json")])
def test_export_then_import_into_an_empty_diary(
    tmp_path: Path, db: str, fmt: str, suffix: str
) -> None:
    log(db, "left calf cramp at 3am, 5 minutes, stretching helped a lot")
    log(
        db,
        "--site",
        "foot",
        "--side",
        "both",
        "--when",
        "2 days ago",
        "--notes",
        'said "ouch", twice',
    )
    out = tmp_path / f"export.{suffix}"
    result = runner.invoke(app, ["export", "--db", db, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    result = runner.invoke(app, ["import", "--db", other, str(out)])
    assert result.exit_code == 0, result.stderr
    assert "imported 2 episode(s)" in result.stdout
    before = json.loads(runner.invoke(app, ["history", "--db", db, "--json"]).stdout)["episodes"]
    after = json.loads(runner.invoke(app, ["history", "--db", other, "--json"]).stdout)["episodes"]
    strip = ("id", "level", "started_at")
    assert [{k: v for k, v in e.items() if k not in strip} for e in before] == [
        {k: v for k, v in e.items() if k not in strip} for e in after
    ]


def test_a_corrupt_import_exits_2_and_imports_nothing(tmp_path: Path, db: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "started_at,sites,severity\n2026-01-01T10:00:00+00:00,calf:left,3\n"
        "2026-01-02T10:00:00+00:00,calf:left,14\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "--db", db, str(bad)])
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "severity" in result.stderr
    history = json.loads(runner.invoke(app, ["history", "--db", db, "--json"]).stdout)
    assert history["pattern"]["episodes"] == 0


def test_import_of_a_file_that_is_not_json(tmp_path: Path, db: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["import", "--db", db, str(bad)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_rejects_an_unknown_format(db: str) -> None:
    result = runner.invoke(app, ["export", "--db", db, "--format", "xml"])
    assert result.exit_code == 2


@pytest.mark.parametrize(("fmt", "suffix"), [("csv", "csv"), ("fhir", "json")])
def test_importing_the_same_file_twice_skips_what_is_there(
    tmp_path: Path, db: str, fmt: str, suffix: str
) -> None:
    log(db, "left calf cramp at 3am, 5 minutes, stretching helped a lot")
    log(db, "--site", "foot", "--when", "2 days ago")
    out = tmp_path / f"export.{suffix}"
    assert (
        runner.invoke(app, ["export", "--db", db, "--format", fmt, "--out", str(out)]).exit_code
        == 0
    )
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    first = runner.invoke(app, ["import", "--db", other, str(out)])
    assert first.stdout == "imported 2 episode(s)\n"
    again = runner.invoke(app, ["import", "--db", other, str(out)])
    assert again.exit_code == 0, again.stderr
    assert again.stdout == "imported 0 episode(s); skipped 2 already in the diary\n"
    home = runner.invoke(app, ["import", "--db", db, str(out)])
    assert home.stdout == "imported 0 episode(s); skipped 2 already in the diary\n"
    for url in (db, other):
        history = json.loads(runner.invoke(app, ["history", "--db", url, "--json"]).stdout)
        assert history["pattern"]["episodes"] == 2


def test_import_and_export_show_progress_only_on_a_terminal(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from charley.cli import progress

    for day in range(1, 4):
        log(db, "--site", "calf", "--when", f"{day} days ago")
    out = tmp_path / "export.csv"
    piped = runner.invoke(app, ["export", "--db", db, "--out", str(out)])
    assert piped.stderr == f"exported to {out}\n"  # no bar when stderr is not a terminal
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    piped = runner.invoke(app, ["import", "--db", other, str(out)])
    assert piped.stderr == ""

    monkeypatch.setattr(progress, "_terminal", lambda: True)
    shown = runner.invoke(app, ["export", "--db", db, "--out", str(out)])
    assert shown.exit_code == 0, shown.stderr
    assert "Exporting" in shown.stderr and "3/3" in shown.stderr
    third = f"sqlite:///{tmp_path / 'third.sqlite3'}"
    shown = runner.invoke(app, ["import", "--db", third, str(out)])
    assert shown.exit_code == 0, shown.stderr
    assert "Checking" in shown.stderr and "Saving" in shown.stderr and "3/3" in shown.stderr
    assert shown.stdout == "imported 3 episode(s)\n"  # the bar keeps off standard output
