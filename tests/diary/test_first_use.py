"""First use by many at once: eight `charley log` processes on a new diary all succeed.

Each child imports charley, says "ready", and waits on its standard input; once
all eight are ready the parent lets them go at the same moment, so they make
the schema and the person "me" together. No sleeps: the parent waits only for
lines and for the children to end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import event

from charley.diary import Diary
from charley.diary.database import current_revision, head_revision, make_engine, migrate

PROCESSES = 8
ROUNDS = 3
GUARD_SECONDS = 300  # only ends hung children; the test never waits on the clock
REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from charley.cli.app import run

print("ready", flush=True)
sys.stdin.readline()
run(["log", "--db", sys.argv[1], "--site", "calf", "--json"])
"""


def log_at_once(url: str, n: int) -> list[tuple[int, str, str]]:
    """Start `n` `charley log` processes on `url` together; their (exit code, stdout, stderr)."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, url],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        for _ in range(n)
    ]
    guards = [threading.Timer(GUARD_SECONDS, c.kill) for c in children]
    for guard in guards:
        guard.start()
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [c.communicate() for c in children]
        return [(c.returncode, out, err) for c, (out, err) in zip(children, outputs, strict=True)]
    finally:
        for guard in guards:
            guard.cancel()
        for child in children:
            child.kill()
            child.wait()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_eight_first_logs_at_once_all_succeed(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tests.diary.conftest import new_database

    for round_ in range(ROUNDS):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        url = new_database(request, kind, folder)
        results = log_at_once(url, PROCESSES)
        failed = [(code, err.strip()) for code, _, err in results if code != 0]
        assert failed == [], f"round {round_}: {len(failed)} of {PROCESSES} failed"
        ids = sorted(json.loads(out)["id"] for _, out, _ in results)
        assert len(set(ids)) == PROCESSES
        started = [err for _, _, err in results if "Started a new diary" in err]
        assert len(started) == 1, started  # one process made it; the others found it
        with Diary(url) as diary:
            assert sorted(e.id for e in diary.list()) == ids
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()


def test_a_person_made_by_someone_else_meanwhile_is_found_not_refused(diary_url: str) -> None:
    """Between this process looking for "me" and adding "me", another adds "me" first."""
    engine = make_engine(diary_url)
    other = make_engine(diary_url)
    try:
        migrate(engine)

        raced: list[int] = []

        @event.listens_for(engine, "before_cursor_execute")
        def someone_else_first(conn, cursor, statement, *args):
            if statement.startswith("INSERT INTO people") and not raced:
                with Diary(engine=other) as first:
                    raced.append(first.person_id)  # "me", made by the other

        with Diary(engine=engine) as diary:
            assert raced == [diary.person_id]
    finally:
        engine.dispose()
        other.dispose()
