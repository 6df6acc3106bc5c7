"""The web page in a real browser (tests/web/browser.py says how)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.browser import (
    CRAMP,
    DESKTOP,
    EMERGENCY,
    PHONE,
    WAIT_MS,
    assert_accessible,
    describe,
    log_in,
    needs_chromium,
    no_horizontal_scroll,
)
from tests.web.conftest import Server

pytestmark = needs_chromium


def test_describe_shows_the_care_card_and_a_quoted_source(page: Page, server: Server) -> None:
    describe(page, server)
    banner = page.locator(".banner")
    expect(banner).to_have_attribute("role", "status")
    expect(page.locator("h1")).to_have_text("You can look after this at home")
    expect(banner).to_contain_text("Urgency 1 of 5")
    kinds = page.get_by_role("region", name="What it could be")
    expect(kinds).to_contain_text("Ordinary muscle cramp")
    # The description stays in the box to change it, and the answer has focus.
    expect(page.locator("textarea#text")).to_have_value(CRAMP)
    expect(banner).to_be_focused()
    page.get_by_text("Why charley says this").click()
    quote = page.locator("details.why blockquote").first
    expect(quote).to_be_visible()
    assert len(quote.inner_text().strip()) > 10


def test_interview_yes_to_the_first_red_flag_stops_with_an_emergency(
    page: Page, server: Server
) -> None:
    page.goto(f"{server.url}/interview")
    page.get_by_role("button", name="Start the questions").click()
    expect(page.get_by_text("Question 1,")).to_be_visible()
    question = page.get_by_role("heading", level=1).inner_text()
    assert question.endswith("?")
    page.get_by_role("button", name="Yes", exact=True).click()
    banner = page.locator(".banner")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text(EMERGENCY)
    expect(page.get_by_role("button", name="Yes", exact=True)).to_have_count(0)
    expect(page.get_by_role("region", name="Your answers")).to_contain_text("Yes")


def test_diary_log_in_log_an_episode_and_see_it_with_its_chart(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/diary")
    expect(page.get_by_text("charley users add NAME")).to_be_visible()
    log_in(page, server)
    words = "right thigh cramp after my run, stretching helped a lot"
    page.get_by_label("In your own words").fill(words)
    page.get_by_label("How long (minutes)").fill("3")
    page.get_by_label("Pain, 0 (none) to 10 (worst)").fill("5")
    page.get_by_role("button", name="Save the episode").click()
    expect(page.get_by_text("Saved in your diary.")).to_be_visible()
    expect(page.locator(".banner")).to_be_visible()
    expect(page.get_by_text("3 minutes")).to_be_visible()

    page.get_by_role("link", name="Back to your diary").click()
    recent = page.get_by_role("region", name="Recent episodes")
    expect(recent.locator("li").first).to_contain_text("right thigh")
    expect(recent.locator("li").first).to_contain_text("pain 5/10")
    chart = page.locator(".chart img")
    expect(chart).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('.chart img');"
        " return i !== null && i.complete && i.naturalWidth > 0; }",
        timeout=WAIT_MS,
    )
    assert page.evaluate("() => document.querySelector('.chart img').naturalWidth") > 0
    # The browser keeps a session id, not the token, in an HttpOnly cookie that script
    # cannot read; the token is never in the page or in any cookie.
    assert server.token not in page.content()
    assert page.evaluate("() => document.cookie") == ""
    assert all(server.token not in c["value"] for c in page.context.cookies())
    cookie = next(c for c in page.context.cookies() if c["name"] == "charley_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Your diary token")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "charley_session"]
    # Sent again after logging out (as by someone who copied it), it opens nothing.
    page.context.add_cookies(
        [{"name": cookie["name"], "value": cookie["value"], "url": server.url}]
    )
    page.goto(f"{server.url}/diary")
    expect(page.get_by_label("Your diary token")).to_be_visible()
    expect(page.get_by_text("Give your token again")).to_be_visible()
    expect(page.get_by_role("heading", name="Log an episode")).to_have_count(0)


def test_phone_width_has_no_horizontal_scroll(page: Page, server: Server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/")
    assert no_horizontal_scroll(page)
    describe(page, server, "my calf cramps every night and wakes me, I take a water pill")
    assert no_horizontal_scroll(page)
    page.goto(f"{server.url}/interview")
    assert no_horizontal_scroll(page)


def test_keyboard_reaches_the_skip_link_the_text_box_and_the_button(
    page: Page, server: Server
) -> None:
    page.goto(f"{server.url}/")
    reached: list[str] = []
    for _ in range(15):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.tagName.toLowerCase() + ':' + (e.id || e.textContent.trim()); }"
            )
        )
        if reached[-1] == "button:Check it":
            break
    assert reached[0] == "a:Skip to main content"
    assert "textarea:text" in reached
    assert reached[-1] == "button:Check it"
    assert reached.index("textarea:text") < reached.index("button:Check it")
    # The focus ring is visible.
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    # Enter on the skip link moves to the main content.
    page.goto(f"{server.url}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_screenshots_of_the_answer_and_the_diary(page: Page, server: Server) -> None:
    """For people to look at: /tmp/charley-web-{answer,diary}-{desktop,phone}.png."""
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.context.clear_cookies()
        page.set_viewport_size(size)
        describe(page, server)
        assert no_horizontal_scroll(page)
        page.screenshot(path=f"/tmp/charley-web-answer-{name}.png", full_page=True)
        log_in(page, server)
        page.wait_for_function(
            "() => { const i = document.querySelector('.chart img');"
            " return i === null || (i.complete && i.naturalWidth > 0); }",
            timeout=WAIT_MS,
        )
        assert no_horizontal_scroll(page)
        page.screenshot(path=f"/tmp/charley-web-diary-{name}.png", full_page=True)


def test_screenshots_of_the_questions_and_an_emergency(page: Page, server: Server) -> None:
    """/tmp/charley-web-{question,emergency}-phone.png."""
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/interview")
    page.get_by_role("button", name="Start the questions").click()
    page.get_by_role("button", name="No", exact=True).click()
    expect(page.get_by_text("Question 2,")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/charley-web-question-phone.png", full_page=True)
    describe(page, server, "my calf cramped and now I have chest pain and can't catch my breath")
    expect(page.locator(".banner")).to_contain_text(EMERGENCY)
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/charley-web-emergency-phone.png", full_page=True)


def test_the_server_log_holds_no_symptoms_and_no_token(server: Server) -> None:
    log = server.log.read_text(errors="replace")
    assert "GET /healthz" in log or "Uvicorn running" in log
    assert server.token not in log
    for words in ("calf cramped", "thigh cramp", "water pill", "stretched", "chest pain"):
        assert words not in log


def test_every_page_state_has_no_wcag_a_or_aa_violation(page: Page, server: Server) -> None:
    for size in (DESKTOP, PHONE):
        page.context.clear_cookies()
        page.set_viewport_size(size)
        page.goto(f"{server.url}/")
        assert_accessible(page)
        describe(page, server)
        assert_accessible(page)
        describe(page, server, "crushing chest pain and my arm is cramping")
        assert_accessible(page)
        describe(page, server, "I have had a sore throat for three days")
        assert_accessible(page)
        page.goto(f"{server.url}/interview")
        assert_accessible(page)
        page.get_by_role("button", name="Start the questions").click()
        assert_accessible(page)
        page.get_by_role("button", name="Yes", exact=True).click()
        assert_accessible(page)
        page.goto(f"{server.url}/diary")
        assert_accessible(page)
        log_in(page, server)
        assert_accessible(page)
