"""Errors as a browser sees them (an HTML page with a link home) and as an API
client sees them (JSON, as before): chosen by the Accept header, and always JSON
under /v1."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charley.web.app import create_app
from charley.web.handlers import prefers_html
from tests.api.conftest import Api

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER["Accept"], True),
        ("text/html", True),
        ("*/*", False),
        ("", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.4, application/json;q=0.9", False),
        ("application/json;q=0.5, text/html", True),
        ("text/html;q=bad", False),
    ],
)
def test_prefers_html(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html


def assert_error_page(response_text: str, heading: str) -> None:
    assert f"<h1>{heading}</h1>" in response_text
    assert '<a href="/">Back to the start</a>' in response_text
    assert '"error"' not in response_text  # no JSON leaking into the page


def test_a_browser_gets_a_page_for_an_unknown_address(api: Api) -> None:
    r = api.client.get("/no/such/page", headers=BROWSER)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert_error_page(r.text, "Page not found")
    assert "Content-Security-Policy" in r.headers


def test_an_api_client_still_gets_json_for_an_unknown_address(api: Api) -> None:
    r = api.client.get("/no/such/page")
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "detail": "Not Found"}


def test_under_v1_a_browser_gets_json_too(api: Api) -> None:
    r = api.client.get("/v1/no-such-thing", headers=BROWSER)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    r = api.client.get("/v1/episodes/999999", headers=BROWSER | api.ann)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


def test_a_missing_static_file_is_a_page_for_a_browser(api: Api) -> None:
    r = api.client.get("/static/nothing-here.css", headers=BROWSER)
    assert r.status_code == 404
    assert_error_page(r.text, "Page not found")


def test_wrong_method_is_a_page_for_a_browser_and_keeps_allow(api: Api) -> None:
    r = api.client.get("/diary/log", headers=BROWSER)
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"
    assert_error_page(r.text, "This page cannot be used this way")
    api_r = api.client.get("/diary/log")
    assert api_r.status_code == 405
    assert api_r.json()["error"] == "method_not_allowed"
    assert api_r.headers["allow"] == "POST"


def test_a_failure_is_a_page_for_a_browser_and_json_for_a_client(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'd.sqlite3'}")

    async def broken() -> None:
        raise RuntimeError("secret detail that must not be shown")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/broken", headers=BROWSER)
        assert page.status_code == 500
        assert page.headers["content-type"].startswith("text/html")
        assert_error_page(page.text, "Something went wrong")
        assert "secret detail" not in page.text
        assert "Traceback" not in page.text
        plain = client.get("/broken")
        assert plain.status_code == 500
        assert plain.json() == {
            "error": "internal",
            "detail": "charley could not answer this request",
        }


def test_behind_a_prefix_the_error_page_links_home_under_it(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    with TestClient(app, root_path="/charley") as client:
        for address in ("/no/such/page", "/static/nothing-here.css"):
            r = client.get(address, headers=BROWSER)
            assert r.status_code == 404
            assert '<a href="/charley/">Back to the start</a>' in r.text, address
