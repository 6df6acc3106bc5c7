"""Where the diary lives and how it is opened.

Default: a SQLite file in the user's data folder, in WAL mode with full
sync, so a crash loses no committed episode. Any SQLAlchemy URL works
through `--db` or CHARLEY_DB (for example PostgreSQL:
postgresql+psycopg://user@host/db). Migrations run on first use.

What the schema promises:

- An upgrade is one transaction: killed halfway, it leaves the diary as it
  was, and the next upgrade starts again from there.
- Upgrades run one at a time: many processes opening a new diary at once
  wait for the first, and find the schema made.
- A new SQLite diary (and its -wal and -shm files) can be read only by its
  owner.

Every wait on the database is bounded (`timeout` seconds, 5 by default), so a
server that is down or frozen gives an error soon instead of a hang: the time
to connect, to get a connection from the pool, and, on PostgreSQL, for each
statement (statement and lock timeouts in the server, and a limit in the client
for a server that does not answer at all). Pooled connections are checked
before use, so connections left broken by a restarted server are replaced.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text

from charley.errors import DiaryError, InputError

MIGRATION_LOCK = 0x63686172  # any fixed number: PostgreSQL's advisory lock for upgrades
"""Held, for the length of its transaction, by whoever upgrades a PostgreSQL diary."""
_PASSWORD = re.compile(r"^([^:/@]*://[^:/@]*:)(.*)(@[^@]*)$", re.DOTALL)

DB_TIMEOUT = 5.0
"""Seconds to wait for the database: to connect, for a pooled connection, per statement."""


def default_url() -> str:
    url = os.environ.get("CHARLEY_DB")
    if url:
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("charley", appauthor=False))
    return f"sqlite:///{folder / 'diary.sqlite3'}"


def shown_url(url: str) -> str:
    """`url` as charley may show it: with its password (if any) as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: hide what looks like a password
        return _PASSWORD.sub(r"\1***\3", url)


def without_password(message: str, url: str) -> str:
    """`message` with the password of `url` replaced by ***, wherever it appears."""
    try:
        password = make_url(url).password
    except Exception:
        found = _PASSWORD.match(url)
        password = found.group(2) if found else None
    if password:
        from urllib.parse import quote

        for form in {str(password), quote(str(password), safe="")}:
            message = message.replace(form, "***")
    return message


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite diary's URL; None for other databases and memory."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0]).expanduser()


def _create_private(path: Path) -> None:
    """Make the diary's folder and an empty file only its owner can read.

    SQLite gives the -wal and -shm files it makes later the same permissions.
    An existing file is left as it is.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # First the busy timeout: switching a new diary to WAL waits for the lock
    # like anything else when another process is making the same diary.
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class _HideRows(logging.Filter):
    """SQLAlchemy at DEBUG logs every row it reads, and a diary's rows hold what people
    wrote about their health: the row is replaced by "(hidden)"; the record stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Row %r":
            record.args = ("(hidden)",)
        return True


def _hide_rows_in_logs() -> None:
    logger = logging.getLogger("sqlalchemy.engine.Engine")
    if not any(isinstance(f, _HideRows) for f in logger.filters):
        logger.addFilter(_HideRows())


def _postgresql_limits(timeout: float) -> dict[str, Any]:
    """connect_args for PostgreSQL: libpq's connect timeout (whole seconds, at least 2),
    and the server's own limits on one statement and on waiting for a lock."""
    millis = int(timeout * 1000)
    return {
        "connect_timeout": max(2, math.ceil(timeout)),
        "options": f"-c statement_timeout={millis} -c lock_timeout={millis}",
    }


def _bounded_psycopg(engine: Engine, timeout: float) -> None:
    """Connect with psycopg connections that give up on a server that does not answer.

    statement_timeout is the server's: a frozen server (stopped, swapped out, or
    on a network that drops packets) enforces nothing, and psycopg would wait
    for ever. Its connections wait through one method, `wait`, which takes a
    timeout: past it the connection is closed (its transaction is lost, as when
    a server goes away) and the error is an OperationalError that SQLAlchemy
    sees as a disconnect, so the pool drops the connection. The client's limit
    is a second longer than the server's, so a live server answers first.
    Long work (an upgrade) turns the limit off for its connection (`unbounded`).
    """
    import psycopg
    from psycopg import errors

    class BoundedConnection(psycopg.Connection[Any]):
        unbounded = False

        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            if self.unbounded:
                return super().wait(gen, interval, timeout)
            try:
                return super().wait(gen, interval, timeout or answer_within)
            except errors._WaitTimeout:  # psycopg asks its callers to convert it
                self.close()
                raise psycopg.OperationalError(
                    f"the database did not answer within {answer_within:g} s"
                ) from None

    answer_within = timeout + 1.0

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return BoundedConnection.connect(*cargs, **cparams)


