"""The diary's store, on SQLite and PostgreSQL: save, read, change, delete, keep people
apart, refuse bad input without changing anything, all-or-nothing batches, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any
from uuid import UUID

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import OperationalError

from charley.diary import Diary, EpisodeIn, episode_in, store
from charley.diary.database import current_revision, make_engine, migrate
from charley.diary.entries import RemedyIn, SiteIn
from charley.diary.models import Episode, EpisodeRemedy, EpisodeSite
from charley.errors import DiaryError, InputError, NotFoundError
from tests.diary.first_revision import FIRST, diary_at_first_revision
from tests.diary.first_revision import WHEN as FIRST_WHEN

DAY0 = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


def when(days: float = 0, hours: float = 0) -> str:
    return (DAY0 + timedelta(days=days, hours=hours)).isoformat()


def entry(started_at: str | None = None, **fields: Any) -> EpisodeIn:
    data: dict[str, Any] = {
        "started_at": started_at or when(),
        "sites": [{"site": "calf", "side": "left"}],
    }
    data.update(fields)
    return episode_in(data)


@pytest.fixture
def diary(diary_url: str) -> Iterator[Diary]:
    with Diary(diary_url) as d:
        yield d


# -- add, get, list, update, delete -------------------------------------------


def test_add_then_get_gives_back_everything(diary: Diary) -> None:
    full = entry(
        when(hours=11),  # 23:00 UTC
        sites=[{"site": "calf", "side": "left"}, {"site": "Foot", "side": "both"}],
        duration_seconds=150,
        severity=7,
        feel="tight knot",
        trigger="swimming",
        remedies=[{"remedy": " Stretch ", "relief": 4}, {"remedy": "heat", "relief": 1}],
        notes="woke me up",
        text="my left calf seized up",
        at_night=True,
        after_exercise=True,
        woke=True,
    )
    assessment = {"triage": {"level": "self_care", "label": "Look after it yourself"}}
    saved = diary.add(full, assessment)

    assert UUID(saved.id).version == 7
    assert saved.started_at == DAY0 + timedelta(hours=11)
    assert saved.started_at.utcoffset() is not None
    assert saved.sites == (("calf", "left"), ("foot", "both"))
    assert saved.remedies == (("stretch", 4), ("heat", 1))
    assert (saved.duration_seconds, saved.severity) == (150, 7)
    assert (saved.feel, saved.trigger, saved.notes) == ("tight knot", "swimming", "woke me up")
    assert saved.text == "my left calf seized up"
    assert (saved.at_night, saved.after_exercise, saved.woke) == (True, True, True)
    assert saved.level == "self_care"
    assert saved.assessment == assessment
    assert diary.get(saved.id) == saved
    assert diary.count() == 1
    assert diary.integrity_check() == "ok"


def test_defaults_and_night_from_the_clock(diary: Diary) -> None:
    local_night = datetime(2025, 1, 10, 23, 30).astimezone()  # 23:30 on this machine's clock
    local_day = datetime(2025, 1, 10, 12, 0).astimezone()
    night = diary.add(entry(local_night.isoformat()))
    day = diary.add(entry(local_day.isoformat()))
    assert night.at_night and not day.at_night
    assert day.sites == (("calf", "left"),)
    assert (day.severity, day.duration_seconds, day.remedies, day.notes) == (None, None, (), "")
    assert (day.level, day.assessment, day.woke, day.after_exercise) == (None, None, False, False)
    assert diary.get(day.id).started_at == local_day


def test_list_orders_and_filters_by_date(diary: Diary) -> None:
    ids: dict[int, list[str]] = {}
    for day in (3, 0, 5, 1, 3, 4):  # out of order, and two on day 3 at the same moment
        ids.setdefault(day, []).append(diary.add(entry(when(days=day))).id)
    oldest_first = [ids[0][0], ids[1][0], ids[3][0], ids[3][1], ids[4][0], ids[5][0]]

    assert [e.id for e in diary.list()] == oldest_first
    assert [e.id for e in diary.iter()] == oldest_first
    newest = [e.id for e in diary.list(newest_first=True)]
    assert newest == [ids[5][0], ids[4][0], ids[3][0], ids[3][1], ids[1][0], ids[0][0]]
    assert [e.id for e in diary.list(limit=2)] == oldest_first[:2]
    assert [e.id for e in diary.list(newest_first=True, limit=1)] == [ids[5][0]]

    start, end = DAY0 + timedelta(days=1), DAY0 + timedelta(days=4)  # [start, end)
    between = [e.id for e in diary.list(start=start, end=end)]
    assert between == [ids[1][0], ids[3][0], ids[3][1]]
    assert diary.list(start=start + timedelta(seconds=1))[0].id == ids[3][0]
    assert [e.id for e in diary.list(end=start)] == [ids[0][0]]
    assert diary.list(start=end + timedelta(days=10)) == []
    assert all(
        a.started_at <= b.started_at for a, b in zip(diary.list(), diary.list()[1:], strict=False)
    )


def test_update_replaces_the_content_and_keeps_the_id(diary: Diary) -> None:
    first = diary.add(
        entry(remedies=[{"remedy": "stretch", "relief": 2}], severity=3),
        {"triage": {"level": "self_care"}},
    )
    other = diary.add(entry(when(days=1)))
    changed = diary.update(
        first.id,
        entry(
            when(days=-1),
            sites=[{"site": "thigh", "side": "right"}, {"site": "hand"}],
            remedies=[{"remedy": "massage", "relief": 3}],
            severity=8,
            notes="worse than I said",
        ),
    )
    assert changed.id == first.id
    assert changed.started_at == DAY0 - timedelta(days=1)
    assert changed.sites == (("thigh", "right"), ("hand", "unknown"))
    assert changed.remedies == (("massage", 3),)
    assert (changed.severity, changed.notes) == (8, "worse than I said")
    assert changed.level == "self_care"  # the assessment stays unless a new one is given
    assert diary.get(first.id) == changed
    assert diary.get(other.id) == other
    assert diary.count() == 2
    assert [e.id for e in diary.list()] == [first.id, other.id]

    relevel = diary.update(first.id, entry(), {"triage": {"level": "consultation"}})
    assert relevel.level == "consultation"
    with diary.engine.connect() as c:  # the old site and remedy rows are gone, not orphaned
        key = c.scalar(select(Episode.id).where(Episode.public_id == first.id))
        sites = c.scalar(select(func.count()).where(EpisodeSite.episode_id == key))
        remedies = c.scalar(select(func.count()).where(EpisodeRemedy.episode_id == key))
    assert (sites, remedies) == (1, 0)


def test_delete_removes_the_episode_and_its_rows(diary: Diary) -> None:
    keep = diary.add(entry())
    gone = diary.add(entry(when(days=1), remedies=[{"remedy": "stretch", "relief": 2}]))
    diary.delete(gone.id)
    assert diary.count() == 1
    assert [e.id for e in diary.list()] == [keep.id]
    with pytest.raises(NotFoundError):
        diary.get(gone.id)
    with pytest.raises(NotFoundError):
        diary.delete(gone.id)
    with diary.engine.connect() as c:  # only the kept episode's one site is left
        counts = [
            c.scalar(select(func.count()).select_from(t)) for t in (EpisodeSite, EpisodeRemedy)
        ]
        assert counts == [1, 0]


def test_a_missing_id_is_not_found(diary: Diary) -> None:
    diary.add(entry())
    for missing in ("0", "-1", "999999", "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b", "x" * 100):
        with pytest.raises(NotFoundError, match=f"no episode {missing[:40]}"):
            diary.get(missing)
        with pytest.raises(NotFoundError):
            diary.update(missing, entry())
        with pytest.raises(NotFoundError):
            diary.delete(missing)
    assert diary.count() == 1
    assert issubclass(NotFoundError, LookupError)


def test_nobody_reads_changes_or_deletes_another_persons_episodes(diary_url: str) -> None:
    with Diary(diary_url, person="ann") as ann, Diary(diary_url, person="bob") as bob:
        hers = ann.add(entry(severity=4, remedies=[{"remedy": "stretch", "relief": 3}]))
        ann.add_many([entry(when(days=d)) for d in (1, 2)])
        his = bob.add(entry(when(days=3), sites=[{"site": "neck"}]))
        assert ann.person_id != bob.person_id

        with pytest.raises(NotFoundError):
            bob.get(hers.id)
        with pytest.raises(NotFoundError):
            bob.update(hers.id, entry(severity=10))
        with pytest.raises(NotFoundError):
            bob.delete(hers.id)
        with pytest.raises(NotFoundError):
            ann.get(his.id)
        bob.delete_all()

        assert ann.get(hers.id) == hers
        assert ann.count() == 3
        assert [e.id for e in bob.list()] == []
        assert bob.count() == 0
        assert his.id not in {e.id for e in ann.list()}

    with Diary(diary_url, person="ann") as again:  # the same name finds the same diary
        assert again.count() == 3


# -- bad input ------------------------------------------------------------------

BAD: dict[str, tuple[dict[str, Any], str]] = {
    "future": ({"started_at": "+2d"}, "started_at: is in the future"),
    "severity_14": ({"severity": 14}, "severity: Input should be less than or equal to 10"),
    "unknown_site": ({"sites": [{"site": "elbow_pit"}]}, "unknown site 'elbow_pit'"),
    "relief_5": ({"remedies": [{"remedy": "stretch", "relief": 5}]}, "remedies.0.relief"),
}


def bad_data(change: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"started_at": when(), "sites": [{"site": "calf"}], **change}
    if data["started_at"] == "+2d":
        data["started_at"] = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    return data


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_raises_and_changes_nothing(
    diary: Diary, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    change, message = BAD[case]
    first = diary.add(entry(severity=2))
    with pytest.raises(InputError, match=message):
        diary.add(episode_in(bad_data(change)))
    with pytest.raises(InputError, match=message):
        diary.update(first.id, episode_in(bad_data(change)))

    # In a batch: the good entries before the bad one were already written when it
    # failed validation, and are rolled back with it.
    monkeypatch.setattr(store, "BATCH", 1)
    goods = [{"started_at": when(days=d), "sites": [{"site": "foot"}]} for d in (1, 2)]
    with pytest.raises(InputError, match=message):
        diary.add_many(episode_in(d) for d in [*goods, bad_data(change)])

    assert diary.count() == 1
    assert diary.list() == [first]
    assert diary.integrity_check() == "ok"


# -- add_many: one transaction ------------------------------------------------------


def test_add_many_saves_everything(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BATCH", 3)
    entries = [
        entry(when(days=d), remedies=[{"remedy": "stretch", "relief": d % 5}]) for d in range(8)
    ]
    assert diary.add_many(entries) == 8
    saved = diary.list()
    assert [e.started_at for e in saved] == [DAY0 + timedelta(days=d) for d in range(8)]
    assert [e.remedies for e in saved] == [(("stretch", d % 5),) for d in range(8)]
    assert diary.add_many([]) == 0
    assert diary.count() == 8


def broken() -> EpisodeIn:
    """An entry the database refuses (no start time: NOT NULL), past validation."""
    return EpisodeIn.model_construct(
        started_at=None,
        sites=[SiteIn(site="calf")],
        duration_seconds=None,
        severity=None,
        feel=None,
        trigger=None,
        remedies=[RemedyIn(remedy="stretch", relief=2)],
        notes="",
        text=None,
        at_night=False,
        after_exercise=False,
        woke=False,
    )


def test_add_many_is_all_or_nothing_when_the_database_refuses_a_row(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = diary.add(entry())
    monkeypatch.setattr(store, "BATCH", 2)
    batch = [entry(when(days=d)) for d in (1, 2, 3)] + [broken()]  # 2nd batch fails
    with pytest.raises(DiaryError, match="could not be used"):
        diary.add_many(batch)
    assert diary.list() == [before]
    with diary.engine.connect() as c:
        counts = [
            c.scalar(select(func.count()).select_from(table))
            for table in (Episode, EpisodeSite, EpisodeRemedy)
        ]
    assert counts == [1, 1, 0]  # only the episode saved before, with its one site


def test_add_many_is_all_or_nothing_when_a_later_batch_fails(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary.add(entry())
    monkeypatch.setattr(store, "BATCH", 3)
    original = Diary._write_batch
    seen_inside: list[int] = []

    def failing(self: Diary, conn: Any, batch: list[tuple[str, EpisodeIn]]) -> None:
        if seen_inside:  # the second batch: the disk gives up
            raise OperationalError("INSERT INTO episodes …", {}, Exception("disk I/O error"))
        original(self, conn, batch)
        # Inside the transaction the first batch is there …
        seen_inside.append(int(conn.scalar(select(func.count()).select_from(Episode))))

    monkeypatch.setattr(Diary, "_write_batch", failing)
    with pytest.raises(DiaryError, match="disk I/O error"):
        diary.add_many(entry(when(days=d)) for d in range(1, 8))
    assert seen_inside == [4]
    # … and after the failure it is not.
    assert diary.count() == 1
    monkeypatch.setattr(Diary, "_write_batch", original)
    assert diary.add_many([entry(when(days=9))]) == 1  # the diary still works
    assert diary.count() == 2


# -- migrations -----------------------------------------------------------------


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("charley.diary") / "migrations"))
    return cfg


HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_the_migrations_are_one_line_from_the_first() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    chain = [r.revision for r in script.walk_revisions()]  # head first
    assert chain[-1] == FIRST
    assert chain[0] == HEAD
    assert script.get_heads() == [HEAD]


def test_a_new_database_is_migrated_on_first_open(diary_url: str) -> None:
    engine = make_engine(diary_url)
    try:
        assert current_revision(engine) == ""
        assert not inspect(engine).has_table("episodes")
    finally:
        engine.dispose()
    with Diary(diary_url) as diary:
        assert current_revision(diary.engine) == HEAD
        tables = set(inspect(diary.engine).get_table_names())
        assert {"people", "episodes", "episode_sites", "episode_remedies"} <= tables
        assert migrate(diary.engine) == HEAD  # running it again changes nothing
        assert diary.count() == 0


def test_reopening_a_database_keeps_its_episodes(diary_url: str) -> None:
    with Diary(diary_url) as diary:
        diary.add(entry(severity=5, remedies=[{"remedy": "stretch", "relief": 4}]))
        diary.add_many([entry(when(days=d)) for d in (1, 2)])
        saved = diary.list()
    with Diary(diary_url, person="someone else"):
        pass
    with Diary(diary_url) as again:
        assert again.list() == saved
        assert current_revision(again.engine) == HEAD
        assert again.integrity_check() == "ok"


def test_a_diary_made_at_the_first_revision_is_upgraded_with_its_episodes(
    diary_url: str,
) -> None:
    diary_at_first_revision(diary_url)
    with Diary(diary_url) as diary:
        assert current_revision(diary.engine) == HEAD
        saved = diary.list()
        assert [(e.notes, e.sites, e.remedies) for e in saved] == [
            ("episode 1", (("calf", "left"),), (("stretch", 3),)),
            ("episode 2", (("calf", "left"), ("foot", "unknown")), ()),
            ("episode 3", (("calf", "left"),), ()),
        ]
        assert [e.started_at for e in saved] == [FIRST_WHEN.replace(day=d) for d in (1, 2, 3)]
        # Every episode got a public id, taken from when it was saved, so they sort alike.
        ids = [e.id for e in saved]
        assert all(UUID(i).version == 7 for i in ids) and ids == sorted(ids)
        assert [diary.get(i) for i in ids] == saved
        indexes = {
            i["name"]
            for table in ("episodes", "episode_sites", "episode_remedies")
            for i in inspect(diary.engine).get_indexes(table)
        }
        assert {
            "ix_episode_sites_person_site",
            "ix_episode_remedies_person_remedy",
            "ix_episodes_public_id",
        } <= indexes
        # the person_id indexes were prefixes of those two: dropped (0007)
        assert not {"ix_episode_sites_person_id", "ix_episode_remedies_person_id"} & indexes
        assert diary.add(entry(when(days=3))).id not in ids


def test_limits_in_another_time_zone_compare_as_the_same_instant(diary: Diary) -> None:
    from datetime import timezone

    diary.add(entry(when(hours=4)))  # 16:00 UTC
    new_york = timezone(timedelta(hours=-4))
    # 15:00 in New York is 19:00 UTC: after the episode.
    assert diary.list(start=datetime(2025, 1, 10, 15, 0, tzinfo=new_york)) == []
    # 11:00 in New York is 15:00 UTC: before it.
    assert len(diary.list(start=datetime(2025, 1, 10, 11, 0, tzinfo=new_york))) == 1


def test_update_with_assess_with_judges_the_new_words(diary: Diary) -> None:
    from charley.diary.assessing import Assessor

    calm = "my left calf cramped for two minutes and eased when I stretched it"
    first = diary.add(entry(text=calm), assess_with=Assessor.for_text(diary, calm))
    assert first.level == "self_care"
    worse = "crushing chest pain, I can't breathe"
    changed = diary.update(first.id, entry(text=worse), assess_with=Assessor.for_text(diary, worse))
    assert changed.level is not None and changed.level.startswith("emergency")
    stored = diary.get(first.id)
    assert stored.text == worse
    assert stored.level == changed.level
    assert stored.assessment is not None
    assert stored.assessment["triage"]["level"] == changed.level


def test_update_without_an_assessor_keeps_the_old_assessment(diary: Diary) -> None:
    first = diary.add(entry(), {"triage": {"level": "consultation"}})
    changed = diary.update(first.id, entry(severity=3))
    assert changed.level == "consultation"
    assert changed.severity == 3


def test_a_failing_assessor_changes_nothing(diary: Diary) -> None:
    first = diary.add(entry(severity=2), {"triage": {"level": "self_care"}})

    def broken(conn: object) -> dict[str, Any]:
        raise InputError("the assessment failed")

    with pytest.raises(InputError):
        diary.update(first.id, entry(severity=9, text="other words"), assess_with=broken)
    kept = diary.get(first.id)
    assert (kept.severity, kept.text, kept.level) == (2, None, "self_care")


def test_one_person_cannot_change_or_delete_anothers_episode(diary_url: str) -> None:
    with Diary(diary_url, person="ann") as ann, Diary(diary_url, person="bob") as bob:
        hers = ann.add(entry(severity=4))
        with pytest.raises(NotFoundError):
            bob.update(hers.id, entry(severity=9))
        with pytest.raises(NotFoundError):
            bob.delete(hers.id)
        assert ann.get(hers.id).severity == 4
