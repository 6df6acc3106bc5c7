"""`Idempotency-Key` on `POST /v1/episodes`: a client that retries after losing the
answer gets the first answer again (201, the same episode), not a second episode.
The keys are kept in the database, so they hold across workers; on SQLite and on
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from charley.diary.database import make_engine
from tests.api.conftest import Api, episode


def post(api: Api, who: dict[str, str], key: str | None, **fields: Any) -> Any:
    headers = who | ({"Idempotency-Key": key} if key is not None else {})
    return api.client.post("/v1/episodes", json=episode(**fields), headers=headers)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_no_second_episode(
    diary_api: Api,
) -> None:
    first = post(diary_api, diary_api.ann, "retry-1", severity=4)
    again = post(diary_api, diary_api.ann, "retry-1", severity=4)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert diary_api.count(diary_api.ann) == 1


def test_the_same_key_with_another_episode_is_refused(diary_api: Api) -> None:
    assert post(diary_api, diary_api.ann, "k", severity=4).status_code == 201
    other = post(diary_api, diary_api.ann, "k", severity=9)
    assert other.status_code == 422
    assert other.json()["error"] == "invalid"
    assert "Idempotency-Key" in other.json()["detail"]
    assert diary_api.count(diary_api.ann) == 1


def test_keys_are_each_persons_own(diary_api: Api) -> None:
    ann = post(diary_api, diary_api.ann, "same", severity=4)
    bob = post(diary_api, diary_api.bob, "same", severity=4)
    assert (ann.status_code, bob.status_code) == (201, 201)
    assert ann.json()["id"] != bob.json()["id"]
    assert diary_api.count(diary_api.ann) == diary_api.count(diary_api.bob) == 1


def test_without_a_key_each_post_is_a_new_episode(diary_api: Api) -> None:
    post(diary_api, diary_api.ann, None)
    post(diary_api, diary_api.ann, None)
    assert diary_api.count(diary_api.ann) == 2


def test_a_key_is_kept_for_24_hours(diary_api: Api) -> None:
    assert post(diary_api, diary_api.ann, "old").status_code == 201
    engine = make_engine(diary_api.url)
    try:
        with engine.begin() as c:  # as if the first request were 25 hours old
            c.execute(
                text("UPDATE idempotency_keys SET created_at = :at"),
                {"at": datetime.now(UTC) - timedelta(hours=25)},
            )
    finally:
        engine.dispose()
    assert post(diary_api, diary_api.ann, "old").status_code == 201
    assert diary_api.count(diary_api.ann) == 2


def test_a_retry_racing_the_first_request_still_saves_one_episode(
    diary_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retry looks for the key before the first request has saved it, and finds
    nothing; when it comes to save, the key is taken: it answers with the first's."""
    from charley.diary.store import Diary

    first = post(diary_api, diary_api.ann, "race", severity=4)
    real = Diary.replay
    calls = []

    def not_yet_the_first_time(self: Diary, key: str, fingerprint: str) -> Any:
        calls.append(key)
        return None if len(calls) == 1 else real(self, key, fingerprint)

    monkeypatch.setattr(Diary, "replay", not_yet_the_first_time)
    again = post(diary_api, diary_api.ann, "race", severity=4)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert diary_api.count(diary_api.ann) == 1


@pytest.mark.parametrize("key", ["", "a" * 256, "has space", "tab\tinside"])
def test_a_malformed_key_is_refused(api: Api, key: str) -> None:
    r = post(api, api.ann, key)
    assert r.status_code == 422
    assert api.count(api.ann) == 0
