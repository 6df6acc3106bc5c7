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
"""

from __future__ import annotations

import logging
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


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's folder is created, and the file, private.

    A URL that cannot be used is bad input (InputError); its password is never shown.
    """
    try:
        path = sqlite_path(url)
        if path is not None:
            _create_private(path)
        # hide_parameters: with SQLAlchemy's logging turned up, statements are logged,
        # but never their values (what a person wrote about their symptoms).
        engine = create_engine(url, hide_parameters=True)
    except OSError as exc:
        raise InputError(f"cannot make the diary at {shown_url(url)}: {exc.strerror}") from None
    except Exception as exc:  # any other bad URL is a user error too
        message = without_password(str(exc), url)
        raise InputError(f"cannot use the diary at {shown_url(url)}: {message}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
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
            with connection.begin():
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