def make_engine(url: str, *, timeout: float = DB_TIMEOUT) -> Engine:
    """An engine for `url`; a SQLite file's folder is created, and the file, private.

    `timeout` bounds each wait on the database (see the module's docstring). A URL
    that cannot be used is bad input (InputError); its password is never shown.
    """
    try:
        path = sqlite_path(url)
        if path is not None:
            _create_private(path)
        options: dict[str, Any] = {}
        if url.startswith("postgresql"):
            options = {
                "pool_pre_ping": True,
                "pool_timeout": timeout,
                "connect_args": _postgresql_limits(timeout),
            }
        # hide_parameters: with SQLAlchemy's logging turned up, statements are logged,
        # but never their values (what a person wrote about their symptoms).
        engine = create_engine(url, hide_parameters=True, **options)
    except OSError as exc:
        raise InputError(f"cannot make the diary at {shown_url(url)}: {exc.strerror}") from None
    except Exception as exc:  # any other bad URL is a user error too
        message = without_password(str(exc), url)
        raise InputError(f"cannot use the diary at {shown_url(url)}: {message}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.driver == "psycopg":
        _bounded_psycopg(engine, timeout)
    _hide_rows_in_logs()
    return engine


def _config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("charley.diary") / "migrations"))
    return cfg


def head_revision() -> str:
    """The newest revision this charley knows."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_config()).get_current_head())


@contextmanager
def _unbounded(connection: Connection) -> Iterator[None]:
    """No time limit on this connection's statements for the rest of its transaction.

    An upgrade of a large diary (giving a million episodes their public ids)
    takes longer than a request may, and others opening the diary meanwhile
    wait for it on the upgrade lock. PostgreSQL only: SQLite sets no limit.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
    connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
    raw: Any = connection.connection.dbapi_connection
    kept = getattr(raw, "unbounded", None)
    if kept is not None:
        raw.unbounded = True
    try:
        yield
    finally:
        if kept is not None:
            raw.unbounded = kept


@contextmanager
def _upgrading(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other upgrade can run beside.

    SQLite: pysqlite on its own starts a transaction only before INSERT,
    UPDATE or DELETE, so each CREATE would be committed as it ran and an
    upgrade killed halfway would leave half a schema. Here the driver's own
    handling is off, and BEGIN IMMEDIATE starts one transaction for the
    whole upgrade and takes the write lock (waiting up to the busy timeout
    for another process's upgrade to end). PostgreSQL: DDL is transactional;
    a transaction-scoped advisory lock makes upgrades wait for each other.
    """
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            with connection.begin(), _unbounded(connection):
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                    )
                yield connection
            return
        raw: Any = connection.connection.dbapi_connection
        kept = raw.isolation_level
        raw.isolation_level = None
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        finally:
            raw.isolation_level = kept


def upgrade(engine: Engine, *, to: str = "head") -> tuple[str, str]:
    """Bring the schema to `to` (Alembic); return the revisions before and after ("" is none).

    The revision is read again once the lock is held, so of many processes
    opening a new diary at once, one makes the schema and the others find it.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    cfg = _config()
    try:
        target = head_revision() if to == "head" else to
        before = current_revision(engine)
        if before == target:
            return before, before  # nothing to do: no lock taken
        with _upgrading(engine) as connection:
            before = MigrationContext.configure(connection).get_current_revision() or ""
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, to)
    except Exception as exc:  # report any database failure plainly
        message = without_password(str(exc), engine.url.render_as_string(hide_password=False))
        raise DiaryError(f"cannot prepare the diary: {message}") from None
    return before, current_revision(engine)


def migrate(engine: Engine, *, to: str = "head") -> str:
    """Bring the schema up to date (Alembic); return the revision it is at."""
    return upgrade(engine, to=to)[1]


def current_revision(engine: Engine) -> str:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return ""
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return str(row[0]) if row else ""
