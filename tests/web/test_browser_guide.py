"""The care guide in a real browser: the contents lead to their sections, a
source opens under its sentence, the question box answers, a phone's width
needs no sideways scrolling, and axe-core finds no A/AA violation. The `page`
fixture fails the test on any request to another host."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from charley.guide import guide_topics
from charley.knowledge import load_knowledge
from tests.web.browser import PHONE, assert_accessible, needs_chromium, no_horizontal_scroll
from tests.web.conftest import Server

pytestmark = needs_chromium
TOPICS = guide_topics(load_knowledge())


def test_each_contents_link_goes_to_its_section(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/guide")
    contents = page.get_by_role("navigation", name="Contents")
    for t in TOPICS:
        contents.get_by_role("link", name=t.title, exact=True).click()
        assert page.url.endswith(f"/guide#{t.id}")
        expect(page.get_by_role("heading", name=t.title, exact=True)).to_be_in_viewport()
    assert_accessible(page)


def test_a_fold_opens_and_shows_a_quote(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/guide")
    statement = TOPICS[0].statements[0]
    item = page.locator(f"li#s-{statement.id.replace('.', '-').replace('_', '-')}")
    quote = statement.citations[0].quote
    expect(item.get_by_text(quote)).to_be_hidden()
    item.locator("summary").click()
    expect(item.get_by_text(quote)).to_be_visible()
    assert_accessible(page)


def test_the_question_box_answers_on_a_phone(page: Page, server: Server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/guide")
    page.get_by_label("Ask a question").fill("what is a charley horse")
    page.get_by_role("button", name="Ask").click()
    answer = page.locator("section.answer")
    expect(answer).to_contain_text("charley horse")
    expect(answer.locator("details.sources").first).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page)


def test_symptoms_in_the_question_box_get_the_emergency_card(page: Page, server: Server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/guide?q=I+have+crushing+chest+pain")
    expect(page.locator("section.answer .banner")).to_contain_text("Call 999 now")
    expect(page.locator('section.answer a[href="tel:999"]')).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page)


def test_the_answer_pages_guide_link_opens_its_place_in_the_guide(
    page: Page, server: Server
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/")
    page.get_by_label("Describe the cramp, spasm or twitch in your own words").fill(
        "My left calf cramped at 3am for two minutes and eased when I stretched it."
    )
    page.get_by_role("button", name="Check it").click()
    page.get_by_role("link", name="Read more about easing a cramp in the calf").click()
    assert page.url.endswith("/guide#relief-site-calf")
    expect(page.locator("#relief-site-calf")).to_be_in_viewport()
    assert no_horizontal_scroll(page)
