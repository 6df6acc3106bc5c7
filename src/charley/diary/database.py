"""Where the diary lives and how it is opened.

Default: a SQLite file in the user's data folder, in WAL mode with full
sync, so a crash loses no committed episode. Any SQLAlchemy URL works
through `--db` or CHARLEY_DB (for example PostgreSQL:
postgresql+psycopg://user@host/db). Migrations run on first use.

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
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from charley.errors import DiaryError

DB_TIMEOUT = 5.0
"""Seconds to wait for the database: to connect, for a pooled connection, per statement."""


def default_url() -> str:
    url = os.environ.get("CHARLEY_DB")
    if url:
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("charley", appauthor=False))
    return f"sqlite:///{folder / 'diary.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
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
    """
    import psycopg
    from psycopg import errors

    class BoundedConnection(psycopg.Connection[Any]):
        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
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
    """An engine for `url`; a SQLite file's folder is created.

    `timeout` bounds each wait on the database (see the module's docstring).
    """
    try:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(
                parents=True, exist_ok=True
            )
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
    except Exception as exc:  # any bad URL is a user error
        raise DiaryError(f"cannot use the diary at {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.driver == "psycopg":
        _bounded_psycopg(engine, timeout)
    _hide_rows_in_logs()
    return engine


def migrate(engine: Engine) -> str:
    """Bring the schema up to date (Alembic); return the revision it is at."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("charley.diary") / "migrations"))
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except Exception as exc:  # report any database failure plainly
        raise DiaryError(f"cannot prepare the diary: {exc}") from None
    return current_revision(engine)


def current_revision(engine: Engine) -> str:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return ""
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return str(row[0]) if row else ""
