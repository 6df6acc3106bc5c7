"""The Diary: save, read, change and delete episodes, one transaction per change.

>>> from charley.diary import Diary, episode_in
>>> with Diary("sqlite:///:memory:") as diary:
...     entry = episode_in({"started_at": "2026-01-02T03:00", "sites": [{"site": "calf"}]})
...     saved = diary.add(entry)
...     [e.id == saved.id for e in diary.list()]
[True]

An episode's `id` is its public id (a UUIDv7, `charley.diary.ids`): not the
database's integer key, which counts across everyone's episodes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from charley.diary.database import default_url, make_engine, upgrade, without_password
from charley.diary.entries import EpisodeIn, ImportedEpisode
from charley.diary.ids import episode_id as read_id
from charley.diary.ids import new_id
from charley.diary.models import Episode, EpisodeRemedy, EpisodeSite, IdempotencyKey, Person
from charley.diary.zones import zone_of
from charley.errors import DiaryError, InputError, NotFoundError

LOCAL_PERSON = "me"
BATCH = 5000
KEEP_KEYS = timedelta(hours=24)
"""How long an idempotency key's first answer is kept (see `Diary.add_once`)."""
SHOWN_ID = 40
COPY_COLUMNS = (
    "id",
    "public_id",
    "person_id",
    "started_at",
    "duration_seconds",
    "severity",
    "feel",
    "trigger",
    "notes",
    "text",
    "at_night",
    "after_exercise",
    "woke",
    "created_at",
)
"""What a bulk import writes through COPY (level and assessment stay empty, as with INSERT)."""
COPY_TYPES = (
    "int4", "varchar", "int4", "timestamptz", "float8", "int2", "varchar", "varchar", "text",
    "text", "bool", "bool", "bool", "timestamptz",
)  # fmt: skip
"""The columns' PostgreSQL types, in COPY_COLUMNS' order, for binary COPY."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: episodes added, and episodes skipped as already in the diary."""

    added: int
    skipped: int


