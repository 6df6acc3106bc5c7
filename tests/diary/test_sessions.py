"""The page's sessions in the database, on SQLite and PostgreSQL: only a hash is kept,
a session ends when closed, unused or too old, and with its person."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, delete, inspect, select

from charley.diary.database import make_engine, migrate
from charley.diary.models import PageSession, Person
from charley.diary.people import add_person, person_for_token
from charley.diary.sessions import close_session, open_session, session_person
from tests.diary.test_store import alembic_config

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IDLE = timedelta(hours=12)
LIFETIME = timedelta(days=7)


@pytest.fixture
def engine(diary_url: str) -> Iterator[Engine]:
    engine = make_engine(diary_url)
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def ann(engine: Engine) -> int:
    pid = person_for_token(engine, add_person(engine, "ann"))
    assert pid is not None
    return pid


def start(engine: Engine, pid: int, when: datetime = T0) -> str:
    return open_session(engine, person_id=pid, now=when, idle=IDLE, lifetime=LIFETIME)


def hashes(engine: Engine) -> list[str]:
    with engine.connect() as c:
        return list(c.scalars(select(PageSession.id_hash)))


def test_only_the_hash_of_the_id_is_kept(engine: Engine, ann: int) -> None:
    sid = start(engine, ann)
    assert len(sid) == 43
    assert hashes(engine) == [hashlib.sha256(sid.encode()).hexdigest()]
    assert session_person(engine, sid, now=T0, idle=IDLE) == ann
    assert session_person(engine, sid[:-1] + "x", now=T0, idle=IDLE) is None
    assert session_person(engine, "", now=T0, idle=IDLE) is None


def test_a_closed_session_opens_nothing(engine: Engine, ann: int) -> None:
    sid, other = start(engine, ann), start(engine, ann)
    close_session(engine, sid)
    assert session_person(engine, sid, now=T0, idle=IDLE) is None
    assert session_person(engine, other, now=T0, idle=IDLE) == ann  # another browser's


def test_use_keeps_a_session_open_until_its_end(engine: Engine, ann: int) -> None:
    sid = start(engine, ann)
    moment = T0
    while moment + timedelta(hours=11) < T0 + LIFETIME:
        moment += timedelta(hours=11)
        assert session_person(engine, sid, now=moment, idle=IDLE) == ann
    assert session_person(engine, sid, now=T0 + LIFETIME, idle=IDLE) is None
    assert hashes(engine) == []


def test_an_unused_session_ends(engine: Engine, ann: int) -> None:
    sid = start(engine, ann)
    assert session_person(engine, sid, now=T0 + IDLE, idle=IDLE) is None
    assert hashes(engine) == []


def test_a_new_login_clears_ended_sessions(engine: Engine, ann: int) -> None:
    start(engine, ann)
    start(engine, ann, T0 + timedelta(days=1))
    later = start(engine, ann, T0 + timedelta(days=1, hours=1))
    assert len(hashes(engine)) == 2  # the first was unused for 12 hours
    start(engine, ann, T0 + timedelta(days=8, hours=2))
    assert later not in hashes(engine) and len(hashes(engine)) == 1


def test_removing_a_person_ends_their_sessions(engine: Engine, ann: int) -> None:
    sid = start(engine, ann)
    with engine.begin() as c:
        c.execute(delete(Person).where(Person.id == ann))
    assert session_person(engine, sid, now=T0, idle=IDLE) is None
    assert hashes(engine) == []


def test_the_sessions_migration_can_be_undone(engine: Engine) -> None:
    columns = {c["name"] for c in inspect(engine).get_columns("sessions")}
    assert columns == {"id_hash", "person_id", "created_at", "last_seen_at", "expires_at"}
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0005_sessions-1")
    assert not inspect(engine).has_table("sessions")
    assert inspect(engine).has_table("episodes")
    migrate(engine)
    assert inspect(engine).has_table("sessions")
