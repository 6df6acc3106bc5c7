"""The answer as a care card in a real browser, measured at a phone's width:
the instruction and the first thing to do are on the first screen, a simple
cramp fits in two screens before "Why charley says this", and only the
ambulance level offers a number to tap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import (
    CRAMP,
    PHONE,
    PHONE_SCREEN,
    assert_accessible,
    describe,
    needs_chromium,
)
from tests.web.conftest import Server

pytestmark = needs_chromium

LEVELS = [
    ("crushing chest pain and my arm cramps", "Call 999 now"),
    ("my thigh has been cramping for an hour and my pee is dark brown", "Go to A&E now"),
    ("my calf is swollen, red and warm and it cramps", "Get an appointment today"),
    ("I get calf cramps most nights and they wake me up", "Book an appointment"),
    (CRAMP, "You can look after this at home"),
]


def bottom(page: Page, selector: str) -> float:
    """How far down the page the bottom of the first match is, in CSS pixels."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return float(box["y"] + box["height"] + page.evaluate("() => window.scrollY"))


@pytest.mark.parametrize(("text", "heading"), LEVELS)
def test_at_phone_width_the_first_action_is_on_the_first_screen(
    page: Page, server: Server, text: str, heading: str
) -> None:
    page.set_viewport_size(PHONE)
    describe(page, server, text)
    expect(page.locator("h1")).to_have_text(heading)
    first = "a.call" if heading.startswith("Call") else ".result section li"
    assert bottom(page, first) <= PHONE_SCREEN
    calls = page.locator('a[href^="tel:"]')
    if heading.startswith("Call"):
        expect(calls).to_have_count(1)
        expect(calls).to_have_attribute("href", "tel:999")
        expect(calls).to_be_visible()
    else:
        expect(calls).to_have_count(0)
    assert_accessible(page)


def test_a_simple_cramp_fits_in_two_phone_screens_before_why(page: Page, server: Server) -> None:
    page.set_viewport_size(PHONE)
    describe(page, server)
    why = page.locator("details.why > summary")
    box = why.bounding_box()
    assert box is not None
    top = box["y"] + page.evaluate("() => window.scrollY")
    assert top < 1400, f"'Why charley says this' starts {top:.0f} px down"
    # Folded: the sources are there, one tap away, by title.
    expect(page.locator("details.why blockquote").first).to_be_hidden()
    why.click()
    expect(page.locator("details.why blockquote").first).to_be_visible()
    expect(page.locator("details.why cite").first).not_to_contain_text(".txt")
    assert_accessible(page)
