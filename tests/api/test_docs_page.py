"""/docs is charley's own page, made from the OpenAPI document: every endpoint
with its bodies and status codes, and nothing loaded from another host."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from charley.web.routes.docs import Shape, endpoints, shape
from tests.api.conftest import Api

REF = "#/components/schemas/"


@pytest.fixture
def openapi(api: Api) -> dict[str, Any]:
    r = api.client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


@pytest.fixture
def docs(api: Api) -> str:
    r = api.client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    return unescape(r.text)


def test_docs_lists_every_operation_with_its_summary(openapi: dict[str, Any], docs: str) -> None:
    count = 0
    for path, item in openapi["paths"].items():
        for method, op in item.items():
            assert f"<code>{method.upper()} {path}</code>" in docs, (method, path)
            assert op["summary"] in docs
            count += 1
    assert count >= 10


def test_docs_names_bodies_statuses_and_parameters(docs: str) -> None:
    assert re.search(r'<section aria-labelledby="op-POST--v1-assess">.*?</section>', docs, re.S)
    assess = re.search(r'aria-labelledby="op-POST--v1-assess">(.*?)</section>', docs, re.S)
    assert assess is not None
    part = assess.group(1)
    assert 'Request body: <a href="#schema-AssessRequest"><code>AssessRequest</code></a>' in part
    assert '<a href="#schema-AssessmentOut">' in part
    for status in ("200", "400", "413", "422"):
        assert f'<th scope="row">{status}</th>' in part
    assert "No token needed." in part
    episodes = re.search(r'aria-labelledby="op-GET--v1-episodes">(.*?)</section>', docs, re.S)
    assert episodes is not None
    assert "Needs a token." in episodes.group(1)
    assert "<code>limit</code>" in episodes.group(1)
    assert "<code>integer</code>" in episodes.group(1)


def test_every_schema_linked_to_is_on_the_page(openapi: dict[str, Any], docs: str) -> None:
    targets = set(re.findall(r'href="#schema-([A-Za-z0-9_]+)"', docs))
    assert targets
    for name in targets:
        assert f'id="schema-{name}"' in docs
    for name in openapi["components"]["schemas"]:
        assert f'id="schema-{name}"' in docs


def test_docs_loads_nothing_from_another_host_and_runs_no_script(api: Api, docs: str) -> None:
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', docs)
    assert addresses
    assert all(a.startswith(("/", "#")) for a in addresses), addresses
    assert re.findall(r"<script[^>]*>", docs) == ['<script src="/static/charley.js" defer>']
    assert "cdn" not in docs.lower()
    r = api.client.get("/docs")
    assert "default-src 'none'" in r.headers["content-security-policy"]


def test_redoc_leads_to_docs_and_openapi_stays(api: Api) -> None:
    r = api.client.get("/redoc", follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"] == "/docs"
    assert "/docs" not in api.client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"$ref": REF + "EpisodeOut"}, Shape("EpisodeOut", "EpisodeOut")),
        ({"type": "array", "items": {"$ref": REF + "SiteIn"}}, Shape("list of SiteIn", "SiteIn")),
        (
            {"anyOf": [{"$ref": REF + "X"}, {"type": "null"}]},
            Shape("X or null", "X"),
        ),
        ({"type": "string", "format": "date-time"}, Shape("string (date-time)")),
        ({"enum": ["csv", "fhir"], "type": "string"}, Shape("one of csv, fhir")),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, Shape("map of integer")),
        ({}, Shape("any")),
    ],
)
def test_shape_says_a_schema_in_words(schema: dict[str, Any], expected: Shape) -> None:
    assert shape(schema) == expected


def test_endpoints_reads_a_small_document() -> None:
    doc = {
        "paths": {
            "/x/{id}": {
                "get": {
                    "summary": "One x",
                    "security": [{"HTTPBearer": []}],
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "404": {"description": "No such x."},
                        "200": {
                            "description": "The x.",
                            "content": {"application/json": {"schema": {"$ref": REF + "X"}}},
                        },
                    },
                }
            }
        }
    }
    (only,) = endpoints(doc)
    assert (only.method, only.path, only.summary, only.token) == ("GET", "/x/{id}", "One x", True)
    assert [(p.name, p.where, p.required) for p in only.parameters] == [("id", "path", True)]
    assert [r.status for r in only.replies] == ["200", "404"]
    assert only.replies[0].bodies[0].shape == Shape("X", "X")
    assert only.replies[1].bodies == ()
