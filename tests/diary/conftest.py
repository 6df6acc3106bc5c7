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


@pytest.fixture(params=DATABASES)
def diary_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of a new, empty database (nothing created in it yet, not even the tables)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()
