"""The HTTP API end to end: every endpoint's answer, and every error with its status,
its clear message, and nothing changed in the diary after a bad write."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from fastapi.routing import APIRoute
from fhir.resources.R4B.bundle import Bundle

from charley.web import create_app
from charley.web.routes import ask, assess, episodes, health, knowledge
from charley.web.settings import MAX_BODY
from tests.api.conftest import WHEN, Api, episode
from tests.test_assess import CONTRACT_KEYS

LEVELS = ["self_care", "consultation", "consultation_24", "emergency", "emergency_ambulance"]
CONTRACT = CONTRACT_KEYS
RED_FLAG = "my left calf cramped and now I have crushing chest pain"
JSON = {"content-type": "application/json"}

# Every operation of the API, as the brief and PRODUCT.md name them.
OPERATIONS = {
    ("GET", "/healthz"),
    ("POST", "/v1/assess"),
    ("POST", "/v1/parse"),
    ("POST", "/v1/interview"),
    ("POST", "/v1/episodes"),
    ("GET", "/v1/episodes"),
    ("GET", "/v1/episodes/summary"),
    ("GET", "/v1/episodes/export"),
    ("GET", "/v1/episodes/chart.svg"),
    ("GET", "/v1/episodes/{episode_id}"),
    ("PUT", "/v1/episodes/{episode_id}"),
    ("DELETE", "/v1/episodes/{episode_id}"),
    ("GET", "/v1/knowledge"),
    ("GET", "/v1/ask"),
}
DIARY = [
    ("POST", "/v1/episodes"),
    ("GET", "/v1/episodes"),
    ("GET", "/v1/episodes/summary"),
    ("GET", "/v1/episodes/export"),
    ("GET", "/v1/episodes/chart.svg"),
    ("GET", "/v1/episodes/1"),
    ("PUT", "/v1/episodes/1"),
    ("DELETE", "/v1/episodes/1"),
]
POSTS = ["/v1/assess", "/v1/parse", "/v1/interview", "/v1/episodes"]


def error(response: Any, status: int, code: str) -> Any:
    """Assert an error answer: its status, JSON {"error", "detail"}, and return the detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "detail"}, body
    assert body["error"] == code, body
    assert body["detail"], body
    return body["detail"]


def where(detail: Any) -> set[str]:
    """The fields a 422's problems are about."""
    assert isinstance(detail, list), detail
    for problem in detail:
        assert set(problem) == {"where", "problem"} and problem["problem"], problem
    return {p["where"] for p in detail}


def body_for(path: str) -> dict[str, Any]:
    """A valid body for a POST or PUT to `path`."""
    if path.startswith("/v1/episodes"):
        return episode()
    if path == "/v1/interview":
        return {"text": "my calf cramps", "answers": {}}
    return {"text": "my calf cramps"}


@pytest.fixture
def saved(api: Api) -> dict[str, Any]:
    """One of ann's episodes."""
    return api.add(api.ann, text="my left calf seized up for 2 minutes", severity=6)


# -- health, knowledge, OpenAPI, docs -----------------------------------------


def test_healthz(api: Api) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_knowledge_carries_its_citations(api: Api) -> None:
    response = api.client.get("/v1/knowledge")
    assert response.status_code == 200
    knowledge = response.json()
    assert set(knowledge) >= {"profile", "kinds", "levels", "sources"}
    assert list(knowledge["levels"]) == LEVELS[::-1]
    sources = {s["id"] for s in knowledge["sources"]}
    assert len(sources) >= 4
    assert knowledge["kinds"]
    for kind in knowledge["kinds"]:
        assert kind["citations"], kind["id"]
    summary = knowledge["profile"]["summary"]
    assert summary["citations"]
    for citation in summary["citations"] + knowledge["kinds"][0]["citations"]:
        assert citation["source"] and (citation["quote"] or citation.get("summary"))
    cited = {c["source"] for c in summary["citations"]}
    assert cited & sources


