"""Migrations: all or nothing, one at a time.

A `charley db upgrade` killed in the middle of a migration leaves the diary as
it was before it started: it opens, its episodes are there, and the next
upgrade finishes the job.

To kill it at a known point without sleeping, the child process is a real
`charley db upgrade` with Alembic's `create_index` wrapped: after the first
index of the summary-indexes migration is created, it prints "paused" and
waits on its standard input, which never answers. The parent reads that line
and sends SIGKILL.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charley.cli.app import app
from charley.diary.database import current_revision, head_revision, make_engine
from tests.diary.first_revision import FIRST, diary_at_first_revision
from tests.support.children import python_child, was_killed

PAUSE_AFTER = "ix_episode_sites_person_site"  # the first index made by 0002

CHILD = f"""
import sys
from alembic.operations import Operations

create_index = Operations.create_index


def create_index_then_pause(self, name, *args, **kwargs):
    made = create_index(self, name, *args, **kwargs)
    if name == {PAUSE_AFTER!r}:
        print("paused", flush=True)
        sys.stdin.readline()  # no answer comes: the parent kills this process
    return made


Operations.create_index = create_index_then_pause
from charley.cli.app import run

run(["db", "upgrade", "--db", sys.argv[1]])
"""

runner = CliRunner()


def kill_upgrade_midway(url: str, stderr_path: Path) -> None:
    with python_child(CHILD, url, stderr_path) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        if line.strip() != "paused":
            pytest.fail(f"the upgrade did not reach the pause:\n{stderr_path.read_text()}")
        child.send_signal(signal.SIGKILL)
    assert was_killed(child)


def test_an_upgrade_killed_midway_leaves_a_diary_that_opens_and_upgrades(
    diary_url: str, tmp_path: Path
) -> None:
    diary_at_first_revision(diary_url)
    kill_upgrade_midway(diary_url, tmp_path / "child.err")

    engine = make_engine(diary_url)
    try:
        assert current_revision(engine) == FIRST  # the killed migration left no trace
    finally:
        engine.dispose()

    history = runner.invoke(app, ["history", "--db", diary_url, "--json"])
    assert history.exit_code == 0, history.stderr
    assert [e["notes"] for e in json.loads(history.stdout)["episodes"]] == [
        "episode 3",
        "episode 2",
        "episode 1",
    ]
    upgrade = runner.invoke(app, ["db", "upgrade", "--db", diary_url])
    assert upgrade.exit_code == 0, upgrade.stderr
    assert upgrade.stdout.strip() == f"diary at revision {head_revision()}"
    logged = runner.invoke(app, ["log", "--db", diary_url, "--site", "calf", "--json"])
    assert logged.exit_code == 0, logged.stderr


def test_an_upgrade_may_take_longer_than_a_request_may(diary_url: str) -> None:
    """A request waits at most a few seconds for the database; an upgrade of a large
    diary may take minutes, and must not be cut off halfway by that limit."""
    from sqlalchemy import text

    from charley.diary.database import _upgrading

    engine = make_engine(diary_url, timeout=0.2)
    try:
        with _upgrading(engine) as connection:
            # Longer than the statement limit (0.2 s) and the client's (1.2 s) alike.
            slept = "SELECT pg_sleep(1.5)" if engine.dialect.name == "postgresql" else "SELECT 1"
            connection.execute(text(slept))
        if engine.dialect.name == "postgresql":
            from sqlalchemy.exc import OperationalError

            with pytest.raises(OperationalError), engine.connect() as c:  # outside, bounded
                c.execute(text("SELECT pg_sleep(1.5)"))
    finally:
        engine.dispose()
