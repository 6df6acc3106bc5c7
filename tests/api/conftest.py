"""API fixtures: the app over a fresh diary, run through its lifespan, and two people.

`api` serves a SQLite diary in tmp_path; `diary_api` (used by the isolation
tests) runs once on SQLite and once on a real PostgreSQL server, through the
diary tests' `diary_url` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from charley.diary.database import make_engine, migrate
from charley.diary.people import add_person
from charley.web import create_app
from tests.diary.conftest import diary_url, pg_cluster

__all__ = ["diary_url", "pg_cluster"]

WHEN = "2025-01-10T12:00:00+00:00"


def episode(**fields: Any) -> dict[str, Any]:
    """A valid episode body; `fields` replace or add to it."""
    return {"started_at": WHEN, "sites": [{"site": "calf", "side": "left"}]} | fields


@dataclass
class Api:
    """A running app, and the bearer headers of two people in its diary."""

    client: TestClient
    url: str
    ann_token: str
    bob_token: str

    @property
    def ann(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.ann_token}"}

    @property
    def bob(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bob_token}"}

    def add(self, who: dict[str, str], **fields: Any) -> dict[str, Any]:
        """Create an episode for `who` and return it (asserting 201)."""
        response = self.client.post("/v1/episodes", json=episode(**fields), headers=who)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def count(self, who: dict[str, str]) -> int:
        response = self.client.get("/v1/episodes", params={"limit": 1000}, headers=who)
        assert response.status_code == 200, response.text
        return len(response.json()["episodes"])


def people(url: str) -> tuple[str, str]:
    """Prepare the diary at `url` and add ann and bob; return their tokens."""
    engine = make_engine(url)
    try:
        migrate(engine)
        return add_person(engine, "ann"), add_person(engine, "bob")
    finally:
        engine.dispose()


def serve(url: str) -> Iterator[Api]:
    ann, bob = people(url)
    # As a context manager, so the lifespan (engine, migrations) runs; server errors
    # come back as responses (never raised), as a real client would see them.
    with TestClient(create_app(url), raise_server_exceptions=False) as client:
        yield Api(client=client, url=url, ann_token=ann, bob_token=bob)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from serve(f"sqlite:///{tmp_path / 'diary.sqlite3'}")


@pytest.fixture
def diary_api(diary_url: str) -> Iterator[Api]:
    yield from serve(diary_url)
