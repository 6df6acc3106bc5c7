"""Two people, one server: whatever bob sends, he never reads, changes or deletes ann's
episodes, and nothing of hers shows in his list, summary, export or chart.

Every test runs on SQLite and on a real PostgreSQL server (`diary_url`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charley.diary.ids import new_id
from tests.api.conftest import Api, episode

ANN_WORDS = "ann-private-note-7c1f"
BOB_WORDS = "bob-own-note-2d9e"


@dataclass
class Two:
    api: Api
    ann_episodes: list[dict[str, Any]]
    bob_episode: dict[str, Any]

    @property
    def ann_ids(self) -> list[str]:
        return [e["id"] for e in self.ann_episodes]

    def ann_unchanged(self) -> None:
        """Ann's diary is exactly as she left it."""
        api = self.api
        listed = api.client.get("/v1/episodes", headers=api.ann).json()["episodes"]
        assert [e["id"] for e in listed] == self.ann_ids
        for saved in self.ann_episodes:
            got = api.client.get(f"/v1/episodes/{saved['id']}", headers=api.ann)
            assert got.status_code == 200 and got.json() == saved


@pytest.fixture
def two(diary_api: Api) -> Two:
    api = diary_api
    ann = [
        api.add(
            api.ann,
            started_at=f"2025-01-0{day}T23:00:00+00:00",
            sites=[{"site": "foot", "side": "right"}],
            severity=8,
            notes=ANN_WORDS,
            text=f"my right foot cramped, {ANN_WORDS}",
            remedies=[{"remedy": "ann-remedy", "relief": 4}],
        )
        for day in (1, 2, 3)
    ]
    bob = api.add(
        api.bob,
        started_at="2025-01-02T08:00:00+00:00",
        sites=[{"site": "calf", "side": "left"}],
        severity=2,
        notes=BOB_WORDS,
    )
    return Two(api=api, ann_episodes=ann, bob_episode=bob)


def not_found(response: Any, episode_id: str) -> None:
    """404 with the same message an id nobody has gets: nothing says the episode exists."""
    shown = episode_id if len(episode_id) <= 40 else episode_id[:40] + "…"
    assert response.status_code == 404, response.text
    assert response.json() == {
        "error": "not_found",
        "detail": f"no episode {shown} in this diary",
    }


def _other_digit(episode_id: str) -> str:
    """The same id with its last hex digit changed: a near miss."""
    last = episode_id[-1]
    return episode_id[:-1] + ("0" if last != "0" else "1")


def ids_to_try(two: Two) -> list[str]:
    first = two.ann_ids[0]
    return [
        *two.ann_ids,
        first.upper(),  # the same id in capitals is still ann's
        _other_digit(first),
        new_id(),
        str(uuid4()),
        "1",
        "4",
        "0",
        "-1",
        str(2**31),
        str(10**30),
        "1" * 40,
        "x" * 300,
        "not-an-id",
        f"{{{first}}}",
        first.replace("-", ""),
    ]


def test_bob_cannot_read_change_or_delete_anns_episodes(two: Two) -> None:
    api = two.api
    for episode_id in ids_to_try(two):
        url = f"/v1/episodes/{episode_id}"
        not_found(api.client.get(url, headers=api.bob), episode_id)
        changed = episode(severity=0, notes="bob was here", sites=[{"site": "neck"}])
        not_found(api.client.put(url, json=changed, headers=api.bob), episode_id)
        not_found(api.client.delete(url, headers=api.bob), episode_id)
    two.ann_unchanged()
    bob = api.client.get("/v1/episodes", headers=api.bob).json()["episodes"]
    assert [e["id"] for e in bob] == [two.bob_episode["id"]]  # his diary did not grow either
    assert bob[0]["notes"] == BOB_WORDS


def test_any_id_bob_sends_is_404_unless_it_is_his(two: Two) -> None:
    api = two.api
    bob_id = two.bob_episode["id"]

    @settings(max_examples=40)
    @given(
        st.one_of(
            st.sampled_from(two.ann_ids),
            st.uuids().map(str),
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
            st.text(alphabet="0123456789abcdefABCDEF-xyz", min_size=1, max_size=60),
        )
    )
    def probe(episode_id: str) -> None:
        url = f"/v1/episodes/{episode_id}"
        if episode_id == bob_id:
            assert api.client.get(url, headers=api.bob).json() == two.bob_episode
            return
        not_found(api.client.get(url, headers=api.bob), episode_id)
        not_found(api.client.put(url, json=episode(), headers=api.bob), episode_id)
        not_found(api.client.delete(url, headers=api.bob), episode_id)

    probe()
    two.ann_unchanged()


