"""The interview in a real browser: Back and refresh, the question as the
heading, progress, check your answers, changing an answer, and the final
answer (tests/web/browser.py says how the browser is driven)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, ViewportSize, expect

from tests.web.browser import (
    DESKTOP,
    PHONE,
    assert_accessible,
    needs_chromium,
    no_horizontal_scroll,
)
from tests.web.conftest import Server

pytestmark = needs_chromium

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
# A word nobody types, to look for in the server's log.
MARKER = "wombat-kettle"
RED_FLAG_QUESTIONS = 6


def start(page: Page, server: Server, text: str = "") -> None:
    page.goto(f"{server.url}/interview")
    assert_accessible(page)
    if text:
        page.get_by_label("First, describe it in a few words").fill(text)
    page.get_by_role("button", name="Start the questions").click()
    page.wait_for_url(re.compile(r"/interview/question"))


def question(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def reply(page: Page, words: str) -> None:
    """Answer the question on the page and wait for the next page."""
    before = page.url
    page.get_by_role("button", name=words, exact=True).click()
    page.wait_for_url(lambda url: url != before)


@SIZES
def test_back_and_refresh_show_the_questions_without_resubmitting(
    page: Page, server: Server, size: ViewportSize
) -> None:
    page.set_viewport_size(size)
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    start(page, server, f"my calf keeps cramping {MARKER}")
    first = question(page)
    # The question is the heading, in the legend of the group of buttons.
    legend = page.locator("fieldset legend h1")
    expect(legend).to_have_text(first)
    expect(page.get_by_role("group", name=first)).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^Question 1, about \d+ more after this one\.$"))
    ).to_be_visible()
    expect(page.get_by_role("progressbar", name=re.compile("Question 1"))).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    reply(page, "No")
    second = question(page)
    assert second != first
    expect(page.get_by_text(re.compile(r"^Question 2, "))).to_be_visible()
    assert_accessible(page)
    # Refresh: the same question, not a form sent again.
    reloaded = page.reload()
    assert reloaded is not None and reloaded.request.method == "GET"
    assert question(page) == second
    # Back: the question before, at once, with no prompt to resend a form.
    back = page.go_back()
    assert back is None or back.request.method == "GET"
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    assert_accessible(page)
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text(second)
    # The page's own Back link does the same.
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    assert dialogs == []


def test_the_answers_are_reached_by_keyboard(page: Page, server: Server) -> None:
    start(page, server)
    first = question(page)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "No":
            break
    else:
        pytest.fail("Tab never reached the No button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first)


@SIZES
def test_check_your_answers_and_change_one(page: Page, server: Server, size: ViewportSize) -> None:
    page.set_viewport_size(size)
    start(page, server, "my calf keeps cramping")
    asked = []
    for _ in range(RED_FLAG_QUESTIONS):
        asked.append(question(page))
        reply(page, "No")
    expect(page.get_by_role("link", name="Stop and show the answer now")).to_be_visible()
    page.get_by_role("link", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    summary = page.locator("dl.summary-list")
    expect(summary.locator("dt")).to_have_text(asked)
    expect(summary.locator("dd.summary-answer")).to_have_text(["No"] * len(asked))
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    # Change the second answer: that question again, the others kept.
    page.get_by_role("link", name=f"Change your answer to: {asked[1]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(asked[1])
    expect(page.get_by_text("Your answer was: No")).to_be_visible()
    assert_accessible(page)
    reply(page, "I don't know")
    # The questions go on from there.
    assert question(page) not in asked
    assert_accessible(page)
    page.get_by_role("link", name="Check your answers").click()
    expect(summary.locator("dt")).to_have_text(asked)
    expect(summary.locator("dd.summary-answer").nth(1)).to_have_text("I don't know")
    expect(summary.locator("dd.summary-answer").nth(0)).to_have_text("No")


@SIZES
def test_the_final_answer_lists_no_question_already_answered(
    page: Page, server: Server, size: ViewportSize
) -> None:
    page.set_viewport_size(size)
    start(page, server, "my neck is stiff and sore")
    asked: list[str] = []
    for _ in range(40):
        if page.get_by_role("button", name="No", exact=True).count() == 0:
            break
        asked.append(question(page))
        # "don't know" keeps a question open, so the answer would list it again
        reply(page, "I don't know" if len(asked) % 2 else "No")
    else:
        pytest.fail("the interview never ended")
    expect(page.locator(".banner")).to_be_visible()
    assert re.search(r"/interview/result\?", page.url)
    assert len(asked) > RED_FLAG_QUESTIONS
    still_asked = page.locator("ul.questions li").all_inner_texts()
    assert not set(still_asked) & set(asked)
    expect(page.get_by_text("questions below")).to_have_count(0)
    answered = page.get_by_role("region", name="Your answers")
    expect(answered.locator("dt")).to_have_text(asked)
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    # Back from the answer: the last question, ready to answer again.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(asked[-1])


def test_the_server_log_holds_no_description_from_an_address(page: Page, server: Server) -> None:
    start(page, server, f"my thigh twitches {MARKER}")
    reply(page, "No")
    page.reload()
    log = server.log.read_text(errors="replace")
    assert "GET /interview/question" in log  # the access log is on, and was read
    assert MARKER not in log
    assert "twitches" not in log
