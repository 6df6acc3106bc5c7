"""Nothing leaves the machine, in a real browser: every page charley offers,
an unknown address and the favicon load only from charley itself (the `page`
fixture fails a test that reached any other host), and every page passes axe-core."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from tests.web.browser import PHONE, assert_accessible, needs_chromium
from tests.web.conftest import Server

pytestmark = needs_chromium

PAGES = [
    ("/", "Check a muscle cramp"),
    ("/docs", "charley's API"),
    ("/interview", None),
    ("/diary", None),
]


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p for p, _ in PAGES])
def test_each_page_loads_only_from_charley_and_is_accessible(
    page: Page, server: Server, path: str, heading: str | None
) -> None:
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    response = page.goto(f"{server.url}{path}")
    assert response is not None and response.status == 200
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_be_visible()
    if heading is not None:
        expect(page.locator("h1")).to_contain_text(heading)
    # the style sheet and the icon came from charley, and were used
    assert f"{server.url}/static/charley.css" in loaded
    assert page.evaluate("() => getComputedStyle(document.body).margin") == "0px"
    assert_accessible(page)


def test_docs_is_readable_on_a_phone_and_its_links_stay_on_the_page(
    page: Page, server: Server
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/docs")
    page.get_by_role("link", name="POST /v1/assess").click()
    expect(page).to_have_url(f"{server.url}/docs#op-POST--v1-assess")
    section = page.get_by_role("region", name="POST /v1/assess")
    expect(section.get_by_role("table", name="Responses")).to_contain_text("422")
    section.get_by_role("link", name="AssessRequest").click()
    expect(page.locator("#schema-AssessRequest")).to_be_in_viewport()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_redoc_leads_to_docs(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/redoc")
    expect(page).to_have_url(f"{server.url}/docs")
    expect(page.locator("h1")).to_have_text("charley's API")


def test_an_unknown_page_is_a_page_with_a_link_home(page: Page, server: Server) -> None:
    response = page.goto(f"{server.url}/no/such/page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert "application/json" not in (response.header_value("content-type") or "")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the start").click()
    expect(page).to_have_url(f"{server.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def at_path(path: str) -> Callable[[Response], bool]:
    def matches(response: Response) -> bool:
        return urlsplit(response.url).path == path

    return matches


def test_favicon_is_an_image_from_charley(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    expect(page.locator('link[rel="icon"]')).to_have_attribute("href", "/static/favicon.svg")
    # Loaded and drawn as a browser does with an icon (the page's CSP allows
    # images from charley only), at both addresses.
    for address in ("/static/favicon.svg", "/favicon.ico"):
        with page.expect_response(at_path(address)) as seen:
            width = page.evaluate(
                """async (href) => {
                    const img = new Image();
                    img.src = href + "?drawn";
                    await img.decode();
                    return img.naturalWidth;
                }""",
                address,
            )
        response = seen.value
        assert response.status == 200, address
        assert (response.header_value("content-type") or "").startswith("image/svg+xml")
        assert width > 0, address
