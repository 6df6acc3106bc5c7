"""The command line's conventions: --version, -h, help that reads as written, a
labelled token on a terminal (a bare one for scripts), and where a new diary is."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charley import __version__
from charley.cli.app import app
from charley.diary.database import make_engine
from charley.diary.people import person_for_token
from tests.cli.test_cli import run_charley

runner = CliRunner()
# Typer's type hints (<bool>, <str>, <list[str]>, <path>) and its {NAME} usage
TYPE_HINT = re.compile(r"<[a-z_\[\]|, .]+>|\{[A-Za-z_.]+\}")
COMMANDS = [
    [],
    ["assess"],
    ["log"],
    ["history"],
    ["report"],
    ["export"],
    ["import"],
    ["db"],
    ["db", "upgrade"],
    ["serve"],
    ["users"],
    ["users", "add"],
    ["kb"],
    ["kb", "check"],
    ["bench"],
    ["bench", "vignettes"],
]


def token_works(db: str, token: str) -> bool:
    engine = make_engine(db)
    try:
        return person_for_token(engine, token) is not None
    finally:
        engine.dispose()


def test_version_prints_charleys_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"charley {__version__}"


def test_real_command_has_a_version() -> None:
    result = run_charley("--version")
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"charley {__version__}"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "charley")
def test_h_is_help_and_help_has_no_type_hints(command: list[str]) -> None:
    short = runner.invoke(app, [*command, "-h"])
    long = runner.invoke(app, [*command, "--help"])
    assert short.exit_code == 0 and long.exit_code == 0
    assert short.stdout == long.stdout
    assert short.stdout.startswith(f"Usage: charley {' '.join(command)}".rstrip())
    assert "-h, --help" in short.stdout
    assert TYPE_HINT.search(short.stdout) is None, TYPE_HINT.findall(short.stdout)


def test_help_keeps_the_example_on_one_line() -> None:
    result = runner.invoke(app, ["log", "--help"], env={"COLUMNS": "80"})
    example = 'Example: charley log "left calf cramp at 3am, 5 minutes, stretching helped a lot"'
    assert f"  {example}\n" in result.stdout


def test_help_names_what_an_option_takes() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert "--db URL" in result.stdout
    assert "--port PORT" in result.stdout
    assert "--access-log / --no-access-log" in result.stdout
    assert "Usage: charley serve [OPTIONS]\n" in result.stdout
    users = runner.invoke(app, ["users", "add", "--help"])
    assert "Usage: charley users add [OPTIONS] NAME\n" in users.stdout


def test_users_add_piped_prints_the_bare_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    result = runner.invoke(app, ["users", "add", "ann", "--db", db])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert token_works(db, lines[0])


def test_users_add_token_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    result = runner.invoke(app, ["users", "add", "ann", "--token-only", "--db", db])
    assert result.exit_code == 0
    assert token_works(db, result.stdout.strip())


def test_users_add_on_a_terminal_labels_the_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "charley", "users", "add", "ann", "--db", db],
            stdout=follower,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        os.close(follower)
        follower = -1
        out = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the command has ended
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    line = out.decode().strip()
    label = "Token for ann (keep it secret; it is shown only once): "
    assert line.startswith(label)
    assert token_works(db, line.removeprefix(label))


def test_first_log_says_where_the_new_diary_is(tmp_path: Path) -> None:
    path = tmp_path / "diary" / "d.sqlite3"
    db = f"sqlite:///{path}"
    first = runner.invoke(app, ["log", "left calf cramp at 3am, 5 minutes", "--db", db])
    assert first.exit_code == 0
    assert f"Started a new diary at {path}" in first.stderr
    assert "Started a new diary" not in first.stdout
    again = runner.invoke(app, ["log", "right calf cramp, 2 minutes", "--db", db])
    assert again.exit_code == 0
    assert "Started a new diary" not in again.stderr


def test_a_refused_log_starts_no_diary(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite3"
    result = runner.invoke(
        app, ["log", "--severity", "14", "--site", "calf", "--db", f"sqlite:///{path}"]
    )
    assert result.exit_code == 2
    assert "Started a new diary" not in result.stderr
    assert not path.exists()