def test_openapi_lists_every_route(api: Api) -> None:
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    listed = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert listed == OPERATIONS
    # And nothing the API's routers define is missing from it.
    routes = {
        (method, route.path_format)  # without converters: {episode_id}, not {episode_id:int}
        for module in (ask, assess, episodes, health, knowledge)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    assert routes == listed


def test_openapi_declares_the_errors(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]

    def statuses(method: str, path: str) -> set[str]:
        return set(paths[path][method]["responses"])

    for path in ["/v1/assess", "/v1/parse", "/v1/interview"]:
        assert statuses("post", path) >= {"200", "400", "413", "422"}
    assert statuses("post", "/v1/episodes") >= {"201", "400", "401", "413", "422", "503"}
    for method in ["get", "put", "delete"]:
        assert statuses(method, "/v1/episodes/{episode_id}") >= {"401", "404", "422"}
    error_body = paths["/v1/assess"]["post"]["responses"]["422"]["content"]["application/json"]
    assert error_body["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    export = paths["/v1/episodes/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv", "application/fhir+json"}
    chart = paths["/v1/episodes/chart.svg"]["get"]["responses"]["200"]["content"]
    assert set(chart) == {"image/svg+xml"}


def test_docs_answer(api: Api) -> None:
    response = api.client.get("/docs")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/openapi.json" in response.text


# -- assess and parse -----------------------------------------------------------


def test_assess_words(api: Api) -> None:
    response = api.client.post("/v1/assess", json={"text": "my calf cramped for 2 minutes"})
    assert response.status_code == 200
    result = response.json()
    assert set(result) >= CONTRACT
    assert result["triage"]["level"] == "self_care"
    assert result["triage"]["reasons"]
    assert any(f["id"] == "site.calf" for f in result["findings"])


def test_assess_findings_gives_the_same_level_as_words_for_a_red_flag(api: Api) -> None:
    words = api.client.post("/v1/assess", json={"text": RED_FLAG}).json()
    assert words["triage"]["level"] == "emergency_ambulance"
    parsed = api.client.post("/v1/parse", json={"text": RED_FLAG}).json()["findings"]
    assert any(f["id"] == "sign.chest_pain" for f in parsed)
    response = api.client.post("/v1/assess", json={"findings": parsed})
    assert response.status_code == 200, response.text
    assert response.json()["triage"]["level"] == words["triage"]["level"]
    # And by hand, the red flag alone.
    alone = api.client.post("/v1/assess", json={"findings": [{"id": "sign.chest_pain"}]})
    assert alone.json()["triage"]["level"] == "emergency_ambulance"


def test_parse_reads_words_into_findings(api: Api) -> None:
    response = api.client.post("/v1/parse", json={"text": "left calf cramp, no chest pain"})
    assert response.status_code == 200
    states = {f["id"]: f["state"] for f in response.json()["findings"]}
    assert states["site.calf"] == "present"
    assert states["sign.chest_pain"] == "absent"


# -- interview --------------------------------------------------------------------


def test_interview_asks_the_most_urgent_question_first(api: Api) -> None:
    first = api.client.post("/v1/interview", json={"answers": {}})
    assert first.status_code == 200
    step = first.json()
    assert step["done"] is False and step["assessment"] is None
    assert step["asked"] == 0 and step["remaining"] > 0
    question = step["question"]
    assert question["id"] and question["text"].endswith("?")
    # A yes to it alone reaches the highest level there is, and no later question's does more.
    yes = api.client.post("/v1/interview", json={"answers": {question["id"]: True}}).json()
    assert yes["level"] == LEVELS[-1]


def test_a_yes_to_the_first_question_stops_with_an_emergency(api: Api) -> None:
    text = "my calf keeps cramping"
    first = api.client.post("/v1/interview", json={"text": text, "answers": {}}).json()
    qid = first["question"]["id"]
    response = api.client.post("/v1/interview", json={"text": text, "answers": {qid: True}})
    step = response.json()
    assert step["done"] is True
    assert step["question"] is None and step["remaining"] == 0
    assert step["level"] in ("emergency", "emergency_ambulance")
    assert step["assessment"]["triage"]["level"] == step["level"]
    assert set(step["assessment"]) >= CONTRACT


def test_interview_goes_on_after_a_no_and_ends_with_an_assessment(api: Api) -> None:
    answers: dict[str, bool | None] = {}
    seen: list[str] = []
    for _ in range(200):
        step = api.client.post("/v1/interview", json={"answers": answers}).json()
        assert step["asked"] == len(answers)
        if step["done"]:
            break
        qid = step["question"]["id"]
        assert qid not in seen  # never asked twice
        seen.append(qid)
        answers[qid] = None if len(seen) % 3 == 0 else False
    else:
        pytest.fail("the interview never ended")
    assert step["assessment"] is not None
    assert step["level"] not in ("emergency", "emergency_ambulance")


# -- the diary: success paths -----------------------------------------------------


def test_create_get_update_delete(api: Api) -> None:
    created = api.add(api.ann, text="my left calf seized up", severity=6, duration_seconds=120)
    assert UUID(created["id"]).version == 7
    assert created["sites"] == [{"site": "calf", "side": "left"}]
    assert created["severity"] == 6
    assert created["level"] == created["assessment"]["triage"]["level"]
    assert set(created["assessment"]) >= CONTRACT
    url = f"/v1/episodes/{created['id']}"

    got = api.client.get(url, headers=api.ann)
    assert got.status_code == 200
    assert got.json() == created

    changed = api.client.put(url, json=episode(severity=2, notes="better"), headers=api.ann)
    assert changed.status_code == 200, changed.text
    assert changed.json()["id"] == created["id"]
    assert changed.json()["severity"] == 2 and changed.json()["notes"] == "better"
    assert api.client.get(url, headers=api.ann).json()["severity"] == 2

    gone = api.client.delete(url, headers=api.ann)
    assert gone.status_code == 204 and gone.content == b""
    error(api.client.get(url, headers=api.ann), 404, "not_found")
    assert api.count(api.ann) == 0


def test_changing_the_words_assesses_the_episode_again(api: Api) -> None:
    """New words get a new answer: the stored and returned level, and the doctor's report
    (the same template as `charley report`) show it beside the new words."""
    from charley.diary import Diary
    from charley.diary.database import make_engine
    from charley.diary.people import person_for_token
    from charley.diary.report import render_report

    calm = "my left calf cramped for two minutes and eased when I stretched it"
    worse = "crushing chest pain, I can't breathe"
    created = api.add(api.ann, text=calm)
    assert created["level"] == "self_care"
    url = f"/v1/episodes/{created['id']}"
    changed = api.client.put(url, json=episode(text=worse), headers=api.ann)
    assert changed.status_code == 200, changed.text
    assert changed.json()["level"] in ("emergency", "emergency_ambulance")
    assert changed.json()["assessment"]["triage"]["level"] == changed.json()["level"]
    stored = api.client.get(url, headers=api.ann).json()
    assert stored["text"] == worse and stored["level"] == changed.json()["level"]

    engine = make_engine(api.url)
    try:
        pid = person_for_token(engine, api.ann_token)
        assert pid is not None
        with Diary(engine=engine, person_id=pid) as diary:
            report = render_report(diary)
    finally:
        engine.dispose()
    latest = report[report.index("Latest assessment") :]
    latest = latest[: latest.index("</section>")]
    assert re.search(r"Call \d+ now|Go to A&amp;E now", latest)
    assert "look after this at home" not in latest and "Self-care" not in latest
    assert "crushing chest pain, I can&#39;t breathe" in latest


def test_list_in_order_between_limits(api: Api) -> None:
    days = ["2025-01-03", "2025-01-01", "2025-01-02"]
    for day in days:
        api.add(api.ann, started_at=f"{day}T08:00:00+00:00")
    response = api.client.get("/v1/episodes", headers=api.ann)
    assert response.status_code == 200
    listed = [e["started_at"][:10] for e in response.json()["episodes"]]
    assert listed == sorted(days)
    window = api.client.get(
        "/v1/episodes",
        params={"from": "2025-01-02T00:00:00Z", "to": "2025-01-03T00:00:00Z"},
        headers=api.ann,
    )
    assert [e["started_at"][:10] for e in window.json()["episodes"]] == ["2025-01-02"]
    first = api.client.get("/v1/episodes", params={"limit": 1}, headers=api.ann)
    assert [e["started_at"][:10] for e in first.json()["episodes"]] == ["2025-01-01"]


def test_summary(api: Api) -> None:
    for hour in (1, 2, 3):
        api.add(api.ann, started_at=f"2025-01-0{hour}T23:30:00+00:00", at_night=True)
    response = api.client.get("/v1/episodes/summary", headers=api.ann)
    assert response.status_code == 200
    body = response.json()
    assert body["pattern"]["episodes"] == 3
    assert body["pattern"]["night_share"] == 1.0
    assert isinstance(body["diary_advice"], list)


def test_export_csv(api: Api, saved: dict[str, Any]) -> None:
    api.add(api.ann, started_at="2025-01-11T07:00:00+00:00", sites=[{"site": "foot"}])
    response = api.client.get("/v1/episodes/export", params={"format": "csv"}, headers=api.ann)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2
    assert rows[0]["started_at"] == WHEN
    assert rows[0]["sites"] == "calf:left"
    assert rows[0]["severity"] == "6"
    assert rows[0]["text"] == "my left calf seized up for 2 minutes"
    assert rows[1]["sites"].startswith("foot")
    # CSV is the default format.
    default = api.client.get("/v1/episodes/export", headers=api.ann)
    assert default.text == response.text


def test_export_fhir(api: Api, saved: dict[str, Any]) -> None:
    response = api.client.get("/v1/episodes/export", params={"format": "fhir"}, headers=api.ann)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle"
    assert len(bundle["entry"]) == 1
    assert bundle["entry"][0]["resource"]["resourceType"] == "Observation"
    Bundle.model_validate(bundle)  # valid FHIR R4


def test_export_between_limits(api: Api, saved: dict[str, Any]) -> None:
    response = api.client.get(
        "/v1/episodes/export",
        params={"format": "fhir", "from": "2025-02-01T00:00:00Z"},
        headers=api.ann,
    )
    assert response.status_code == 200
    assert not response.json().get("entry")


def test_chart(api: Api, saved: dict[str, Any]) -> None:
    response = api.client.get("/v1/episodes/chart.svg", headers=api.ann)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in response.content


def test_empty_diary_answers_too(api: Api) -> None:
    for path in ["/v1/episodes", "/v1/episodes/summary", "/v1/episodes/chart.svg"]:
        assert api.client.get(path, headers=api.ann).status_code == 200, path
    csv_text = api.client.get("/v1/episodes/export", headers=api.ann).text
    assert len(csv_text.strip().splitlines()) == 1  # the header only


# -- 400: malformed JSON --------------------------------------------------------------


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("raw", [b'{"text": "calf"', b"{'text': 'calf'}", b"not json", b"{,}"])
def test_malformed_json_is_400(api: Api, path: str, raw: bytes) -> None:
    response = api.client.post(path, content=raw, headers=JSON | api.ann)
    detail = error(response, 400, "malformed_json")
    assert "not valid JSON" in detail
    assert api.count(api.ann) == 0


@pytest.mark.parametrize("path", POSTS)
def test_a_body_that_is_not_utf8_is_400(api: Api, path: str) -> None:
    response = api.client.post(path, content=b'{"text": "\xff\xfe"}', headers=JSON | api.ann)
    assert "not valid JSON" in error(response, 400, "malformed_json")
    assert api.count(api.ann) == 0


def test_malformed_json_on_put_changes_nothing(api: Api, saved: dict[str, Any]) -> None:
    url = f"/v1/episodes/{saved['id']}"
    response = api.client.put(url, content=b'{"severity": ', headers=JSON | api.ann)
    error(response, 400, "malformed_json")
    assert api.client.get(url, headers=api.ann).json() == saved


# -- 422: wrong types, unknown fields, bad values ----------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/assess", {"text": 5}, "body.text"),
        ("/v1/assess", {"findings": "site.calf"}, "body.findings"),
        (
            "/v1/assess",
            {"findings": [{"id": "site.calf", "state": "maybe"}]},
            "body.findings.0.state",
        ),
        (
            "/v1/assess",
            {"findings": [{"id": "site.calf", "value": "high"}]},
            "body.findings.0.value",
        ),
        ("/v1/assess", [1, 2], "body"),
        ("/v1/assess", None, "body"),
        ("/v1/parse", {"text": ["calf"]}, "body.text"),
        ("/v1/parse", {}, "body.text"),
        (
            "/v1/interview",
            {"answers": {"sign.chest_pain": "yes please"}},
            "body.answers.sign.chest_pain",
        ),
        ("/v1/interview", {"answers": ["sign.chest_pain"]}, "body.answers"),
        ("/v1/interview", {"text": {"a": 1}}, "body.text"),
    ],
)
def test_wrong_types_are_422(api: Api, path: str, body: Any, field: str) -> None:
    response = api.client.post(path, content=json.dumps(body), headers=JSON)
    assert field in where(error(response, 422, "invalid"))


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/assess", {"text": "calf cramp", "txet": "x"}, "body.txet"),
        (
            "/v1/assess",
            {"findings": [{"id": "site.calf", "colour": "red"}]},
            "body.findings.0.colour",
        ),
        ("/v1/parse", {"text": "calf cramp", "lang": "en"}, "body.lang"),
        ("/v1/interview", {"answers": {}, "session": 1}, "body.session"),
    ],
)
def test_unknown_fields_are_422(api: Api, path: str, body: Any, field: str) -> None:
    response = api.client.post(path, json=body)
    detail = error(response, 422, "invalid")
    assert field in where(detail)
    assert any("Extra inputs are not permitted" in p["problem"] for p in detail)


