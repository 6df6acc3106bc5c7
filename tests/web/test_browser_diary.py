"""The diary in a real browser whose clock is in Auckland while the server runs in
UTC: errors that lead to their field, changing and deleting an episode, a date and
time shown back as entered, the printable report, and the chart's table on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.web.browser import DESKTOP, EMERGENCY, PHONE, assert_accessible, log_in, needs_chromium
from tests.web.conftest import CHROMIUM, LAUNCH_ARGS, WAIT_MS, Server

pytestmark = needs_chromium

ZONE = "Pacific/Auckland"
CALM = "My left calf cramped for two minutes and eased when I stretched it."
WORSE = "crushing chest pain, I can't breathe"


@pytest.fixture(scope="module")
def context() -> Iterator[BrowserContext]:
    """Replaces conftest's: a browser context whose time zone is Auckland's."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        ctx = browser.new_context(viewport=DESKTOP, timezone_id=ZONE)
        ctx.set_default_timeout(WAIT_MS)
        try:
            yield ctx
        finally:
            ctx.close()
            browser.close()


def log_episode(page: Page, **fields: str) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save the episode").click()


def test_the_error_summary_leads_to_the_field(page: Page, server: Server) -> None:
    log_in(page, server)
    log_episode(page, **{"How long (minutes)": "lots"})
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    minutes = page.get_by_label("How long (minutes)", exact=True)
    expect(minutes).to_have_attribute("aria-invalid", "true")
    colour = minutes.evaluate("e => getComputedStyle(e).borderTopColor")
    assert colour == "rgb(164, 22, 26)"  # the error red, not overridden
    expect(minutes).to_have_accessible_description(re.compile(r"Error: How long"))
    summary.get_by_role("link", name=re.compile("How long")).click()
    expect(minutes).to_be_focused()
    summary.get_by_role("link", name=re.compile("Where was it")).click()
    expect(page.get_by_label("Where", exact=True)).to_be_focused()
    assert_accessible(page)


def test_a_date_and_time_are_shown_back_as_entered(page: Page, server: Server) -> None:
    log_in(page, server)
    page.get_by_label("Where", exact=True).select_option("calf")
    page.get_by_label("Date", exact=True).fill("2025-03-01")
    page.get_by_label("Time", exact=True).fill("03:30")
    page.get_by_role("button", name="Save the episode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Episode of Sat 1 Mar 2025, 03:30")
    assert_accessible(page)
    episode_id = page.url.split("/episodes/")[1].split("?")[0]
    stored = page.request.get(
        f"{server.url}/v1/episodes/{episode_id}",
        headers={"Authorization": f"Bearer {server.token}"},
    ).json()
    assert stored["started_at"] == "2025-02-28T14:30:00+00:00"  # 03:30 in Auckland, in UTC
    assert stored["at_night"] is True
    page.get_by_role("link", name="Back to your diary").click()
    expect(page.get_by_role("link", name="Sat 1 Mar 2025, 03:30").first).to_be_visible()


def test_change_an_episode_and_see_the_new_answer(page: Page, server: Server) -> None:
    log_in(page, server)
    log_episode(page, **{"In your own words": CALM})
    expect(page.locator(".banner")).to_contain_text("You can look after this at home")
    page.get_by_role("link", name="Change this episode").click()
    words = page.get_by_label("In your own words", exact=True)
    expect(words).to_have_value(CALM)
    assert_accessible(page)
    words.fill(WORSE)
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your changes are saved")
    expect(page.locator(".banner")).to_contain_text(EMERGENCY)
    expect(page.locator(".banner")).not_to_contain_text("You can look after this at home")
    assert_accessible(page)


def test_delete_an_episode_after_confirming(page: Page, server: Server) -> None:
    log_in(page, server)
    log_episode(page, **{"In your own words": "right foot cramp, delete me"})
    path = page.url.split("?")[0]
    page.get_by_role("link", name="Delete this episode").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete the episode of")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("status")).to_have_text("The episode was deleted from your diary.")
    assert_accessible(page)
    assert page.goto(path).status == 404  # type: ignore[union-attr]


def test_the_report_prints_without_the_sites_navigation(page: Page, server: Server) -> None:
    log_in(page, server)
    log_episode(page, **{"In your own words": CALM})
    page.goto(f"{server.url}/diary")
    page.get_by_role("link", name="Printable report", exact=True).click()
    expect(page.get_by_role("heading", name="Cramp diary report")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    try:
        expect(page.get_by_role("heading", name="Cramp diary report")).to_be_visible()
        expect(page.get_by_text("episodes in this report")).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
        expect(page.get_by_role("link", name="Back to your diary")).to_be_hidden()
    finally:
        page.emulate_media(media="screen")


def test_the_chart_on_a_phone_with_its_table(page: Page, server: Server) -> None:
    log_in(page, server)
    log_episode(page, **{"In your own words": CALM})
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/diary")
    chart = page.locator("figure.chart img")
    expect(chart).to_be_visible()
    page.wait_for_function("() => document.querySelector('figure.chart img').complete")
    assert "size=phone" in chart.evaluate("img => img.currentSrc")
    shown = chart.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")
    assert shown > 0.8  # drawn near the size it is shown: its words stay readable
    page.get_by_text("The chart's figures as a table").click()
    table = page.get_by_role("table", name=re.compile("The chart's figures"))
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Episodes")).to_be_visible()
    assert table.get_by_role("rowheader").count() >= 1
    assert_accessible(page)
