"""The page's sessions, server side: what the browser keeps (a random session id, never
the token), logging out for good, expiry by an injected clock, the cookie's attributes
over http, https and behind a TLS proxy, forms that do not say where they come from,
and slowing down guesses of a token."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from charley.diary.database import make_engine, migrate
from charley.diary.models import PageSession
from charley.diary.people import add_person
from charley.web.app import create_app
from charley.web.throttle import LoginThrottle

LOGIN_HELP = "charley users add NAME"
PLAIN = "charley_session"
SECURE = "__Host-charley_session"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """The server's clock in these tests: it moves only when told."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **step: float) -> None:
        self.now += timedelta(**step)


@dataclass
class Site:
    url: str
    token: str
    other_token: str
    clock: Clock
    folder: Path

    def client(self, base_url: str = "http://testserver", **options: object) -> TestClient:
        """A client of a new app over this diary. Like a browser, it says which page a
        form comes from (Origin), unless the test takes that header away."""
        app = create_app(self.url)
        app.state.clock = self.clock
        headers = {"Origin": base_url}
        return TestClient(app, base_url=base_url, headers=headers, **options)  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    url = f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    token, other = add_person(engine, "ann"), add_person(engine, "bob")
    engine.dispose()
    return Site(url, token, other, Clock(), tmp_path)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with site.client() as c:
        yield c


def cookies_set(response: object) -> list[str]:
    return list(response.headers.get_list("set-cookie"))  # type: ignore[attr-defined]


def session_cookie(response: object, name: str = PLAIN) -> str:
    """The Set-Cookie header that gives the session."""
    (found,) = [c for c in cookies_set(response) if c.startswith(f"{name}=")]
    return found