@pytest.mark.parametrize("path", ["/v1/assess", "/v1/parse", "/v1/interview"])
def test_text_over_5000_characters_is_422(api: Api, path: str) -> None:
    body: dict[str, Any] = {"text": "calf cramp " * 500}  # 5,500 characters
    assert len(body["text"]) > 5000
    ok = api.client.post(path, json={"text": body["text"][:5000]})
    assert ok.status_code == 200, ok.text
    detail = error(api.client.post(path, json=body), 422, "invalid")
    assert where(detail) == {"body.text"}
    assert "at most 5000 characters" in detail[0]["problem"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/v1/assess", {}, "give either text or findings"),
        ("/v1/assess", {"text": "calf", "findings": []}, "give either text or findings"),
        ("/v1/assess", {"text": ""}, "at least 1 character"),
        (
            "/v1/assess",
            {"findings": [{"id": "no.such.finding"}]},
            "unknown finding id(s): no.such.finding",
        ),
        ("/v1/interview", {"answers": {"no.such.finding": True}}, "unknown finding id(s)"),
        ("/v1/interview", {"answers": {f"a{i}": True for i in range(101)}}, "at most 100"),
    ],
)
def test_bad_values_are_422(api: Api, path: str, body: Any, message: str) -> None:
    detail = error(api.client.post(path, json=body), 422, "invalid")
    assert message in json.dumps(detail)