def _utc(value: datetime) -> datetime:
    """Datetimes read back from SQLite have no zone; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _shown(episode_id: str) -> str:
    """An id as given, cut short: error messages repeat it, but not at any length."""
    text = " ".join(str(episode_id).split())
    return text if len(text) <= SHOWN_ID else text[:SHOWN_ID] + "…"


def as_utc(value: datetime) -> datetime:
    """A limit to compare with stored times: SQLite compares them as UTC text.

    A time without a zone is taken as local time, like `EpisodeIn.started_at`.
    """
    return (value if value.tzinfo else value.astimezone()).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class SavedEpisode:
    """An episode as stored, with its public id."""

    id: str
    started_at: datetime
    sites: tuple[tuple[str, str], ...]
    duration_seconds: float | None
    severity: int | None
    feel: str | None
    trigger: str | None
    remedies: tuple[tuple[str, int], ...]
    notes: str
    text: str | None
    at_night: bool
    after_exercise: bool
    woke: bool
    level: str | None
    assessment: dict[str, Any] | None

    @classmethod
    def from_row(cls, row: Episode) -> SavedEpisode:
        return cls(
            id=row.public_id,
            started_at=_utc(row.started_at),
            sites=tuple((s.site, s.side) for s in row.sites),
            duration_seconds=row.duration_seconds,
            severity=row.severity,
            feel=row.feel,
            trigger=row.trigger,
            remedies=tuple((r.remedy, r.relief) for r in row.remedies),
            notes=row.notes,
            text=row.text,
            at_night=row.at_night,
            after_exercise=row.after_exercise,
            woke=row.woke,
            level=row.level,
            assessment=json.loads(row.assessment) if row.assessment else None,
        )

    def to_input(self) -> dict[str, Any]:
        """The episode as the mapping `episode_in` accepts (for export and edits)."""
        return {
            "started_at": self.started_at.isoformat(),
            "sites": [{"site": s, "side": side} for s, side in self.sites],
            "duration_seconds": self.duration_seconds,
            "severity": self.severity,
            "feel": self.feel,
            "trigger": self.trigger,
            "remedies": [{"remedy": r, "relief": v} for r, v in self.remedies],
            "notes": self.notes,
            "text": self.text,
            "at_night": self.at_night,
            "after_exercise": self.after_exercise,
            "woke": self.woke,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.to_input(), "level": self.level}


class Diary:
    """One person's diary in a database (SQLite by default, any SQLAlchemy URL)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        person: str = LOCAL_PERSON,
        engine: Engine | None = None,
        person_id: int | None = None,
    ) -> None:
        """Open (and migrate) the diary at `url`, or use a shared, migrated `engine`.

        `person_id` picks a person already known (the HTTP server finds it from
        a token); otherwise `person` is found by name, or created. `created`
        says whether this call made the diary's schema (a new diary): of many
        processes opening a new diary at once, exactly one did. `zone` is the
        person's time zone, in which their days and nights are counted (None:
        the machine's).
        """
        self.url = url or default_url()
        self._owns_engine = engine is None
        self.engine = engine or make_engine(self.url)
        self.created = False
        try:
            if engine is None:
                before, _ = upgrade(self.engine)
                self.created = before == ""
            self.person_id = person_id if person_id is not None else self._person(person)
            self.zone_name = self._zone_name()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Diary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_engine:
            self.engine.dispose()

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _person(self, name: str) -> int:
        """The person called `name`, created if new. Two processes may create the
        same person at once: the one whose insert loses reads the winner's row."""
        with self._guard():
            found = self._find_person(name)
            if found is not None:
                return found
            try:
                with self._session() as s, s.begin():
                    person = Person(name=name, created_at=datetime.now(UTC))
                    s.add(person)
                    s.flush()
                    return person.id
            except IntegrityError:
                found = self._find_person(name)
                if found is None:
                    raise
                return found

    def _zone_name(self) -> str | None:
        with self._guard(), self.engine.connect() as c:
            found = c.scalar(select(Person.zone).where(Person.id == self.person_id))
        return str(found) if found else None

    @property
    def zone(self) -> tzinfo | None:
        """The person's time zone; None: the machine's (`astimezone(None)` is local time)."""
        return zone_of(self.zone_name)

    def _find_person(self, name: str) -> int | None:
        with self.engine.connect() as c:
            found = c.scalar(select(Person.id).where(Person.name == name))
        return int(found) if found is not None else None

    class _Guard:
        def __init__(self, url: str) -> None:
            self.url = url

        def __enter__(self) -> None:
            return None

        def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
            if isinstance(exc, SQLAlchemyError):
                said = without_password(f"{exc.__class__.__name__}: {exc}", self.url)
                raise DiaryError(f"the diary could not be used: {said}")

    def _guard(self) -> Diary._Guard:
        """Turn database failures into DiaryError (the transaction is rolled back)."""
        return Diary._Guard(self.engine.url.render_as_string(hide_password=False))

    # -- writing -------------------------------------------------------------

    @staticmethod
    def _assessment_columns(assessment: dict[str, Any] | None) -> dict[str, Any]:
        """The stored assessment and its level (the level is kept apart for queries)."""
        return {
            "level": (assessment or {}).get("triage", {}).get("level"),
            "assessment": json.dumps(assessment, ensure_ascii=False) if assessment else None,
        }

    def _columns(self, entry: EpisodeIn, assessment: dict[str, Any] | None) -> dict[str, Any]:
        """An episode's content columns: the one place an entry meets the table.

        Whether it was at night, when not said, is read on the person's clock."""
        return {
            "started_at": entry.started_at,
            "duration_seconds": entry.duration_seconds,
            "severity": entry.severity,
            "feel": entry.feel,
            "trigger": entry.trigger,
            "notes": entry.notes,
            "text": entry.text,
            "at_night": entry.night(self.zone),
            "after_exercise": entry.after_exercise,
            "woke": entry.woke,
            **self._assessment_columns(assessment),
        }

    def _children(self, entry: EpisodeIn) -> tuple[list[EpisodeSite], list[EpisodeRemedy]]:
        sites = [
            EpisodeSite(person_id=self.person_id, site=s.site, side=s.side) for s in entry.sites
        ]
        remedies = [
            EpisodeRemedy(person_id=self.person_id, remedy=r.remedy, relief=r.relief)
            for r in entry.remedies
        ]
        return sites, remedies

    def _row(self, entry: EpisodeIn, assessment: dict[str, Any] | None) -> Episode:
        row = Episode(
            public_id=new_id(),
            person_id=self.person_id,
            created_at=datetime.now(UTC),
            **self._columns(entry, assessment),
        )
        row.sites, row.remedies = self._children(entry)
        return row

    def add(
        self,
        entry: EpisodeIn,
        assessment: dict[str, Any] | None = None,
        *,
        assess_with: Callable[[Connection], dict[str, Any]] | None = None,
    ) -> SavedEpisode:
        """Save one episode in its own transaction.

        `assess_with`, if given, is called inside that transaction, after the
        episode is written, with the connection: so the assessment it returns
        (stored with the episode) sees the diary including this episode, and a
        failure in it saves nothing.
        """
        with self._guard(), self._session() as s, s.begin():
            row = self._row(entry, assessment)
            s.add(row)
            s.flush()
            if assess_with is not None:
                for name, value in self._assessment_columns(assess_with(s.connection())).items():
                    setattr(row, name, value)
                s.flush()
            return SavedEpisode.from_row(row)

    def replay(self, key: str, fingerprint: str) -> dict[str, Any] | None:
        """The answer first given for `key` (within 24 hours), or None.

        InputError if the key was used for a different episode (`fingerprint`
        differs): a client bug, which must not save the second episode silently.
        """
        since = datetime.now(UTC) - KEEP_KEYS
        query = select(IdempotencyKey.fingerprint, IdempotencyKey.answer).where(
            IdempotencyKey.person_id == self.person_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at >= since,
        )
        with self._guard(), self.engine.connect() as c:
            found = c.execute(query).first()
        if found is None:
            return None
        if found.fingerprint != fingerprint:
            raise InputError(
                "this Idempotency-Key was used for a different episode in the last 24 hours; "
                "use a new key for a new episode"
            )
        answer: dict[str, Any] = json.loads(found.answer)
        return answer

    def add_once(
        self, entry: EpisodeIn, assessment: dict[str, Any], *, key: str, fingerprint: str
    ) -> dict[str, Any]:
        """Save one episode under a client's idempotency key; return the answer to give.

        The key is written in the episode's transaction, unique per person, so two
        requests with one key save one episode: the second's insert fails (on
        PostgreSQL it waits for the first to commit), nothing of it is saved, and it
        answers with the first's answer. `fingerprint` is the hash of what was sent.
        Keys older than 24 hours are forgotten.
        """
        now = datetime.now(UTC)
        try:
            with self._session() as s, s.begin():
                s.execute(
                    delete(IdempotencyKey).where(
                        IdempotencyKey.person_id == self.person_id,
                        IdempotencyKey.created_at < now - KEEP_KEYS,
                    )
                )
                row = self._row(entry, assessment)
                s.add(row)
                s.flush()
                saved = SavedEpisode.from_row(row)
                answer = saved.to_dict() | {"assessment": saved.assessment}
                s.add(
                    IdempotencyKey(
                        person_id=self.person_id,
                        key=key,
                        fingerprint=fingerprint,
                        episode_id=row.id,
                        answer=json.dumps(answer, ensure_ascii=False),
                        created_at=now,
                    )
                )
                s.flush()
        except IntegrityError:
            first = self.replay(key, fingerprint)
            if first is None:  # cannot happen: the key was there a moment ago
                raise DiaryError("the Idempotency-Key could not be checked") from None
            return first
        except SQLAlchemyError as exc:
            raise DiaryError(
                f"the diary could not be used: {exc.__class__.__name__}: {exc}"
            ) from exc
        return answer

    def add_many(self, entries: Iterable[EpisodeIn]) -> int:
        """Save many episodes in ONE transaction: all of them, or none; return how
        many were added (see `import_episodes`, which also says how many were skipped)."""
        return self.import_episodes(entries).added

    def import_episodes(
        self,
        entries: Iterable[EpisodeIn],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Save many episodes in ONE transaction: all of them, or none.

        An episode that carries an id (`ImportedEpisode`, read from an export)
        already in this diary, or met earlier in the same import, is skipped, so
        importing a file twice does not double the diary. An id another person's
        diary holds is not taken: that episode gets a new one. `progress` is
        called with how many episodes have been dealt with, after each batch.

        PostgreSQL is written through COPY; other databases by batched INSERTs.
        """
        added = skipped = 0
        seen: set[str] = set()
        with self._guard(), self.engine.begin() as conn:
            batch: list[EpisodeIn] = []
            for entry in entries:
                batch.append(entry)
                if len(batch) >= BATCH:
                    new, old = self._import_batch(conn, batch, seen)
                    added, skipped = added + new, skipped + old
                    batch = []
                    if progress is not None:
                        progress(added + skipped)
            if batch:
                new, old = self._import_batch(conn, batch, seen)
                added, skipped = added + new, skipped + old
                if progress is not None:
                    progress(added + skipped)
        if added >= BATCH and self.engine.dialect.name == "postgresql":
            # Fresh statistics: without them PostgreSQL plans badly right after a big import.
            with self._guard(), self.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE episodes, episode_sites, episode_remedies")
        return ImportResult(added=added, skipped=skipped)

    def _import_batch(
        self, conn: Connection, batch: list[EpisodeIn], seen: set[str]
    ) -> tuple[int, int]:
        """Write the batch's new episodes; return (added, skipped)."""
        given = {e.id: e for e in batch if isinstance(e, ImportedEpisode) and e.id}
        held: dict[str, int] = {}
        if given:
            found = conn.execute(
                select(Episode.public_id, Episode.person_id).where(
                    Episode.public_id.in_(list(given))
                )
            )
            held = {str(public): int(person) for public, person in found}
        keep: list[tuple[str, EpisodeIn]] = []
        for entry in batch:
            public = entry.id if isinstance(entry, ImportedEpisode) else None
            if public is not None and (public in seen or held.get(public) == self.person_id):
                continue
            if public is None or public in held:
                public = new_id()
            seen.add(public)
            keep.append((public, entry))
        if keep:
            self._write_batch(conn, keep)
        return len(keep), len(batch) - len(keep)

    def _write_batch(self, conn: Connection, batch: list[tuple[str, EpisodeIn]]) -> None:
        """Write (public id, episode) pairs: COPY on PostgreSQL, INSERT elsewhere."""
        if conn.dialect.name == "postgresql":
            self._copy_batch(conn, batch)
        else:
            self._insert_batch(conn, batch)

    def _insert_batch(self, conn: Connection, batch: list[tuple[str, EpisodeIn]]) -> None:
        now = datetime.now(UTC)
        rows = [
            {"public_id": public, "person_id": self.person_id, "created_at": now}
            | self._columns(e, None)
            for public, e in batch
        ]
        ids = (
            conn.execute(insert(Episode).returning(Episode.id, sort_by_parameter_order=True), rows)
            .scalars()
            .all()
        )
        sites, remedies = self._child_rows(ids, [e for _, e in batch])
        if sites:
            conn.execute(insert(EpisodeSite), sites)
        if remedies:
            conn.execute(insert(EpisodeRemedy), remedies)

    def _child_rows(
        self, ids: Sequence[int], batch: list[EpisodeIn]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        pid = self.person_id
        sites = [
            {"episode_id": i, "person_id": pid, "site": s.site, "side": s.side}
            for i, e in zip(ids, batch, strict=True)
            for s in e.sites
        ]
        remedies = [
            {"episode_id": i, "person_id": pid, "remedy": r.remedy, "relief": r.relief}
            for i, e in zip(ids, batch, strict=True)
            for r in e.remedies
        ]
        return sites, remedies

    def _copy_batch(self, conn: Connection, batch: list[tuple[str, EpisodeIn]]) -> None:
        """PostgreSQL's COPY (psycopg 3's `cursor.copy`), in the open transaction.

        The integer keys are drawn from the table's sequence first, so the sites
        and remedies can name their episode without reading anything back.
        """
        # One row holding every key: fetching thousands of one-number rows cost more
        # than drawing the numbers.
        ids = [
            int(i)
            for i in conn.exec_driver_sql(
                "SELECT array_agg(nextval(pg_get_serial_sequence('episodes', 'id'))) "
                f"FROM generate_series(1, {len(batch):d})"
            ).scalar_one()
        ]
        import psycopg

        raw = conn.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        try:
            self._copy_rows(raw, ids, batch)
        except psycopg.Error as exc:
            # As SQLAlchemy's own error, so that it is reported as every other failure is.
            raise DBAPIError.instance(
                "COPY …", None, exc, psycopg.Error, hide_parameters=True
            ) from None

    def _copy_rows(self, raw: Any, ids: list[int], batch: list[tuple[str, EpisodeIn]]) -> None:
        """Binary COPY: the server reads the values as they are, without parsing text."""
        now = datetime.now(UTC)
        pid = self.person_id
        zone = self.zone
        with raw.cursor() as cursor:
            with cursor.copy(
                f"COPY episodes ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(COPY_TYPES)
                for key, (public, e) in zip(ids, batch, strict=True):
                    copy.write_row(
                        (
                            key,
                            public,
                            pid,
                            e.started_at,
                            e.duration_seconds,
                            e.severity,
                            e.feel,
                            e.trigger,
                            e.notes,
                            e.text,
                            e.night(zone),
                            e.after_exercise,
                            e.woke,
                            now,
                        )
                    )
            Values = Callable[[EpisodeIn], list[tuple[Any, Any]]]
            children: tuple[tuple[str, str, Values], ...] = (
                ("episode_sites (episode_id, person_id, site, side)", "varchar",
                 lambda e: [(s.site, s.side) for s in e.sites]),
                ("episode_remedies (episode_id, person_id, remedy, relief)", "int2",
                 lambda e: [(r.remedy, r.relief) for r in e.remedies]),
            )  # fmt: skip
            for table, last_type, values in children:
                with cursor.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(("int4", "int4", "varchar", last_type))
                    for key, (_, e) in zip(ids, batch, strict=True):
                        for value in values(e):
                            copy.write_row((key, pid, *value))

    def update(
        self,
        episode_id: str,
        entry: EpisodeIn,
        assessment: dict[str, Any] | None = None,
        *,
        assess_with: Callable[[Connection], dict[str, Any]] | None = None,
    ) -> SavedEpisode:
        """Replace an episode's content, keeping its id.

        With neither `assessment` nor `assess_with` the old assessment is kept.
        `assess_with` works as in `add`: called in the same transaction once the
        new content is written, so a changed episode is judged on what it says
        now, with the diary as it is now; if it fails, nothing changes.
        """
        with self._guard(), self._session() as s, s.begin():
            row = self._own(s, episode_id)
            kept = json.loads(row.assessment) if row.assessment else None
            for name, value in self._columns(entry, assessment or kept).items():
                setattr(row, name, value)
            row.sites, row.remedies = self._children(entry)
            s.flush()
            if assess_with is not None:
                for name, value in self._assessment_columns(assess_with(s.connection())).items():
                    setattr(row, name, value)
                s.flush()
            return SavedEpisode.from_row(row)

    def delete(self, episode_id: str) -> None:
        with self._guard(), self._session() as s, s.begin():
            s.delete(self._own(s, episode_id))

    # -- reading -------------------------------------------------------------

    def _own(self, s: Session, episode_id: str) -> Episode:
        """This person's episode with that public id; any other id, well formed or
        not, is "no episode" alike, so nothing tells whether it is someone else's."""
        public = read_id(episode_id)
        row = None
        if public is not None:
            row = s.scalar(
                select(Episode).where(
                    Episode.public_id == public, Episode.person_id == self.person_id
                )
            )
        if row is None:
            raise NotFoundError(f"no episode {_shown(episode_id)} in this diary")
        return row

    def get(self, episode_id: str) -> SavedEpisode:
        with self._guard(), self._session() as s:
            return SavedEpisode.from_row(self._own(s, episode_id))

    def list(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[SavedEpisode]:
        """Episodes in [start, end), oldest first unless `newest_first`."""
        return list(self.iter(start=start, end=end, limit=limit, newest_first=newest_first))

    def iter(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> Iterator[SavedEpisode]:
        if limit is not None and limit < 0:  # SQLite would read it as "no limit"
            raise InputError(f"a limit is 0 or more, not {limit}")
        query = select(Episode).where(Episode.person_id == self.person_id)
        if start is not None:
            query = query.where(Episode.started_at >= as_utc(start))
        if end is not None:
            query = query.where(Episode.started_at < as_utc(end))
        order = Episode.started_at.desc() if newest_first else Episode.started_at
        query = query.order_by(order, Episode.id).limit(limit)
        # yield_per streams rows in chunks, so exporting a large diary stays small in memory.
        query = query.execution_options(yield_per=1000)
        with self._guard(), self._session() as s:
            for row in s.scalars(query):
                yield SavedEpisode.from_row(row)

    def latest_assessed(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> SavedEpisode | None:
        """The newest episode in [start, end) that carries an assessment."""
        query = select(Episode).where(
            Episode.person_id == self.person_id, Episode.assessment.is_not(None)
        )
        if start is not None:
            query = query.where(Episode.started_at >= as_utc(start))
        if end is not None:
            query = query.where(Episode.started_at < as_utc(end))
        query = query.order_by(Episode.started_at.desc(), Episode.id.desc()).limit(1)
        with self._guard(), self._session() as s:
            row = s.scalar(query)
            return SavedEpisode.from_row(row) if row is not None else None

    def count(self, *, start: datetime | None = None, end: datetime | None = None) -> int:
        """How many episodes, in [start, end) when given."""
        from sqlalchemy import func

        query = select(func.count(Episode.id)).where(Episode.person_id == self.person_id)
        if start is not None:
            query = query.where(Episode.started_at >= as_utc(start))
        if end is not None:
            query = query.where(Episode.started_at < as_utc(end))
        with self._guard(), self.engine.connect() as c:
            return int(c.scalar(query) or 0)

    def integrity_check(self) -> str:
        """SQLite's own integrity check ("ok" when sound); "ok" for other databases."""
        if self.engine.dialect.name != "sqlite":
            return "ok"
        with self._guard(), self.engine.connect() as c:
            return str(c.exec_driver_sql("PRAGMA integrity_check").scalar())

    def delete_all(self) -> None:
        """Remove this person's episodes (used by imports that replace)."""
        with self._guard(), self.engine.begin() as c:
            c.execute(delete(Episode).where(Episode.person_id == self.person_id))
