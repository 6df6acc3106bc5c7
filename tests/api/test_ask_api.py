"""GET /v1/ask: a question answered from charley's sources over HTTP."""

from __future__ import annotations

import pytest

from charley.web.answers import AnswerOut
from tests.api.conftest import Api


def test_ask_answers_with_cited_statements(api: Api) -> None:
    response = api.client.get("/v1/ask", params={"q": "can statins cause cramps?"})
    assert response.status_code == 200
    body = response.json()
    AnswerOut.model_validate(body)
    assert body["statements"][0]["id"] == "medicines.statins"
    assert body["statements"][0]["citations"][0]["quote"]
    assert body["triage"] is None


def test_an_emergency_gets_the_triage_and_no_statements(api: Api) -> None:
    body = api.client.get("/v1/ask", params={"q": "I have crushing chest pain"}).json()
    AnswerOut.model_validate(body)
    assert body["statements"] == []
    assert body["triage"]["triage"]["level"] == "emergency_ambulance"


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 1001}])
def test_a_missing_empty_or_too_long_question_is_422(api: Api, params: dict[str, str]) -> None:
    response = api.client.get("/v1/ask", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")


def test_ask_is_in_the_openapi_document(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    assert "/v1/ask" in doc["paths"]
    assert "AnswerOut" in doc["components"]["schemas"]
