"""Diary fixtures: every test that takes `diary_url` runs on SQLite and on PostgreSQL.

One throwaway PostgreSQL cluster serves the whole run (started only if a
PostgreSQL test runs); each test gets a fresh, empty database in it, or a
fresh SQLite file in its tmp_path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pgcluster import PgCluster

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    with PgCluster() as cluster:
        yield cluster


def new_database(request: pytest.FixtureRequest, kind: str, folder: Path) -> str:
    """The URL of a new, empty database of `kind` (nothing in it yet, not even the tables)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'diary.sqlite3'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


@pytest.fixture(params=DATABASES)
def diary_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database for this test."""
    return new_database(request, request.param, tmp_path)


@pytest.fixture(scope="module", params=DATABASES)
def module_diary_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A new, empty database shared by one module's tests (for read-only tests)."""
    return new_database(request, request.param, tmp_path_factory.mktemp(request.param))
