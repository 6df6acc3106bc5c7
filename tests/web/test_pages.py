"""The web page's routes, server side (FastAPI's TestClient): status codes,
escaping, bad forms, the token cookie, and that nothing private is logged."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charley.diary.database import make_engine, migrate
from charley.diary.people import add_person
from charley.web.app import create_app

CRAMP = "My left calf cramped at 3am for two minutes and eased when I stretched it."
LOGIN_HELP = "charley users add NAME"


@dataclass
class Site:
    client: TestClient
    token: str
    other_token: str


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    token = add_person(engine, "ann")
    other = add_person(engine, "bob")
    engine.dispose()
    with TestClient(create_app(url)) as client:
        yield Site(client, token, other)


def login(site: Site, token: str | None = None) -> None:
    r = site.client.post(
        "/diary/login", data={"token": token or site.token}, follow_redirects=False
    )
    assert r.status_code == 303


def episode_count(site: Site) -> int:
    r = site.client.get("/v1/episodes", headers={"Authorization": f"Bearer {site.token}"})
    assert r.status_code == 200
    return len(r.json()["episodes"])


# -- describe ------------------------------------------------------------------


def test_the_start_page_is_an_accessible_form(site: Site) -> None:
    r = site.client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert '<html lang="en">' in page
    assert 'href="#main"' in page and 'id="main"' in page
    assert '<label for="text">' in page and 'id="text" name="text"' in page
    assert 'maxlength="5000"' in page
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_description_gets_its_answer_on_the_same_page(site: Site) -> None:
    r = site.client.post("/", data={"text": CRAMP})
    assert r.status_code == 200
    page = r.text
    assert 'role="status"' in page and "You can look after this at home" in page
    assert "Ordinary muscle cramp" in page and "R25.2" in page
    assert "<blockquote>" in page and "000_410a16a8c47bb9f5.txt" in page
    for heading in (
        "Why",
        "What it most likely is",
        "What to do now",
        "How to prevent it",
        "Whom to see",
        "What charley understood",
    ):
        assert f">{heading}</h2>" in page
    assert "not a diagnosis" in page.lower()
    assert r.headers["cache-control"] == "no-store"


def test_an_emergency_is_an_alert_in_words_not_only_colour(site: Site) -> None:
    r = site.client.post("/", data={"text": "my calf cramps and I have chest pain"})
    assert r.status_code == 200
    banner = re.search(r'<div class="banner level-(\w+)" role="(\w+)"', r.text)
    assert banner is not None
    assert banner.groups() == ("emergency_ambulance", "alert")
    assert "Call emergency services now" in r.text
    assert "Urgency 5 of 5" in r.text


def test_user_text_is_escaped(site: Site) -> None:
    evil = '<script>alert("x")</script> "><img src=x onerror=alert(1)> my calf cramps'
    r = site.client.post("/", data={"text": evil})
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "<img src=x" not in r.text
    assert "&lt;script&gt;" in r.text


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   \n ", "empty"), ("a" * 5001, "5000")],
)
def test_a_bad_description_is_a_clear_422(site: Site, text: str, message: str) -> None:
    r = site.client.post("/", data={"text": text})
    assert r.status_code == 422
    assert 'class="error" role="alert"' in r.text
    assert message in r.text
    assert 'aria-invalid="true"' in r.text
    assert "banner" not in r.text


def test_the_longest_description_is_accepted(site: Site) -> None:
    text = (CRAMP + " ") * (5000 // (len(CRAMP) + 1))
    assert len(text.strip()) <= 5000
    assert site.client.post("/", data={"text": text}).status_code == 200


def test_a_form_from_another_site_is_refused(site: Site) -> None:
    r = site.client.post("/", data={"text": CRAMP}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = site.client.post("/", data={"text": CRAMP}, headers={"Origin": "http://testserver"})
    assert r.status_code == 200


def test_no_symptom_or_token_is_logged(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    secret_words = "my zygomatic twitch at 3am"
    with caplog.at_level(logging.DEBUG):
        site.client.post("/", data={"text": secret_words})
        site.client.post("/", data={"text": ""})
        login(site)
        site.client.post("/diary/log", data={"text": "calf cramp " + secret_words})
        site.client.post("/diary/log", data={"text": secret_words, "severity": "14"})
    assert "zygomatic" not in caplog.text
    assert site.token not in caplog.text


# -- interview -----------------------------------------------------------------


def test_the_interview_asks_the_most_urgent_question_first(site: Site) -> None:
    assert site.client.get("/interview").status_code == 200
    r = site.client.post("/interview", data={"text": "my calf keeps cramping"})
    assert r.status_code == 200
    assert "Question 1" in r.text
    assert '<input type="hidden" name="question" value="sign.chest_pain">' in r.text
    assert 'name="reply" value="yes"' in r.text and 'name="reply" value="unknown"' in r.text


def test_yes_to_a_red_flag_stops_with_the_emergency(site: Site) -> None:
    data = {"text": "my calf keeps cramping", "question": "sign.chest_pain", "reply": "yes"}
    r = site.client.post("/interview", data=data)
    assert r.status_code == 200
    assert 'role="alert"' in r.text and "Call emergency services now" in r.text
    assert 'name="reply"' not in r.text


def test_answers_travel_in_hidden_fields(site: Site) -> None:
    r = site.client.post(
        "/interview",
        data={"text": 'calf "><b>x</b>', "question": "sign.chest_pain", "reply": "no"},
    )
    assert r.status_code == 200
    assert "Question 2" in r.text
    assert '<input type="hidden" name="answer" value="sign.chest_pain:no">' in r.text
    assert 'value="calf &#34;&gt;&lt;b&gt;x&lt;/b&gt;"' in r.text
    question = re.search(r'name="question" value="([^"]+)"', r.text)
    assert question is not None and question.group(1) != "sign.chest_pain"
    # Back: the last answer is dropped and its question asked again.
    r = site.client.post(
        "/interview", data={"text": "calf", "answer": "sign.chest_pain:no", "back": "1"}
    )
    assert "Question 1" in r.text and 'value="sign.chest_pain"' in r.text
    # No stopping before the red flags are answered: the next question comes instead.
    r = site.client.post(
        "/interview",
        data={"text": "calf", "answer": "sign.chest_pain:no", "question": "x", "finish": "1"},
    )
    assert r.status_code == 200
    assert "Stop and show the answer now" not in r.text
    assert 'name="question"' in r.text
    # Once every red flag is answered: stop early, the answer said to be incomplete.
    flags = [
        "sign.chest_pain",
        "sign.breathing_difficulty",
        "sign.consciousness_change",
        "sign.face_droop",
        "sign.cannot_move",
        "sign.weakness_progressive",
    ]
    data = {"text": "calf cramp", "answer": [f"{f}:no" for f in flags]}
    r = site.client.post("/interview", data=data)
    assert "Stop and show the answer now" in r.text
    r = site.client.post("/interview", data={**data, "question": "x", "finish": "1"})
    assert "You stopped before all questions were answered" in r.text
    assert 'class="banner' in r.text


@pytest.mark.parametrize(
    "data",
    [
        {"answer": "sign.nonsense:yes"},
        {"answer": "sign.chest_pain:perhaps"},
        {"answer": "no-colon"},
        {"question": "sign.chest_pain", "reply": "maybe"},
        {"question": "<b>nope</b>", "reply": "yes"},
        {"text": "b" * 5001},
    ],
)
def test_a_bad_interview_form_is_a_clear_422(site: Site, data: dict[str, str]) -> None:
    r = site.client.post("/interview", data=data)
    assert r.status_code == 422
    assert 'class="error" role="alert"' in r.text
    assert "<b>nope" not in r.text


# -- diary ---------------------------------------------------------------------


def test_the_diary_without_a_token_shows_how_to_get_one(site: Site) -> None:
    r = site.client.get("/diary")
    assert r.status_code == 200
    assert LOGIN_HELP in r.text
    assert 'action="/diary/login"' in r.text and '<label for="token">' in r.text
    assert "Log an episode" not in r.text


def test_login_sets_a_strict_httponly_cookie_and_never_echoes_it(site: Site) -> None:
    r = site.client.post("/diary/login", data={"token": site.token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/diary"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"charley_token={site.token};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    r = site.client.get("/diary")
    assert r.status_code == 200
    assert "Log an episode" in r.text and "Your cramp diary" in r.text
    assert site.token not in r.text
    assert "No episodes yet" in r.text


@pytest.mark.parametrize(
    ("token", "status"), [("", 422), ("   ", 422), ("x" * 201, 422), ("not-a-token", 401)]
)
def test_a_bad_token_is_refused_with_a_message(site: Site, token: str, status: int) -> None:
    r = site.client.post("/diary/login", data={"token": token}, follow_redirects=False)
    assert r.status_code == status
    assert 'class="error-summary" role="alert"' in r.text
    assert '<a href="#token" data-field="token">' in r.text
    assert 'aria-invalid="true" aria-describedby="token-hint token-error"' in r.text
    assert "set-cookie" not in r.headers
    if token.strip():
        assert token not in r.text


def test_logout_clears_the_cookie(site: Site) -> None:
    login(site)
    r = site.client.post("/diary/logout", follow_redirects=False)
    assert r.status_code == 303
    assert 'charley_token=""' in r.headers["set-cookie"] and "Max-Age=0" in r.headers["set-cookie"]
    assert LOGIN_HELP in site.client.get("/diary").text


def test_a_stale_cookie_shows_the_login_form_and_is_cleared(site: Site) -> None:
    site.client.cookies.set("charley_token", "no-longer-valid")
    r = site.client.get("/diary")
    assert r.status_code == 200
    assert "no longer known" in r.text and LOGIN_HELP in r.text
    assert "Max-Age=0" in r.headers["set-cookie"]
    assert "no-longer-valid" not in r.text


def test_logging_an_episode_saves_it_with_its_assessment(site: Site) -> None:
    login(site)
    r = site.client.post(
        "/diary/log",
        data={
            "text": "left calf cramp <i>at 3am</i>, stretching helped a lot",
            "minutes": "5",
            "severity": "4",
            "woke": "on",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert re.fullmatch(r"/diary/episodes/\d+\?saved=1", location)
    r = site.client.get(location)
    assert r.status_code == 200
    assert "Saved in your diary." in r.text
    assert "5 minutes" in r.text and "4 of 10" in r.text and "it woke you up" in r.text
    assert "&lt;i&gt;at 3am&lt;/i&gt;" in r.text and "<i>at 3am" not in r.text
    assert 'class="banner level-' in r.text and "<blockquote>" in r.text
    saved = site.client.get(
        "/v1/episodes", headers={"Authorization": f"Bearer {site.token}"}
    ).json()["episodes"]
    assert len(saved) == 1
    assert saved[0]["sites"] == [{"site": "calf", "side": "left"}]
    assert saved[0]["severity"] == 4 and saved[0]["level"]

    page = site.client.get("/diary").text
    assert "left calf" in page and "pain 4/10" in page
    assert '<img src="/diary/chart.svg?' in page
    assert "Stretching: helped a lot" in page
    assert site.client.get("/v1/episodes/chart.svg").status_code == 200


def test_the_form_fields_win_over_the_words(site: Site) -> None:
    login(site)
    r = site.client.post(
        "/diary/log",
        data={"site": "hand", "side": "right", "tried": "Warm water", "relief": "2"},
    )
    assert r.status_code == 200  # followed to the episode page
    assert "right hand" in r.text and "warm water (helped some)" in r.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a body site"),
        ({"text": "it hurts", "side": "left"}, "Choose a body site"),
        ({"site": "calf", "severity": "14"}, "0 (none) to 10 (worst)"),
        ({"site": "calf", "severity": "2.5"}, "whole number"),
        ({"site": "calf", "severity": "lots"}, "whole number"),
        ({"site": "elbowz"}, "unknown body site"),
        ({"site": "calf", "side": "middle"}, "left, right, both"),
        ({"site": "calf", "minutes": "abc"}, "number of minutes"),
        ({"site": "calf", "minutes": "-3"}, "from 0 to"),
        ({"site": "calf", "minutes": "nan"}, "number of minutes"),
        ({"site": "calf", "when": "the twelfth of never"}, "cannot read that time"),
        ({"site": "calf", "when": "2999-01-01T10:00"}, "when it started: is in the future"),
        ({"site": "calf", "relief": "3"}, "what did you try"),
        ({"site": "calf", "tried": "stretching", "relief": "9"}, "how much did it help"),
        ({"site": "calf", "tried": "s" * 61, "relief": "1"}, "at most 60"),
        ({"text": "c" * 5001}, "5000"),
    ],
)
def test_a_bad_episode_is_a_clear_422_and_saves_nothing(
    site: Site, data: dict[str, str], message: str
) -> None:
    login(site)
    r = site.client.post("/diary/log", data=data)
    assert r.status_code == 422
    assert 'class="error-summary" role="alert"' in r.text
    assert "There is a problem" in r.text
    assert message.lower() in r.text.lower()
    assert episode_count(site) == 0
    if "severity" in data:  # what was typed is kept, to correct it
        assert f'value="{data["severity"]}"' in r.text


def test_logging_without_a_token_shows_the_login_form(site: Site) -> None:
    r = site.client.post("/diary/log", data={"site": "calf"})
    assert r.status_code == 401
    assert LOGIN_HELP in r.text
    assert episode_count(site) == 0


def test_an_episode_page_is_only_for_its_owner(site: Site) -> None:
    login(site)
    r = site.client.post("/diary/log", data={"site": "calf"}, follow_redirects=False)
    own = r.headers["location"].split("?")[0]
    assert site.client.get(own).status_code == 200
    for missing in ("/diary/episodes/999999", "/diary/episodes/abc", "/diary/episodes/-1"):
        r = site.client.get(missing)
        assert r.status_code == 404 and "No such episode" in r.text
    login(site, site.other_token)
    assert site.client.get(own).status_code == 404
    site.client.cookies.clear()
    assert site.client.get(own).status_code == 401


def test_static_files_are_served(site: Site) -> None:
    css = site.client.get("/static/charley.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = site.client.get("/static/charley.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "http" not in js.text  # nothing fetched from anywhere


def test_the_pages_are_not_in_the_api_document(site: Site) -> None:
    paths = site.client.get("/openapi.json").json()["paths"]
    assert "/" not in paths and "/diary" not in paths and "/interview" not in paths