def log_in(client: TestClient, token: str, **headers: str) -> object:
    r = client.post("/diary/login", data={"token": token}, headers=headers, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def is_open(client: TestClient) -> bool:
    """Whether the diary opens for this client's cookies (else the login form is shown)."""
    page = client.get("/diary").text
    assert ("Log an episode" in page) != (LOGIN_HELP in page)
    return "Log an episode" in page


def session_rows(site: Site) -> list[Any]:
    """The sessions table's rows, every column."""
    engine = make_engine(site.url)
    try:
        with engine.connect() as c:
            return list(c.execute(select(PageSession)).all())
    finally:
        engine.dispose()


# -- what the browser keeps -----------------------------------------------------


def test_the_cookie_holds_a_session_id_never_the_token(site: Site, client: TestClient) -> None:
    r = log_in(client, site.token)
    cookie = session_cookie(r)
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(value) >= 43 and value != site.token
    assert is_open(client)
    pages = [r, client.get("/diary"), client.get("/diary/report")]
    saved = client.post("/diary/log", data={"site": "calf"}, follow_redirects=False)
    pages += [saved, client.get(saved.headers["location"])]
    pages.append(client.post("/diary/logout", follow_redirects=False))
    for response in pages:
        assert site.token not in response.text
        assert all(site.token not in c for c in cookies_set(response))
    assert all(site.token not in (v or "") for v in client.cookies.values())


def test_the_login_page_says_how_long_a_session_lasts(client: TestClient) -> None:
    page = client.get("/diary").text
    assert "stays logged in until you log out, or for at most 7 days (12 hours if unused)" in (
        " ".join(page.split())
    )
    assert "keeps it in this browser" not in page


def test_the_session_is_stored_only_as_a_hash(site: Site, client: TestClient) -> None:
    value = session_cookie(log_in(client, site.token)).split(";")[0].split("=", 1)[1]
    (row,) = session_rows(site)
    assert row.id_hash == hashlib.sha256(value.encode()).hexdigest()
    assert value not in repr(tuple(row)) and site.token not in repr(tuple(row))
    assert row.created_at.replace(tzinfo=UTC) == START
    assert row.last_seen_at.replace(tzinfo=UTC) == START


def test_each_login_is_a_new_session_and_the_old_one_ends(site: Site, client: TestClient) -> None:
    first = session_cookie(log_in(client, site.token))
    second = session_cookie(log_in(client, site.token))
    assert first.split(";")[0] != second.split(";")[0]
    assert len(session_rows(site)) == 1


def test_logging_out_ends_the_session_even_if_the_cookie_is_replayed(
    site: Site, client: TestClient
) -> None:
    log_in(client, site.token)
    kept = client.cookies.get(PLAIN)
    assert kept and is_open(client)
    r = client.post("/diary/logout", follow_redirects=False)
    assert r.status_code == 303
    assert "Max-Age=0" in session_cookie(r)
    assert session_rows(site) == []
    # An attacker who copied the cookie before the logout sends it again.
    with site.client(cookies={PLAIN: kept}) as replay:
        page = replay.get("/diary")
        assert LOGIN_HELP in page.text and "Log an episode" not in page.text
        assert replay.get("/diary/report").status_code == 401
        assert replay.get("/diary/chart.svg").status_code == 401
        assert replay.get("/v1/episodes/export?format=csv").status_code == 401
        r = replay.post("/diary/log", data={"site": "calf"})
        assert r.status_code == 401
    bearer = {"Authorization": f"Bearer {site.token}"}
    with site.client() as api:
        assert api.get("/v1/episodes", headers=bearer).json()["episodes"] == []
        # The API's token still works: logging out of the page does not revoke it.
        assert api.get("/v1/episodes", headers=bearer).status_code == 200


def test_an_old_cookie_holding_the_token_opens_nothing_and_is_removed(site: Site) -> None:
    with site.client(cookies={"charley_token": site.token}) as client:
        r = client.get("/diary")
        assert LOGIN_HELP in r.text and "Log an episode" not in r.text
        assert any(c.startswith("charley_token=") and "Max-Age=0" in c for c in cookies_set(r))
        assert client.get("/v1/episodes/export?format=csv").status_code == 401


def test_an_unknown_session_shows_the_login_form_and_is_cleared(site: Site) -> None:
    with site.client(cookies={PLAIN: "no-longer-valid"}) as client:
        r = client.get("/diary")
        assert r.status_code == 200 and LOGIN_HELP in r.text
        assert "Give your token again" in r.text
        assert "Max-Age=0" in session_cookie(r)
        assert "no-longer-valid" not in r.text


# -- expiry ------------------------------------------------------------------------


def test_a_session_unused_for_12_hours_ends(site: Site, client: TestClient) -> None:
    log_in(client, site.token)
    site.clock.advance(hours=11, minutes=59)
    assert is_open(client)  # used: the 12 hours start again
    site.clock.advance(hours=11, minutes=59)
    assert is_open(client)
    site.clock.advance(hours=12, seconds=1)
    assert not is_open(client)
    assert session_rows(site) == []


def test_a_session_ends_after_7_days_however_much_it_is_used(
    site: Site, client: TestClient
) -> None:
    log_in(client, site.token)
    for _ in range(15):  # 15 x 11 h = 6 days 21 h
        site.clock.advance(hours=11)
        assert is_open(client)
    site.clock.advance(hours=3)  # exactly 7 days
    assert not is_open(client)


def test_the_lengths_are_settings(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARLEY_SESSION_IDLE_HOURS", "1")
    monkeypatch.setenv("CHARLEY_SESSION_DAYS", "0.5")
    with site.client() as client:
        assert "for at most 12 hours (1 hour if unused)" in client.get("/diary").text
        r = log_in(client, site.token)
        assert "Max-Age=43200" in session_cookie(r)
        site.clock.advance(minutes=61)
        assert not is_open(client)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHARLEY_SESSION_IDLE_HOURS", "0"),
        ("CHARLEY_SESSION_IDLE_HOURS", "soon"),
        ("CHARLEY_SESSION_DAYS", "-1"),
        ("CHARLEY_BEHIND_TLS_PROXY", "perhaps"),
    ],
)
def test_a_bad_setting_is_refused_by_name(
    site: Site, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    from charley.errors import InputError

    monkeypatch.setenv(name, value)
    with pytest.raises(InputError, match=name):
        create_app(site.url)


# -- the cookie's attributes ------------------------------------------------------------


def attributes(cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}


def test_over_http_the_cookie_is_plain_httponly_and_strict(site: Site, client: TestClient) -> None:
    cookie = session_cookie(log_in(client, site.token))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "secure" not in attributes(cookie) and "domain" not in attributes(cookie)
    assert f"Max-Age={7 * 24 * 3600}" in cookie


def test_over_https_the_cookie_is_host_only_and_secure(site: Site) -> None:
    with site.client("https://testserver") as client:
        cookie = session_cookie(log_in(client, site.token), SECURE)
        assert {"secure", "httponly", "samesite", "path"} <= attributes(cookie)
        assert "Path=/;" in cookie + ";" and "domain" not in attributes(cookie)
        assert is_open(client)
        r = client.post("/diary/logout", follow_redirects=False)
        assert "Max-Age=0" in session_cookie(r, SECURE) and "Secure" in session_cookie(r, SECURE)


def test_over_https_a_plain_named_cookie_is_not_used(site: Site) -> None:
    """A plain-named cookie can be set by a neighbouring site or over http; on https only
    the __Host- cookie, which only this host over https can set, is read."""
    with site.client() as plain:
        log_in(plain, site.token)
        value = plain.cookies.get(PLAIN)
    with site.client("https://testserver", cookies={PLAIN: value}) as client:
        assert not is_open(client)


def test_behind_a_tls_proxy_the_cookie_is_secure(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The proxy speaks plain http to charley; the browser speaks https to the proxy.
    monkeypatch.setenv("CHARLEY_BEHIND_TLS_PROXY", "1")
    with site.client() as client:
        cookie = session_cookie(log_in(client, site.token), SECURE)
        assert "secure" in attributes(cookie) and "HttpOnly" in cookie
        assert "charley_tz" not in cookie


def test_without_the_proxy_setting_x_forwarded_proto_is_not_trusted(
    site: Site, client: TestClient
) -> None:
    r = log_in(client, site.token, **{"X-Forwarded-Proto": "https"})
    cookie = session_cookie(r)
    assert "secure" not in attributes(cookie)


# -- forms that do not say where they come from -----------------------------------------

PAGE_POSTS = [
    ("/", {"text": "my calf cramped"}),
    ("/interview", {"text": "my calf cramped"}),
    ("/interview/question", {"text": "calf", "question": "sign.chest_pain", "reply": "no"}),
    ("/diary/login", {"token": "x"}),
    ("/diary/logout", {}),
    ("/diary/log", {"site": "calf"}),
    ("/diary/episodes/1/edit", {"site": "calf"}),
    ("/diary/episodes/1/delete", {}),
]


@pytest.mark.parametrize(("path", "data"), PAGE_POSTS)
def test_a_form_with_neither_origin_nor_referer_is_refused(
    site: Site, client: TestClient, path: str, data: dict[str, str]
) -> None:
    log_in(client, site.token)
    client.post("/diary/log", data={"site": "calf"})
    del client.headers["Origin"]
    r = client.post(path, data=data, follow_redirects=False)
    assert r.status_code == 403 and "Form refused" in r.text
    assert is_open(client)  # neither logged out nor in
    bearer = {"Authorization": f"Bearer {site.token}"}
    assert len(client.get("/v1/episodes", headers=bearer).json()["episodes"]) == 1


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Referer": "http://testserver/diary"}, 303),
        ({"Referer": "https://evil.example/diary"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "https://evil.example", "Referer": "http://testserver/diary"}, 403),
    ],
)
def test_the_origin_or_else_the_referer_must_be_this_site(
    site: Site, client: TestClient, headers: dict[str, str], status: int
) -> None:
    del client.headers["Origin"]
    r = client.post(
        "/diary/login", data={"token": site.token}, headers=headers, follow_redirects=False
    )
    assert r.status_code == status
    if status == 403:
        assert "Form refused" in r.text and not cookies_set(r)


