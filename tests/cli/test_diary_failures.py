"""When a diary command cannot do what was asked: one line, the right exit code,
nothing changed, nothing private shown or left readable by others."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charley.cli.app import EXIT_DIARY, EXIT_INPUT, app
from charley.diary import Diary, episode_in

runner = CliRunner()
PASSWORD = "s3cret-Pw"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'diary.sqlite3'}"


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("charley: error: ")
    return lines[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def episodes(db: str) -> int:
    result = runner.invoke(app, ["history", "--db", db, "--json"])
    assert result.exit_code == 0, result.stderr
    return int(json.loads(result.stdout)["pattern"]["episodes"])


def test_export_to_a_folder_that_does_not_exist_is_one_line(db: str) -> None:
    result = runner.invoke(app, ["export", "--db", db, "--out", "/nonexistent/x.csv"])
    assert result.exit_code == EXIT_INPUT
    assert "/nonexistent/x.csv" in one_line(result.stderr)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://ann:{PASSWORD}@localhost:notaport/diary",
        f"nosuchdb://ann:{PASSWORD}@localhost/diary",
        f"postgresql://ann:{PASSWORD}@[::1/diary",
    ],
)
@pytest.mark.parametrize("command", [["history"], ["db", "upgrade"], ["log", "--site", "calf"]])
def test_a_database_url_that_cannot_be_used_never_shows_its_password(
    url: str, command: list[str]
) -> None:
    result = runner.invoke(app, [*command, "--db", url])
    assert result.exit_code == EXIT_INPUT
    line = one_line(result.stderr)
    assert PASSWORD not in line
    assert "ann:***@" in line


def test_a_damaged_diary_is_not_called_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    path.write_bytes(b"this is not a diary " * 500)
    for command in (["history"], ["log", "--site", "calf"], ["db", "upgrade"]):
        result = runner.invoke(app, [*command, "--db", f"sqlite:///{path}"])
        assert result.exit_code == EXIT_DIARY, command
        one_line(result.stderr)
    assert path.read_bytes() == b"this is not a diary " * 500


@pytest.mark.parametrize("limit", ["-1", "-100"])
def test_a_negative_history_limit_is_refused(db: str, limit: str) -> None:
    runner.invoke(app, ["log", "--db", db, "--site", "calf"])
    result = runner.invoke(app, ["history", "--db", db, "--limit", limit])
    assert result.exit_code == EXIT_INPUT
    assert "--limit" in one_line(result.stderr)


def test_the_library_refuses_a_negative_limit_too(db: str) -> None:
    """SQLite reads LIMIT -1 as no limit, PostgreSQL refuses it: charley refuses it first."""
    from charley.errors import InputError

    with Diary(db) as diary:
        diary.add(episode_in({"started_at": "2026-01-02T03:00+00:00", "sites": [{"site": "calf"}]}))
        with pytest.raises(InputError, match="limit"):
            diary.list(limit=-1)


@pytest.mark.parametrize(
    "command",
    [
        ["log", "--site", "calf", "--when"],
        ["history", "--from"],
        ["export", "--to"],
        ["export", "--from"],
        ["report", "--html", "{tmp}/r.html", "--to"],
    ],
)
@pytest.mark.parametrize(
    "moment",
    ["99999999999 days ago", "0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00"],
)
def test_a_time_out_of_range_is_one_line(
    tmp_path: Path, db: str, command: list[str], moment: str
) -> None:
    args = [a.format(tmp=tmp_path) for a in command]
    result = runner.invoke(app, [*args, moment, "--db", db])
    assert result.exit_code == EXIT_INPUT
    one_line(result.stderr)
    assert not (tmp_path / "r.html").exists()


def test_a_new_diary_and_what_charley_writes_are_for_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "diary.sqlite3"
    db = f"sqlite:///{path}"
    with Diary(db) as diary:  # open: the -wal and -shm files are there
        diary.add(episode_in({"started_at": "2026-01-02T03:00+00:00", "sites": [{"site": "calf"}]}))
        for made in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            assert mode(made) == 0o600, made
    assert mode(path.parent) == 0o700
    out = {name: tmp_path / name for name in ("d.csv", "d.json", "r.html", "c.png", "c.svg")}
    for args in (
        ["export", "--out", str(out["d.csv"])],
        ["export", "--format", "fhir", "--out", str(out["d.json"])],
        ["report", "--html", str(out["r.html"]), "--chart", str(out["c.png"])],
        ["report", "--chart", str(out["c.svg"])],
    ):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.stderr
    for name, written in out.items():
        assert mode(written) == 0o600, name


def test_rewriting_an_export_makes_it_private(tmp_path: Path, db: str) -> None:
    out = tmp_path / "d.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    result = runner.invoke(app, ["export", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert mode(out) == 0o600
    assert out.read_text(encoding="utf-8").startswith("id,started_at")
