"""Days, nights and weeks are the person's, in their own time zone, not the machine's.

The machine's clock is set to UTC for these tests (TZ=UTC), and the person
lives in Tokyo (UTC+9, no summer time): 14:30 UTC is 23:30 in Tokyo.
"""

from __future__ import annotations

import json
import time as clock
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from charley.cli.app import EXIT_INPUT, app
from charley.diary import Diary, episode_in
from charley.diary.database import make_engine, migrate
from charley.diary.patterns import summarize
from charley.diary.people import add_person, set_zone, zone_named
from charley.diary.when import parse_when
from charley.errors import InputError
from tests.support.forms import FORM_ORIGIN

TOKYO = "Asia/Tokyo"
runner = CliRunner()


@pytest.fixture
def machine_on_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    clock.tzset()
    yield
    monkeypatch.undo()
    clock.tzset()


def episode(at: datetime) -> dict[str, object]:
    return {"started_at": at.isoformat(), "sites": [{"site": "calf"}]}


@pytest.mark.parametrize(
    "words",
    ["yesterday 22:30", "22:30 yesterday", "yesterday at 22:30", "yesterday, 22:30", "22:30"],
)
def test_a_24_hour_time_with_a_day_is_kept(words: str) -> None:
    now = datetime(2026, 5, 10, 9, 15, tzinfo=ZoneInfo(TOKYO))
    assert parse_when(words, now) == datetime(2026, 5, 9, 22, 30, tzinfo=ZoneInfo(TOKYO))


def test_an_impossible_time_of_day_is_refused_not_read_as_noon() -> None:
    now = datetime(2026, 5, 10, 9, 15, tzinfo=ZoneInfo(TOKYO))
    with pytest.raises(InputError, match="25:30"):
        parse_when("yesterday 25:30", now)


def test_log_when_yesterday_2230_is_2230_on_the_persons_clock(
    tmp_path: object, machine_on_utc: None
) -> None:
    db = f"sqlite:///{tmp_path}/diary.sqlite3"
    zoned = runner.invoke(app, ["users", "zone", "me", TOKYO, "--db", db])
    assert zoned.exit_code == 0, zoned.stderr
    assert zoned.stdout.strip() == f"time zone of me: {TOKYO}"
    result = runner.invoke(app, ["log", "--db", db, "--site", "calf", "--when", "yesterday 22:30"])
    assert result.exit_code == 0, result.stderr
    yesterday = datetime.now(ZoneInfo(TOKYO)).date() - timedelta(days=1)
    assert f"{yesterday:%Y-%m-%d} 22:30" in result.stdout
    saved = json.loads(runner.invoke(app, ["history", "--db", db, "--json"]).stdout)["episodes"][0]
    started = datetime.fromisoformat(saved["started_at"]).astimezone(ZoneInfo(TOKYO))
    assert (started.date(), started.time()) == (yesterday, time(22, 30))
    assert saved["at_night"] is True  # 22:30 in Tokyo; 13:30 on the machine's clock


def test_nights_and_days_are_counted_on_the_persons_clock(
    diary_url: str, machine_on_utc: None
) -> None:
    with Diary(diary_url) as diary:
        set_zone(diary.engine, "me", TOKYO)
    late = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo, on the 5th
    with Diary(diary_url) as diary:
        assert diary.zone == ZoneInfo(TOKYO)
        diary.add(episode_in(episode(late)))
        diary.add(episode_in(episode(late + timedelta(hours=1))))  # 00:30 on the 6th
        pattern = summarize(diary, now=datetime(2026, 1, 7, tzinfo=UTC))
        assert [e.at_night for e in diary.list()] == [True, True]
    assert pattern.recent_run_days == 2  # the 5th and the 6th in Tokyo; one day in UTC
    assert pattern.recent_nights == 1  # both in the night of the 5th


def test_an_import_counts_nights_on_the_persons_clock(diary_url: str, machine_on_utc: None) -> None:
    """Bulk import (COPY on PostgreSQL) reads the night as one episode at a time does."""
    with Diary(diary_url) as diary:
        set_zone(diary.engine, "me", TOKYO)
    late = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo
    noon = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo, 03:00 on the machine
    with Diary(diary_url) as diary:
        diary.import_episodes([episode_in(episode(late)), episode_in(episode(noon))])
        assert [e.at_night for e in diary.list()] == [False, True]


def test_a_person_with_no_zone_is_on_the_machines(diary_url: str, machine_on_utc: None) -> None:
    with Diary(diary_url) as diary:
        assert diary.zone is None
        diary.add(episode_in(episode(datetime(2026, 1, 5, 23, 30, tzinfo=UTC))))
        assert [e.at_night for e in diary.list()] == [True]


def test_users_add_takes_a_zone_and_refuses_an_unknown_one(tmp_path: object) -> None:
    db = f"sqlite:///{tmp_path}/diary.sqlite3"
    bad = runner.invoke(app, ["users", "add", "ann", "--zone", "Mars/Olympus", "--db", db])
    assert bad.exit_code == EXIT_INPUT
    assert len(bad.stderr.strip().splitlines()) == 1 and "Mars/Olympus" in bad.stderr
    shown = runner.invoke(app, ["users", "zone", "ann", "--db", db])
    assert shown.exit_code == EXIT_INPUT and "no person called 'ann'" in shown.stderr

    added = runner.invoke(app, ["users", "add", "ann", "--zone", "Europe/London", "--db", db])
    assert added.exit_code == 0, added.stderr
    shown = runner.invoke(app, ["users", "zone", "ann", "--db", db])
    assert shown.stdout.strip() == "time zone of ann: Europe/London"
    moved = runner.invoke(app, ["users", "zone", "ann", "Nowhere/Else", "--db", db])
    assert moved.exit_code == EXIT_INPUT
    moved = runner.invoke(app, ["users", "zone", "ann", TOKYO, "--db", db])
    assert moved.exit_code == 0, moved.stderr
    engine = make_engine(db)
    try:
        assert zone_named(engine, "ann") == TOKYO
    finally:
        engine.dispose()


def test_the_page_stores_the_browsers_zone_when_the_person_has_none(tmp_path: object) -> None:
    from fastapi.testclient import TestClient

    from charley.web.app import create_app

    db = f"sqlite:///{tmp_path}/diary.sqlite3"
    engine = make_engine(db)
    try:
        migrate(engine)
        ann = add_person(engine, "ann")
        bob = add_person(engine, "bob", zone="Europe/London")
    finally:
        engine.dispose()
    # Like a browser, the client says which page its forms come from.
    with TestClient(create_app(db), headers=FORM_ORIGIN) as client:
        for token in (ann, bob):
            r = client.post("/diary/login", data={"token": token}, follow_redirects=False)
            assert r.status_code == 303
            r = client.post(
                "/diary/log", data={"site": "calf", "tz": TOKYO}, follow_redirects=False
            )
            assert r.status_code == 303, r.text
    engine = make_engine(db)
    try:
        assert zone_named(engine, "ann") == TOKYO  # had none: the browser's
        assert zone_named(engine, "bob") == "Europe/London"  # kept
    finally:
        engine.dispose()
