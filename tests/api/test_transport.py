"""What travels: text answers gzip-compressed for clients that ask, and a favicon
that is charley's own (so /favicon.ico is not a 404)."""

from __future__ import annotations

import gzip

from tests.api.conftest import Api


def test_a_page_asked_for_with_gzip_comes_back_compressed(api: Api) -> None:
    r = api.client.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert "vary" in r.headers and "accept-encoding" in r.headers["vary"].lower()
    assert "<h1" in r.text  # decompressed, it is the page
    assert r.num_bytes_downloaded < len(r.content) / 2


def test_a_page_asked_for_without_gzip_is_not_compressed(api: Api) -> None:
    r = api.client.get("/", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200
    assert "content-encoding" not in r.headers
    assert r.num_bytes_downloaded == len(r.content)
    assert "<h1" in r.text


def test_json_answers_are_compressed_too_and_still_parse(api: Api) -> None:
    body = {"text": "my left calf cramped for 2 minutes last night"}
    r = api.client.post("/v1/assess", json=body, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.json()["triage"]["level"] == "self_care"


def test_a_tiny_answer_is_sent_as_it_is(api: Api) -> None:
    r = api.client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert "content-encoding" not in r.headers
    assert r.json() == {"status": "ok", "database": "up"}


def test_the_raw_bytes_are_real_gzip(api: Api) -> None:
    with api.client.stream("GET", "/docs", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    page = gzip.decompress(raw).decode()
    assert len(raw) < len(page.encode()) / 2
    assert "<h1>charley's API</h1>" in page


def test_favicon_is_charleys_svg(api: Api) -> None:
    icon = api.client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.lstrip().startswith("<svg")
    assert "http://www.w3.org/2000/svg" in icon.text  # its namespace, not a fetch
    linked = api.client.get("/static/favicon.svg")
    assert linked.status_code == 200
    assert linked.content == icon.content
    page = api.client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
