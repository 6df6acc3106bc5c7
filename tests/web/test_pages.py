"""The web page's routes, server side (FastAPI's TestClient): status codes,
escaping, bad forms, the token cookie, and that nothing private is logged."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charley.diary.database import make_engine, migrate
from charley.diary.people import add_person
from charley.web.access_log import HideQueryStrings
from charley.web.app import create_app
from tests.support.forms import FORM_ORIGIN

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
    # Like a browser, the client says which page its forms come from.
    with TestClient(create_app(url), headers=FORM_ORIGIN) as client:
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
    assert 'role="status"' in page
    assert '<h1 class="banner-head" id="result-title">You can look after this at home</h1>' in page
    assert "Ordinary muscle cramp" in page
    assert "not a diagnosis" in page.lower()
    assert r.headers["cache-control"] == "no-store"


def test_the_answer_is_a_care_card_in_the_order_people_need_it(site: Site) -> None:
    page = site.client.post("/", data={"text": CRAMP}).text
    order = [
        "You can look after this at home</h1>",
        ">What to do now</h2>",
        ">Whom to see</h2>",
        ">Get help if</h2>",
        ">What it could be</h2>",
        "<summary>What may be behind it</summary>",
        "<summary>How to prevent it</summary>",
        "<summary>Why charley says this</summary>",
    ]
    places = [page.index(part) for part in order]
    assert places == sorted(places)
    # Quotes and their sources are folded into "Why", by title, never by file name.
    why = page[page.index("<summary>Why charley says this</summary>") :]
    assert "<blockquote>" in why and "<blockquote>" not in page[: places[-1]]
    assert "<cite>Muscle spasms</cite>" in why
    assert ".txt" not in page
    # Codes and ids are for clinicians; a common cause is not labelled five times.
    assert "R25.2" not in page and "symptom.cramp" not in page
    assert "(A common cause.)" not in page
    # Only three steps first; the rest one click away.
    do_now = page[page.index(">What to do now</h2>") : page.index(">Whom to see</h2>")]
    first = do_now[: do_now.index("<details")]
    assert first.count("<li>") == 3 and "more things that can help</summary>" in do_now


def test_the_clinician_view_shows_icd10_codes_and_finding_ids(site: Site) -> None:
    page = site.client.post("/", data={"text": CRAMP, "clinician": "1"}).text
    assert "R25.2" in page and "<code>symptom.cramp</code>" in page
    assert 'name="clinician" value="1" checked' in page


def test_an_emergency_is_an_alert_in_words_not_only_colour(site: Site) -> None:
    r = site.client.post("/", data={"text": "my calf cramps and I have chest pain"})
    assert r.status_code == 200
    banner = re.search(r'<div class="banner level-(\w+)" role="(\w+)"', r.text)
    assert banner is not None
    assert banner.groups() == ("emergency_ambulance", "alert")
    assert "Call 999 now</h1>" in r.text
    assert "Urgency 5 of 5" in r.text
    # One action, one number: a link a phone can call.
    assert (
        r.text.count('href="tel:') == 1 and '<a class="call" href="tel:999">Call 999</a>' in r.text
    )
    card = r.text[: r.text.index("<summary>Why charley says this</summary>")]
    assert "911" not in card and "112" not in card  # the quotes in "Why" may name them
    assert ">While you wait</h2>" in r.text


def test_the_emergency_number_is_a_setting(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARLEY_EMERGENCY_NUMBER", "112")
    page = site.client.post("/", data={"text": "crushing chest pain and my arm cramps"}).text
    assert "Call 112 now</h1>" in page and 'href="tel:112"' in page


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("my thigh has been cramping for an hour and my pee is dark brown", "Go to A&amp;E now"),
        ("my calf is swollen, red and warm and it cramps", "Get an appointment today"),
        ("I have a sore throat", "Book an appointment"),
    ],
)
def test_every_level_leads_with_its_instruction_and_no_call_link(
    site: Site, text: str, heading: str
) -> None:
    page = site.client.post("/", data={"text": text}).text
    assert f'id="result-title">{heading}</h1>' in page
    assert 'href="tel:' not in page


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
    r = site.client.post("/", data={"text": CRAMP}, headers=FORM_ORIGIN)
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

FLAGS = [
    "sign.chest_pain",
    "sign.breathing_difficulty",
    "sign.consciousness_change",
    "sign.face_droop",
    "sign.cannot_move",
    "sign.weakness_progressive",
]


def asked(page: str) -> str:
    """The id of the question a page asks."""
    found = re.search(r'name="question" value="([^"]+)"', page)
    assert found is not None, "the page asks no question"
    return found.group(1)


def answer(site: Site, location: str, reply: str) -> str:
    """Answer the question at `location` as a browser would; the next address."""
    page = site.client.get(location)
    assert page.status_code == 200
    fields = dict(
        re.findall(r'<input type="hidden" name="(text|question)" value="([^"]*)"', page.text)
    )
    carried = re.findall(r'<input type="hidden" name="a" value="([^"]+)"', page.text)
    data = {**{k: html.unescape(v) for k, v in fields.items()}, "a": carried, "reply": reply}
    r = site.client.post("/interview/question", data=data, follow_redirects=False)
    assert r.status_code == 303
    return str(r.headers["location"])


def h1(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert found is not None
    return html.unescape(found.group(1).strip())


def test_starting_the_interview_redirects_to_the_first_question(site: Site) -> None:
    assert site.client.get("/interview").status_code == 200
    r = site.client.post(
        "/interview", data={"text": "my calf keeps cramping"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/interview/question?text=my+calf+keeps+cramping"
    page = site.client.get(r.headers["location"])
    assert page.status_code == 200
    assert asked(page.text) == "sign.chest_pain"
    # The question itself is the page's heading, inside the fieldset's legend.
    assert h1(page.text) == "Do you have any chest pain, pressure or tightness?"
    assert re.search(r"<legend><h1[^>]*>Do you have any chest pain", page.text)
    assert "Question 1, about" in page.text and "<progress" in page.text
    assert 'name="reply" value="yes"' in page.text and 'name="reply" value="unknown"' in page.text
    # The same address gives the same page: a refresh asks the same question.
    assert asked(site.client.get(r.headers["location"]).text) == "sign.chest_pain"


def test_each_answer_redirects_to_an_address_that_holds_every_answer(site: Site) -> None:
    first = "/interview/question?text=my+calf+keeps+cramping"
    second = answer(site, first, "no")
    assert second == first + "&a=sign.chest_pain%3Ano"
    page = site.client.get(second).text
    assert "Question 2, about" in page and asked(page) == "sign.breathing_difficulty"
    # Back goes to the address of the question before, which asks it again.
    assert f'class="back-link" href="{html.escape(first)}"' in page
    third = answer(site, second, "unknown")
    assert third == second + "&a=sign.breathing_difficulty%3Aunknown"


def test_yes_to_a_red_flag_shows_the_emergency_with_nothing_asked_again(site: Site) -> None:
    location = answer(site, "/interview/question?text=my+calf+keeps+cramping", "yes")
    r = site.client.get(location, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/interview/result?")
    page = site.client.get(r.headers["location"]).text
    assert 'role="alert"' in page and "Call 999 now" in page
    assert 'name="reply"' not in page
    # The answer given is listed with a way to change it, and is not asked again.
    assert "Do you have any chest pain, pressure or tightness?" in page.split("check-title")[-1]
    shown = re.findall(r'<ul class="questions">(.*?)</ul>', page, re.S)
    assert all("chest pain" not in block for block in shown)


def test_the_description_is_escaped_in_the_page_and_the_address(site: Site) -> None:
    r = site.client.post("/interview", data={"text": 'calf "><b>x</b>'}, follow_redirects=False)
    page = site.client.get(r.headers["location"]).text
    assert 'value="calf &#34;&gt;&lt;b&gt;x&lt;/b&gt;"' in page
    assert "<b>x</b>" not in page


def test_no_stopping_before_the_red_flags_are_answered(site: Site) -> None:
    page = site.client.get("/interview/question?text=calf&a=sign.chest_pain:no").text
    assert "Stop and show the answer now" not in page
    r = site.client.get("/interview/result?text=calf&a=sign.chest_pain:no", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/interview/question?")
    query = "&".join(f"a={f}:no" for f in FLAGS)
    page = site.client.get(f"/interview/question?text=calf+cramp&{query}").text
    assert "Stop and show the answer now" in page
    page = site.client.get(f"/interview/result?text=calf+cramp&{query}").text
    assert "You stopped before all questions were answered" in page
    assert 'class="banner' in page


def test_check_your_answers_lists_each_answer_with_a_change_link(site: Site) -> None:
    query = "&".join(f"a={f}:no" for f in FLAGS[:3]) + "&a=sign.face_droop:unknown"
    page = site.client.get(f"/interview/answers?text=calf+cramp&{query}").text
    assert h1(page) == "Check your answers"
    rows = re.findall(
        r"<dt>(.*?)</dt>\s*<dd class=\"summary-answer\">(.*?)</dd>\s*"
        r'<dd class="summary-change"><a href="([^"]+)">Change',
        page,
    )
    assert [(html.unescape(q), a) for q, a, _ in rows][:2] == [
        ("Do you have any chest pain, pressure or tightness?", "No"),
        ("Are you short of breath or finding it hard to breathe?", "No"),
    ]
    assert rows[3][1] == "I don&#39;t know"
    # "Change" asks that question again, every other answer kept.
    change = html.unescape(rows[1][2])
    assert change.endswith("&change=sign.breathing_difficulty")
    again = site.client.get(change).text
    assert asked(again) == "sign.breathing_difficulty"
    assert "Your answer was: <strong>No</strong>" in again
    assert again.count('name="a" value=') == 4
    # Not every red flag is answered yet: no way to the answer, only onwards.
    assert "Continue the questions" in page and "Stop and show the answer now" not in page


def test_changing_an_answer_goes_on_from_there(site: Site) -> None:
    answers = [f"{f}:no" for f in FLAGS]
    data = {"text": "my calf keeps cramping", "a": answers, "question": "sign.chest_pain"}
    r = site.client.post(
        "/interview/question", data={**data, "reply": "unknown"}, follow_redirects=False
    )
    assert r.status_code == 303
    # The changed answer keeps its place; the others are kept.
    assert "a=sign.chest_pain%3Aunknown&a=sign.breathing_difficulty%3Ano" in r.headers["location"]
    page = site.client.get(r.headers["location"]).text
    assert asked(page) not in FLAGS
    # A yes to a red flag ends the questions: the answer is the emergency.
    r = site.client.post("/interview/question", data={**data, "reply": "yes"})
    assert r.status_code == 200 and "Call 999 now" in r.text


def test_after_a_change_questions_that_no_longer_follow_are_dropped(site: Site) -> None:
    # With no description, "yes" to the leg brings questions about the leg.
    location = "/interview/question?" + "&".join(f"a={f}:no" for f in FLAGS)
    while True:
        page = site.client.get(location).text
        qid = asked(page)
        location = answer(site, location, "yes" if qid in ("symptom.cramp", "site.leg") else "no")
        if qid == "sign.swelling":
            break
    assert "sign.swelling" in location
    carried = [a.replace("%3A", ":") for a in re.findall(r"a=([^&]+)", location)]
    data = {"a": carried, "question": "site.leg", "reply": "no"}
    r = site.client.post("/interview/question", data=data, follow_redirects=False)
    assert "site.leg%3Ano" in r.headers["location"]
    assert "sign.swelling" not in r.headers["location"]


@pytest.mark.parametrize("reply", ["no", "unknown"])
def test_the_final_answer_does_not_ask_what_was_answered(site: Site, reply: str) -> None:
    # "don't know" leaves every question open in the assessment: the page drops them
    location = "/interview/question?text=my+neck+is+stiff+and+sore"
    for _ in range(40):
        r = site.client.get(location, follow_redirects=False)
        if r.status_code == 303:
            break
        location = answer(site, location, reply)
    else:
        pytest.fail("the interview never ended")
    page = site.client.get(r.headers["location"]).text
    answered = re.findall(r"<dt>(.*?)</dt>", page)
    assert len(answered) >= 3
    shown = re.findall(r'<ul class="questions">(.*?)</ul>', page, re.S)
    for question in answered:
        assert all(question not in block for block in shown), question
    assert "questions below" not in page


@pytest.mark.parametrize(
    "query",
    [
        "a=sign.nonsense:yes",
        "a=sign.chest_pain:perhaps",
        "a=no-colon",
        "text=" + "b" * 5001,
        "a=sign.chest_pain:no&change=sign.fever",
        "&".join(f"a=x{i}:no" for i in range(101)),
    ],
)
@pytest.mark.parametrize("path", ["question", "answers", "result"])
def test_a_bad_interview_address_is_a_clear_422(site: Site, path: str, query: str) -> None:
    if "change" in query and path != "question":
        query = "a=sign.chest_pain:maybe"
    r = site.client.get(f"/interview/{path}?{query}")
    assert r.status_code == 422
    assert 'class="error" role="alert"' in r.text


@pytest.mark.parametrize(
    "data",
    [
        {"a": "sign.nonsense:yes", "question": "sign.fever", "reply": "yes"},
        {"a": "sign.chest_pain:perhaps", "question": "sign.fever", "reply": "yes"},
        {"question": "sign.chest_pain", "reply": "maybe"},
        {"question": "<b>nope</b>", "reply": "yes"},
        {"reply": "yes"},
        {"text": "b" * 5001, "question": "sign.chest_pain", "reply": "yes"},
    ],
)
def test_a_bad_interview_form_is_a_clear_422(site: Site, data: dict[str, str]) -> None:
    r = site.client.post("/interview/question", data=data, follow_redirects=False)
    assert r.status_code == 422
    assert 'class="error" role="alert"' in r.text
    assert "<b>nope" not in r.text
    r = site.client.post("/interview", data={"text": "b" * 5001}, follow_redirects=False)
    assert r.status_code == 422 and 'class="error" role="alert"' in r.text


def test_an_answer_from_another_site_is_refused(site: Site) -> None:
    data = {"text": "calf", "question": "sign.chest_pain", "reply": "no"}
    for path, form in (("/interview", {"text": "calf"}), ("/interview/question", data)):
        r = site.client.post(path, data=form, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "Form refused" in r.text


def test_the_access_log_keeps_no_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/interview/question?text=my+calf+hurts&a=x", "1.1", 200),
        None,
    )
    HideQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /interview/question HTTP/1.1" 200'


# -- diary ---------------------------------------------------------------------


def test_the_diary_without_a_token_shows_how_to_get_one(site: Site) -> None:
    r = site.client.get("/diary")
    assert r.status_code == 200
    assert LOGIN_HELP in r.text
    assert 'action="/diary/login"' in r.text and '<label for="token">' in r.text
    assert "Log an episode" not in r.text


def test_login_sets_a_strict_httponly_session_cookie_and_never_echoes_the_token(
    site: Site,
) -> None:
    r = site.client.post("/diary/login", data={"token": site.token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/diary"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("charley_session=") and site.token not in cookie
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
    assert 'charley_session=""' in r.headers["set-cookie"]
    assert "Max-Age=0" in r.headers["set-cookie"]
    assert LOGIN_HELP in site.client.get("/diary").text


def test_a_stale_cookie_shows_the_login_form_and_is_cleared(site: Site) -> None:
    site.client.cookies.set("charley_session", "no-longer-valid")
    r = site.client.get("/diary")
    assert r.status_code == 200
    assert "Give your token again" in r.text and LOGIN_HELP in r.text
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
    assert re.fullmatch(r"/diary/episodes/[0-9a-f-]{36}\?saved=1", location)
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
