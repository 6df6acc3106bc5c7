"""HTTP rules a client relies on: diary answers are never stored by caches, numbers and
booleans must be JSON numbers and booleans (not strings, not each other), and a 405
lists every method the address answers to."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, episode


def test_every_diary_answer_says_no_store(api: Api) -> None:
    saved = api.add(api.ann)
    answers = [
        api.client.post("/v1/episodes", json=episode(), headers=api.ann),
        api.client.get("/v1/episodes", headers=api.ann),
        api.client.get(f"/v1/episodes/{saved['id']}", headers=api.ann),
        api.client.put(f"/v1/episodes/{saved['id']}", json=episode(), headers=api.ann),
        api.client.get("/v1/episodes/summary", headers=api.ann),
        api.client.get("/v1/episodes/export", headers=api.ann),
        api.client.get("/v1/episodes/export?format=fhir", headers=api.ann),
        api.client.get("/v1/episodes/chart.svg", headers=api.ann),
        api.client.get("/v1/episodes/999999", headers=api.ann),  # 404
        api.client.get("/v1/episodes"),  # 401
        api.client.post("/v1/episodes", json={"sites": []}, headers=api.ann),  # 422
        api.client.delete(f"/v1/episodes/{saved['id']}", headers=api.ann),  # 204
    ]
    for r in answers:
        assert r.headers.get("cache-control") == "no-store", (r.request.url, r.status_code)


def test_answers_that_hold_what_people_wrote_say_no_store(api: Api) -> None:
    text = {"text": "my calf cramps"}
    for path, body in [
        ("/v1/assess", text),
        ("/v1/parse", text),
        ("/v1/interview", {"text": "my calf cramps", "answers": {}}),
    ]:
        r = api.client.post(path, json=body)
        assert r.status_code == 200
        assert r.headers.get("cache-control") == "no-store", path


@pytest.mark.parametrize(
    "fields",
    [
        {"severity": "7"},
        {"severity": True},
        {"severity": 7.5},
        {"duration_seconds": "60"},
        {"duration_seconds": True},
        {"after_exercise": "yes"},
        {"after_exercise": 1},
        {"woke": "true"},
        {"at_night": 0},
        {"remedies": [{"remedy": "stretching", "relief": "3"}]},
        {"remedies": [{"remedy": "stretching", "relief": False}]},
        {"notes": 12},
    ],
)
def test_numbers_and_flags_must_be_json_numbers_and_booleans(
    api: Api, fields: dict[str, Any]
) -> None:
    r = api.client.post("/v1/episodes", json=episode(**fields), headers=api.ann)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid"
    assert api.count(api.ann) == 0


def test_whole_numbers_are_still_fine_where_a_number_may_have_a_fraction(api: Api) -> None:
    saved = api.add(api.ann, duration_seconds=60, severity=7, after_exercise=True)
    assert (saved["duration_seconds"], saved["severity"]) == (60, 7)


@pytest.mark.parametrize(
    "path,body",
    [
        ("/v1/assess", {"findings": [{"id": "sign.chest_pain", "value": "2"}]}),
        ("/v1/assess", {"findings": [{"id": "sign.chest_pain", "value": True}]}),
        ("/v1/interview", {"text": "my calf cramps", "answers": {"sign.chest_pain": "true"}}),
        ("/v1/interview", {"text": "my calf cramps", "answers": {"sign.chest_pain": 0}}),
    ],
)
def test_assessment_bodies_are_strict_too(api: Api, path: str, body: dict[str, Any]) -> None:
    r = api.client.post(path, json=body)
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(
    "method,path,allowed",
    [
        ("PATCH", "/v1/episodes/1", {"GET", "PUT", "DELETE"}),
        ("POST", "/v1/episodes/1", {"GET", "PUT", "DELETE"}),
        ("DELETE", "/v1/episodes", {"GET", "POST"}),
        ("PUT", "/v1/assess", {"POST"}),
        ("PUT", "/v1/episodes/export", {"GET"}),  # not an episode id: no PUT here
        ("DELETE", "/v1/episodes/summary", {"GET"}),
        ("POST", "/healthz", {"GET"}),
        ("PUT", "/diary", {"GET", "HEAD"}),  # a page: Starlette answers HEAD for its GET
    ],
)
def test_a_405_lists_every_method_of_the_address(
    api: Api, method: str, path: str, allowed: set[str]
) -> None:
    r = api.client.request(method, path, headers=api.ann)
    assert r.status_code == 405
    assert r.json()["error"] == "method_not_allowed"
    assert {m.strip() for m in r.headers["allow"].split(",")} == allowed
