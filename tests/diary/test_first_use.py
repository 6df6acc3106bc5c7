"""First use by many at once: eight `charley log` processes on a new diary all succeed.

Each child imports charley, says "ready", and waits on its standard input; once
all eight are ready the parent lets them go at the same moment, so they make
the schema and the person "me" together. No sleeps: the parent waits only for
lines and for the children to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import event

from charley.diary import Diary
from charley.diary.database import current_revision, head_revision, make_engine, migrate
from tests.support.first_use import log_at_once

PROCESSES = 8
ROUNDS = 3


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