def test_not_a_number_is_refused_not_echoed(api: Api) -> None:
    """Python's JSON reader takes NaN and Infinity; they must not come back as invalid JSON."""
    for word in ("NaN", "Infinity", "-Infinity"):
        raw = '{"findings": [{"id": "site.calf"}, {"id": "pain.severity", "value": VALUE}]}'
        raw = raw.replace("VALUE", word)
        response = api.client.post("/v1/assess", content=raw, headers=JSON)
        assert "body.findings.1.value" in where(error(response, 422, "invalid"))


def test_a_lone_surrogate_in_a_field_name_is_422_not_500(api: Api) -> None:
    raw = '{"answers": {"\\ud800": true}}'
    response = api.client.post("/v1/interview", content=raw, headers=JSON)
    error(response, 422, "invalid")
    response.content.decode("utf-8")  # the answer itself is valid UTF-8


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"severity": 14}, "body.severity", "less than or equal to 10"),
        ({"severity": "bad"}, "body.severity", "valid integer"),
        ({"started_at": "2999-01-01T00:00:00Z"}, "body.started_at", "is in the future"),
        ({"started_at": "yesterday-ish"}, "body.started_at", "datetime"),
        ({"sites": [{"site": "elbowpit"}]}, "body.sites.0.site", "unknown site"),
        ({"sites": []}, "body.sites", "at least 1 item"),
        ({"sites": [{"site": "calf", "side": "middle"}]}, "body.sites.0.side", "'left'"),
        ({"remedies": [{"remedy": "stretch", "relief": 9}]}, "body.remedies.0.relief", "4"),
        ({"duration_seconds": -1}, "body.duration_seconds", "greater than or equal to 0"),
        ({"notes": "n" * 5001}, "body.notes", "at most 5000 characters"),
        ({"text": "t" * 5001}, "body.text", "at most 5000 characters"),
        ({"mood": "grumpy"}, "body.mood", "Extra inputs are not permitted"),
        ({"woke": "perhaps"}, "body.woke", "valid boolean"),
        # Off the end of the calendar once in UTC: was a 500 (OverflowError).
        ({"started_at": "0001-01-01T00:00:00+14:00"}, "body.started_at", "out of range"),
        ({"started_at": "9999-12-31T23:59:59-23:00"}, "body.started_at", "out of range"),
        # PostgreSQL cannot store NUL: was a 503 there.
        ({"notes": "a\x00b"}, "body.notes", "NUL"),
        ({"remedies": [{"remedy": "a\x00b", "relief": 1}]}, "body.remedies.0.remedy", "NUL"),
    ],
)
def test_a_bad_episode_is_422_and_saves_nothing(
    api: Api, saved: dict[str, Any], fields: dict[str, Any], field: str, problem: str
) -> None:
    before = api.count(api.ann)
    body = episode(**fields)
    detail = error(api.client.post("/v1/episodes", json=body, headers=api.ann), 422, "invalid")
    assert field in where(detail)
    assert problem in json.dumps(detail)
    assert api.count(api.ann) == before
    # The same body in a PUT changes nothing either.
    url = f"/v1/episodes/{saved['id']}"
    error(api.client.put(url, json=body, headers=api.ann), 422, "invalid")
    assert api.client.get(url, headers=api.ann).json() == saved


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"limit": "ten"},
        {"from": "last week"},
        {"to": "2025-13-01"},
        # Off the calendar in UTC: were 500s.
        {"from": "0001-01-01T00:00:00"},
        {"from": "0001-01-01T00:00:00+14:00"},
        {"to": "9999-12-31T23:59:59-23:00"},
        # A bare number is not the date-time the OpenAPI document says (was read as Unix time).
        {"to": "0.5"},
        {"from": "1700000000"},
    ],
)
def test_bad_list_limits_are_422(api: Api, params: dict[str, Any]) -> None:
    detail = error(api.client.get("/v1/episodes", params=params, headers=api.ann), 422, "invalid")
    assert where(detail) == {f"query.{next(iter(params))}"}


