"""Work that grows with the diary is done in bounded pieces: exports are streamed
(sent as they are made, not built whole in memory first), and a diary's size does
not change what an export holds."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from charley.diary import Diary, episode_in
from tests.api.conftest import Api

PLAIN = {"Accept-Encoding": "identity"}
"""Uncompressed, so the pieces seen are the pieces sent."""
MANY = 1200
"""More episodes than one streamed piece holds, so the export comes in several."""


def fill(api: Api, count: int) -> None:
    """Add `count` episodes to ann's diary directly (the API would assess each one)."""
    with Diary(api.url, person="ann") as diary:
        diary.add_many(
            episode_in(
                {
                    "started_at": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T0{i % 10}:00:00+00:00",
                    "sites": [{"site": "calf", "side": "left"}],
                    "severity": i % 11,
                    "notes": f"episode {i}",
                }
            )
            for i in range(count)
        )


def test_a_csv_export_is_streamed_and_complete(api: Api) -> None:
    fill(api, MANY)
    headers = api.ann | PLAIN
    with api.client.stream("GET", "/v1/episodes/export", headers=headers) as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers  # sent in pieces, not measured whole first
        assert r.headers["content-type"].startswith("text/csv")
        pieces = list(r.iter_raw())
    assert len(pieces) > 1
    rows = list(csv.DictReader(io.StringIO(b"".join(pieces).decode())))
    assert len(rows) == MANY
    assert sorted(int(r["notes"].split()[1]) for r in rows) == list(range(MANY))


def test_a_fhir_export_is_streamed_and_is_one_valid_bundle(api: Api) -> None:
    fill(api, MANY)
    params = {"format": "fhir"}
    headers = api.ann | PLAIN
    with api.client.stream("GET", "/v1/episodes/export", params=params, headers=headers) as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers
        assert r.headers["content-type"].startswith("application/fhir+json")
        pieces = list(r.iter_raw())
    assert len(pieces) > 1
    bundle = json.loads(b"".join(pieces))
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    assert len(bundle["entry"]) == MANY
    assert len({e["fullUrl"] for e in bundle["entry"]}) == MANY


def test_an_empty_diary_exports_an_empty_bundle(api: Api) -> None:
    r = api.client.get("/v1/episodes/export", params={"format": "fhir"}, headers=api.ann)
    assert r.status_code == 200
    bundle = r.json()
    Bundle.model_validate(bundle)
    assert bundle == {"resourceType": "Bundle", "type": "collection"}
    csv_text = api.client.get("/v1/episodes/export", headers=api.ann).text
    assert csv_text.splitlines()[0].startswith("id,started_at,sites")


def test_recording_an_episode_reads_the_diary_without_holding_the_write_lock(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While `POST /v1/episodes` reads the person's pattern (the slow part on a large
    diary), someone else can write: the SQLite write lock is taken only to save."""
    from charley.diary import patterns

    path = api.url.removeprefix("sqlite:///")
    others_wrote: list[bool] = []
    real = patterns._summarize

    def summarize_then_try_to_write(*args: Any, **kwargs: Any) -> patterns.Pattern:
        pattern = real(*args, **kwargs)
        other = sqlite3.connect(path, timeout=0)  # no waiting: locked means locked
        try:
            other.execute("UPDATE people SET name = name WHERE name = 'bob'")
            other.commit()
            others_wrote.append(True)
        except sqlite3.OperationalError:  # "database is locked"
            others_wrote.append(False)
        finally:
            other.close()
        return pattern

    monkeypatch.setattr(patterns, "_summarize", summarize_then_try_to_write)
    now = datetime.now(UTC)
    nights = []
    for hours_ago in (25, 1):  # two nights
        at = (now - timedelta(hours=hours_ago)).isoformat()
        saved = api.add(api.ann, started_at=at, at_night=True, text="my calf cramped")
        found = saved["assessment"]["findings"]
        nights += [f["value"] for f in found if f["id"] == "diary.nights"]
    assert others_wrote == [True, True]
    # The assessment still counts the episode being saved: one night, then two.
    assert nights == [1.0, 2.0]
