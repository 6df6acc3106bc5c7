"""Where the diary lives and how it is opened.

Default: a SQLite file in the user's data folder, in WAL mode with full
sync, so a crash loses no committed episode. Any SQLAlchemy URL works
through `--db` or CHARLEY_DB (for example PostgreSQL:
postgresql+psycopg://user@host/db). Migrations run on first use.
"""

from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from charley.errors import DiaryError


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


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's folder is created."""
    try:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(
                parents=True, exist_ok=True
            )
        # hide_parameters: with SQLAlchemy's logging turned up, statements are logged,
        # but never their values (what a person wrote about their symptoms).
        engine = create_engine(url, hide_parameters=True)
    except Exception as exc:  # any bad URL is a user error
        raise DiaryError(f"cannot use the diary at {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
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
