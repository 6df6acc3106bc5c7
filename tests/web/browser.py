"""What every browser test shares: Debian's Chromium driven by Playwright,
against a real `charley serve`, with axe-core to check accessibility. The
fixtures (`server`, `context`, and `page`, which refuses and reports any
request to another host) are in conftest.py.

Never `playwright install`: the browser is /usr/bin/chromium (`make browser`).
Every wait is bounded; nothing here reaches the network beyond the loopback server.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.web.conftest import CHROMIUM, DESKTOP, WAIT_MS, Server

__all__ = ["DESKTOP", "WAIT_MS"]

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
PHONE: ViewportSize = {"width": 375, "height": 812}
PHONE_SCREEN = 664  # the height of a phone's first screen below the browser's bars
CRAMP = "My left calf cramped at 3am for two minutes and eased when I stretched it."
EMERGENCY = re.compile(r"Call \d+ now|Go to A&E now")
# axe-core's tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium (run `make browser`)"
)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A and AA violations on the page as it is now.

    It waits for the page's load event first: checked before its stylesheet
    arrives, a page's links are bare text, and too small a target to tap.
    """
    page.wait_for_load_state("load", timeout=WAIT_MS)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
        WCAG_AA,
    )
    return found


def assert_accessible(page: Page) -> None:
    """No WCAG 2 A or AA violation that axe-core can find, on this page state."""
    violations = axe_violations(page)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations
    )


def describe(page: Page, server: Server, text: str = CRAMP) -> None:
    page.goto(f"{server.url}/")
    page.get_by_label("Describe the cramp, spasm or twitch in your own words").fill(text)
    page.get_by_role("button", name="Check it").click()
    page.wait_for_url(f"{server.url}/")
    expect(page.locator(".banner")).to_be_visible()


def log_in(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/diary")
    page.get_by_label("Your diary token").fill(server.token)
    page.get_by_role("button", name="Open my diary").click()
    expect(page.get_by_role("heading", name="Log an episode")).to_be_visible()


def no_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= window.innerWidth"
            " && document.body.scrollWidth <= window.innerWidth"
        )
    )