def test_ann_cannot_touch_bobs_episode_either(two: Two) -> None:
    api = two.api
    bob_id = two.bob_episode["id"]
    url = f"/v1/episodes/{bob_id}"
    not_found(api.client.get(url, headers=api.ann), bob_id)
    not_found(api.client.put(url, json=episode(), headers=api.ann), bob_id)
    not_found(api.client.delete(url, headers=api.ann), bob_id)
    assert api.client.get(url, headers=api.bob).json() == two.bob_episode


def test_bobs_list_has_only_his_episodes(two: Two) -> None:
    api = two.api
    for params in (
        {},
        {"limit": 1000},
        {"from": "2025-01-01T00:00:00Z"},
        {"to": "2025-01-04T00:00:00Z"},
        {"from": "2025-01-02T20:00:00Z", "to": "2025-01-03T00:00:00Z"},  # only ann's in here
    ):
        listed = api.client.get("/v1/episodes", params=params, headers=api.bob).json()
        ids = {e["id"] for e in listed["episodes"]}
        assert ids <= {two.bob_episode["id"]}, params
        assert not ids & set(two.ann_ids)
        assert ANN_WORDS not in str(listed)


def test_ids_say_nothing_about_other_peoples_diaries(two: Two) -> None:
    """Bob's first episode was his fourth on the server: its id must not say so, nor
    come next after ann's."""
    ids = [*two.ann_ids, two.bob_episode["id"]]
    assert all(UUID(i).version == 7 for i in ids)
    assert len(set(ids)) == len(ids)
    assert two.bob_episode["id"] not in ("4", 4)
    # Ann's ids share no run of digits bob could count along: each has its own random part.
    assert len({i[-12:] for i in ids}) == len(ids)


def test_bobs_summary_counts_only_his_episodes(two: Two) -> None:
    api = two.api
    bob = api.client.get("/v1/episodes/summary", headers=api.bob).json()
    assert bob["pattern"]["episodes"] == 1
    assert "ann-remedy" not in str(bob)
    assert [s["site"] for s in bob["pattern"]["sites"]] == ["calf"]
    ann = api.client.get("/v1/episodes/summary", headers=api.ann).json()
    assert ann["pattern"]["episodes"] == 3


def test_bobs_exports_hold_only_his_episodes(two: Two) -> None:
    api = two.api
    text = api.client.get("/v1/episodes/export", params={"format": "csv"}, headers=api.bob).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["notes"] for r in rows] == [BOB_WORDS]
    assert ANN_WORDS not in text and "foot" not in text
    fhir = api.client.get("/v1/episodes/export", params={"format": "fhir"}, headers=api.bob)
    assert len(fhir.json()["entry"]) == 1
    assert ANN_WORDS not in fhir.text and BOB_WORDS in fhir.text
    # Ann's export has hers, and not bob's.
    ann = api.client.get("/v1/episodes/export", params={"format": "csv"}, headers=api.ann).text
    assert ann.count(ANN_WORDS) >= 3 and BOB_WORDS not in ann


def test_bobs_chart_draws_only_his_episodes(two: Two) -> None:
    api = two.api
    bob = api.client.get("/v1/episodes/chart.svg", headers=api.bob)
    ann = api.client.get("/v1/episodes/chart.svg", headers=api.ann)
    assert bob.status_code == ann.status_code == 200
    # The legend is text in the SVG, "SITE EPISODES · pain MEAN": her foot is not in his.
    assert ">foot 3 · pain 8.0<" in ann.text and ">calf" not in ann.text
    assert ">calf 1 · pain 2.0<" in bob.text and ">foot" not in bob.text


def test_a_token_names_one_person(two: Two) -> None:
    """Bob's token with ann's name or bits of ann's token gets him nothing."""
    api = two.api
    for token in (api.ann_token[:-1], api.ann_token.upper(), "ann", api.ann_token * 2):
        if token == api.ann_token:
            continue
        response = api.client.get("/v1/episodes", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