@pytest.mark.parametrize(
    "params",
    [{"format": "xml"}, {"from": "0001-01-01T00:00:00+14:00"}, {"to": "tomorrow"}],
)
def test_bad_export_parameters_are_422(api: Api, params: dict[str, Any]) -> None:
    response = api.client.get("/v1/episodes/export", params=params, headers=api.ann)
    assert where(error(response, 422, "invalid")) == {f"query.{next(iter(params))}"}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_id_that_is_not_an_id_is_404_like_an_unknown_one(api: Api, method: str) -> None:
    # Only UUIDs are episode addresses, so that /v1/episodes/export and
    # /v1/episodes/summary are never read as ids (a PUT to them is 405, not 422).
    response = api.client.request(method, "/v1/episodes/one", json=episode(), headers=api.ann)
    error(response, 404, "not_found")


# -- 413: too large -------------------------------------------------------------------------


def big_body(path: str) -> bytes:
    body = body_for(path) | {"text": "calf " * (MAX_BODY // 5)}
    raw = json.dumps(body).encode()
    assert len(raw) > MAX_BODY
    return raw


@pytest.mark.parametrize("path", POSTS)
def test_a_body_over_64kb_is_413(api: Api, path: str) -> None:
    raw = big_body(path)
    response = api.client.post(path, content=raw, headers=JSON | api.ann)
    assert response.request.headers["content-length"] == str(len(raw))
    assert "65536 bytes" in error(response, 413, "too_large")
    assert api.count(api.ann) == 0


@pytest.mark.parametrize("path", POSTS)
def test_a_chunked_body_over_64kb_is_413(api: Api, path: str) -> None:
    raw = big_body(path)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(raw), 4096):
            yield raw[start : start + 4096]

    response = api.client.post(path, content=chunks(), headers=JSON | api.ann)
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert "65536 bytes" in error(response, 413, "too_large")
    assert api.count(api.ann) == 0


def test_a_chunked_body_within_the_limit_is_read_whole(api: Api) -> None:
    raw = json.dumps(episode(notes="n" * 4000)).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(raw), 100):
            yield raw[start : start + 100]

    response = api.client.post("/v1/episodes", content=chunks(), headers=JSON | api.ann)
    assert response.status_code == 201, response.text
    assert response.json()["notes"] == "n" * 4000