def test_the_api_takes_the_page_cookie_only_to_read(site: Site, client: TestClient) -> None:
    """The page's export links use the session; a change through the API needs the token,
    so no other site's script or form can make one with the browser's cookie."""
    log_in(client, site.token)
    assert client.get("/v1/episodes/export?format=csv").status_code == 200
    body = {"started_at": "2026-03-01T08:00:00+00:00", "sites": [{"site": "calf"}]}
    assert client.post("/v1/episodes", json=body).status_code == 401
    saved = client.post("/diary/log", data={"site": "calf"}, follow_redirects=False)
    episode = saved.headers["location"].split("/")[-1].split("?")[0]
    assert client.delete(f"/v1/episodes/{episode}").status_code == 401
    assert client.put(f"/v1/episodes/{episode}", json=body).status_code == 401


# -- guessing tokens ----------------------------------------------------------------------


def wrong(client: TestClient, n: int) -> None:
    for i in range(n):
        r = client.post("/diary/login", data={"token": f"guess-{i}"})
        assert r.status_code == 401, (i, r.status_code)


def test_after_5_wrong_tokens_logins_from_that_address_wait(site: Site, client: TestClient) -> None:
    wrong(client, 5)
    r = client.post("/diary/login", data={"token": site.token}, follow_redirects=False)
    assert r.status_code == 429
    wait = int(r.headers["retry-after"])
    assert wait > 0
    assert "Too many wrong tokens" in r.text and not cookies_set(r)
    # Another address is not held up.
    with site.client(client=("192.0.2.7", 4000)) as other:
        log_in(other, site.token)
    site.clock.advance(seconds=wait - 1)
    assert client.post("/diary/login", data={"token": site.token}).status_code == 429
    site.clock.advance(seconds=1)
    log_in(client, site.token)
    assert is_open(client)