def test_a_put_over_64kb_changes_nothing(api: Api, saved: dict[str, Any]) -> None:
    url = f"/v1/episodes/{saved['id']}"
    response = api.client.put(url, content=big_body(url), headers=JSON | api.ann)
    error(response, 413, "too_large")
    assert api.client.get(url, headers=api.ann).json() == saved


def test_body_limit_counts_chunks_at_the_asgi_level(tmp_path: Any) -> None:
    """Many small `http.request` messages, no Content-Length: refused once past 64 KB,
    before the app (or its body parser) reads any of it."""
    app = create_app(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    chunk = b"x" * 1000
    messages = [{"type": "http.request", "body": chunk, "more_body": True}] * 70
    sent: list[dict[str, Any]] = []
    received = 0

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        return messages[received - 1]

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "path": "/v1/assess",
        "raw_path": b"/v1/assess",
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"] == "too_large"
    assert received == 66  # stopped reading at the first chunk past 65,536 bytes


# -- 404: unknown ids ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "episode_id",
    [
        "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",  # well formed, nobody's
        "1",  # what the first episode's id used to be
        "999",
        "0",
        "-1",
        "2147483648",
        "9223372036854775808",
        "1" * 40,
        "not-an-id",
        "0190a1b2c3d47e5f8a6b7c8d9e0f1a2b",
    ],
)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_unknown_and_malformed_ids_are_404(
    api: Api, saved: dict[str, Any], method: str, episode_id: str
) -> None:
    kwargs: dict[str, Any] = {"json": episode(severity=1)} if method == "PUT" else {}
    response = api.client.request(method, f"/v1/episodes/{episode_id}", headers=api.ann, **kwargs)
    detail = error(response, 404, "not_found")
    assert detail == f"no episode {episode_id} in this diary"
    assert api.client.get(f"/v1/episodes/{saved['id']}", headers=api.ann).json() == saved