def test_the_wait_grows_with_each_wrong_token(site: Site, client: TestClient) -> None:
    waits = []
    wrong(client, 4)
    for _ in range(4):
        r = client.post("/diary/login", data={"token": "guess"})
        assert r.status_code == 401
        r = client.post("/diary/login", data={"token": "guess"})
        assert r.status_code == 429
        waits.append(int(r.headers["retry-after"]))
        site.clock.advance(seconds=waits[-1])
    assert waits == sorted(waits) and len(set(waits)) == len(waits)
    # A quarter of an hour without a wrong token, and the count starts again.
    site.clock.advance(minutes=15)
    wrong(client, 5)


def test_the_count_starts_again_after_a_right_token(site: Site, client: TestClient) -> None:
    wrong(client, 4)
    log_in(client, site.token)
    wrong(client, 4)
    log_in(client, site.token)


def test_no_token_is_logged_even_by_a_guesser(
    site: Site, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for token in ("guess-one", "guess-two", site.token):
        client.post("/diary/login", data={"token": token})
    assert not re.search("guess-|" + re.escape(site.token), caplog.text)


def test_the_throttle_remembers_a_bounded_number_of_addresses() -> None:
    throttle = LoginThrottle(size=100)
    for i in range(10_000):
        throttle.failed(f"10.0.{i // 256}.{i % 256}", START)
        assert len(throttle) <= 100
    # The newest are kept, the oldest forgotten.
    assert "10.0.39.15" in throttle and "10.0.0.0" not in throttle
    for _ in range(5):
        throttle.failed("10.0.39.15", START)
    assert throttle.wait("10.0.39.15", START) > 0
    assert throttle.wait("10.0.0.0", START) == 0