def test_unknown_paths_and_methods(api: Api) -> None:
    error(api.client.get("/v1/nothing-here"), 404, "not_found")
    response = api.client.patch("/v1/assess", json={"text": "calf"})
    error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


# -- 401: no or bad token -------------------------------------------------------------------


BAD_AUTH = [
    {},
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic YW5uOmFubg=="},
    {"Authorization": "Bearer " + "x" * 300},
]


@pytest.mark.parametrize("auth", BAD_AUTH, ids=["none", "wrong", "empty", "basic", "long"])
@pytest.mark.parametrize(("method", "path"), DIARY, ids=[f"{m} {p}" for m, p in DIARY])
def test_no_or_bad_token_is_401(
    api: Api, saved: dict[str, Any], method: str, path: str, auth: dict[str, str]
) -> None:
    kwargs: dict[str, Any] = {"json": episode(severity=0)} if method in ("POST", "PUT") else {}
    response = api.client.request(method, path, headers=auth, **kwargs)
    assert "bearer token" in error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert api.client.get(f"/v1/episodes/{saved['id']}", headers=api.ann).json() == saved
    assert api.count(api.ann) == 1


def test_assess_needs_no_token(api: Api) -> None:
    response = api.client.post(
        "/v1/assess", json={"text": "calf cramp"}, headers={"Authorization": "Bearer junk"}
    )
    assert response.status_code == 200


# -- the words fill what the body leaves out --------------------------------------------


def test_fields_the_body_leaves_out_are_read_from_its_words(api: Api) -> None:
    said = "3 minutes, woke me up, pain 7/10, stretching helped a lot"
    created = api.add(api.ann, text=said)
    assert created["duration_seconds"] == 180
    assert created["woke"] is True
    assert created["severity"] == 7
    assert created["remedies"] == [{"remedy": "stretching", "relief": 3}]
    assert api.client.get(f"/v1/episodes/{created['id']}", headers=api.ann).json() == created
    # What the body gives wins over the words.
    given = api.add(api.ann, text=said, woke=False, duration_seconds=60, remedies=[])
    assert (given["woke"], given["duration_seconds"], given["remedies"]) == (False, 60, [])
    assert given["severity"] == 7
    # A change is read the same way.
    url = f"/v1/episodes/{given['id']}"
    changed = api.client.put(url, json=episode(text="it lasted 10 minutes"), headers=api.ann)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["duration_seconds"], changed.json()["woke"]) == (600, False)


def test_a_figure_the_diary_cannot_take_is_left_in_the_words(api: Api) -> None:
    created = api.add(api.ann, text="a calf cramp that has lasted 40 days")
    assert created["duration_seconds"] is None  # more than 30 days: not a duration charley keeps
    assert created["text"] == "a calf cramp that has lasted 40 days"
