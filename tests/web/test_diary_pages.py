"""The diary on the page, server side: errors beside their fields, numbers in words,
times in the person's zone, changing and deleting an episode, the report and the chart."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from tests.web import test_pages
from tests.web.test_pages import Site, episode_count, login

site = test_pages.site  # the same fixture: a fresh diary with two people

CALM = "my left calf cramped for two minutes and eased when I stretched it"
WORSE = "crushing chest pain, I can't breathe"
AUCKLAND = "Pacific/Auckland"


def log(on: Site, **data: str) -> str:
    """Log an episode; its page's path."""
    r = on.client.post("/diary/log", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"]).split("?")[0]


def api_episodes(site: Site, token: str | None = None) -> list[dict[str, object]]:
    r = site.client.get("/v1/episodes", headers={"Authorization": f"Bearer {token or site.token}"})
    return list(r.json()["episodes"])


def test_every_problem_is_listed_and_shown_beside_its_field(site: Site) -> None:
    login(site)
    r = site.client.post("/diary/log", data={"minutes": "lots", "severity": "eleven"})
    assert r.status_code == 422
    page = r.text
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    assert "There is a problem" in summary
    assert [m for m in re.findall(r'href="#(\w+)"', summary)] == ["site", "minutes", "severity"]
    for name in ("site", "minutes", "severity"):
        assert (
            f'<p class="field-error" id="{name}-error"><span class="visually-hidden">Error:</span>'
            in page
        )
        tag = re.search(rf'<(?:input|select) id="{name}"[^>]*>', page)
        assert tag is not None
        assert 'aria-invalid="true"' in tag.group(0) and f"{name}-error" in tag.group(0)
    assert re.search(r'<input id="tried"[^>]*aria-invalid', page) is None
    assert "<title>Error: " in page
    assert episode_count(site) == 0


@pytest.mark.parametrize(
    ("minutes", "severity", "seconds", "pain"),
    [("five", "seven", 300, 7), ("two and a half", "3", 150, 3), ("0,5", "ten", 30, 10)],
)
def test_numbers_in_words_are_read(
    site: Site,
    minutes: str,
    severity: str,
    seconds: float,
    pain: int,
) -> None:
    login(site)
    log(site, site="calf", minutes=minutes, severity=severity)
    (saved,) = api_episodes(site)
    assert saved["duration_seconds"] == seconds and saved["severity"] == pain


def test_a_date_and_time_are_the_browsers_and_shown_back_in_it(site: Site) -> None:
    login(site)
    path = log(site, site="calf", date="2025-03-01", time="03:30", tz=AUCKLAND)
    (saved,) = api_episodes(site)
    started = datetime.fromisoformat(str(saved["started_at"]))
    assert started == datetime(2025, 3, 1, 3, 30, tzinfo=ZoneInfo(AUCKLAND))
    assert saved["at_night"] is True  # 03:30 in Auckland, whatever the server's zone
    page = site.client.get(path).text
    assert "Episode of Sat 1 Mar 2025, 03:30" in page
    assert "03:30" in site.client.get("/diary").text


def test_an_unknown_zone_is_ignored(site: Site) -> None:
    login(site)
    r = site.client.post(
        "/diary/log", data={"site": "calf", "tz": "../../etc/passwd"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "charley_tz" not in r.headers.get("set-cookie", "")


def test_days_ago_is_that_day_at_noon(site: Site) -> None:
    login(site)
    log(site, site="calf", when="2 days ago", tz=AUCKLAND)
    (saved,) = api_episodes(site)
    local = datetime.fromisoformat(str(saved["started_at"])).astimezone(ZoneInfo(AUCKLAND))
    assert local.date() == (datetime.now(ZoneInfo(AUCKLAND)) - timedelta(days=2)).date()
    assert (local.hour, local.minute) == (12, 0)


def test_changing_an_episode_re_assesses_it(site: Site) -> None:
    login(site)
    path = log(site, text=CALM, date="2025-03-01", time="08:00", tz=AUCKLAND)
    assert "You can look after this at home" in site.client.get(path).text
    form = site.client.get(f"{path}/edit").text
    assert CALM in form and 'value="2025-03-01"' in form and 'value="08:00"' in form
    r = site.client.post(
        f"{path}/edit",
        data={"text": WORSE, "site": "calf", "date": "2025-03-01", "time": "08:00", "tz": AUCKLAND},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"{path}?changed=1"
    page = site.client.get(r.headers["location"]).text
    assert "Your changes are saved" in page
    assert "You can look after this at home" not in page
    assert re.search(r"Call 999 now|Go to A&amp;E now", page)
    assert episode_count(site) == 1


def test_a_bad_change_shows_the_errors_and_changes_nothing(site: Site) -> None:
    login(site)
    path = log(site, site="calf", severity="3")
    r = site.client.post(f"{path}/edit", data={"site": "calf", "severity": "14"})
    assert r.status_code == 422 and "There is a problem" in r.text
    (saved,) = api_episodes(site)
    assert saved["severity"] == 3


def test_delete_asks_first_then_deletes(site: Site) -> None:
    login(site)
    path = log(site, site="calf")
    ask = site.client.get(f"{path}/delete")
    assert ask.status_code == 200 and "Yes, delete it" in ask.text
    assert episode_count(site) == 1  # asking deletes nothing
    r = site.client.post(f"{path}/delete", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/diary?deleted=1"
    assert "The episode was deleted" in site.client.get(r.headers["location"]).text
    assert episode_count(site) == 0
    assert site.client.get(path).status_code == 404


def test_another_persons_episode_cannot_be_seen_changed_or_deleted(site: Site) -> None:
    login(site)
    path = log(site, site="calf", severity="3")
    login(site, site.other_token)
    for method, suffix in (("get", ""), ("get", "/edit"), ("get", "/delete")):
        assert getattr(site.client, method)(f"{path}{suffix}").status_code == 404
    assert site.client.post(f"{path}/edit", data={"site": "foot"}).status_code == 404
    assert site.client.post(f"{path}/delete").status_code == 404
    (saved,) = api_episodes(site)
    assert saved["severity"] == 3


def test_episode_pages_are_named_by_public_id(site: Site) -> None:
    """The page's links hold the episode's public id, never a count of everyone's episodes."""
    login(site, site.other_token)
    log(site, site="foot")  # bob's, so that ann's first is the second on the server
    login(site)
    path = log(site, site="calf", severity="3")
    (saved,) = api_episodes(site)
    assert path == f"/diary/episodes/{saved['id']}"
    assert UUID(path.rsplit("/", 1)[1]).version == 7
    assert f'href="{path}"' in site.client.get("/diary").text
    near = path[:-1] + ("1" if path.endswith("0") else "0")
    for other in ("/diary/episodes/2", "/diary/episodes/1", f"{path}x", near):
        for suffix in ("", "/edit", "/delete"):
            r = site.client.get(f"{other}{suffix}")
            assert r.status_code == 404 and "No such episode" in r.text, other
    assert site.client.get(path.upper().replace("/DIARY/EPISODES", "/diary/episodes")).is_success


def test_change_and_delete_refuse_cross_site_posts(site: Site) -> None:
    login(site)
    path = log(site, site="calf")
    evil = {"Origin": "https://evil.example"}
    assert site.client.post(f"{path}/delete", headers=evil).status_code == 403
    assert site.client.post(f"{path}/edit", data={"site": "foot"}, headers=evil).status_code == 403
    assert episode_count(site) == 1


def test_the_report_page_is_the_cli_report_with_the_sites_style(site: Site) -> None:
    login(site)
    log(site, text="left calf cramp <b>x</b>", site="calf", severity="5")
    r = site.client.get("/diary/report")
    assert r.status_code == 200
    page = r.text
    assert "Cramp diary report" in page and "episodes in this report" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert '<link rel="stylesheet" href="/diary/report.css">' in page
    assert "<style" not in page and " style=" not in page  # the page's CSP forbids them
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "<caption>The chart&#39;s figures" in page and 'scope="row"' in page
    css = site.client.get("/diary/report.css")
    assert css.status_code == 200 and "@media print" in css.text
    assert 'href="/diary/report"' in site.client.get("/diary").text


def test_the_phone_chart_is_drawn_for_a_phones_width(site: Site) -> None:
    login(site)
    log(site, site="calf", severity="5")
    sizes = {}
    for size in ("wide", "phone"):
        r = site.client.get(f"/diary/chart.svg?size={size}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
        width = re.search(r'<svg[^>]*width="([\d.]+)pt"', r.text)
        assert width is not None
        sizes[size] = float(width.group(1)) * 4 / 3  # CSS pixels
    # Shown 343 px wide on a 375 px phone: the phone chart is near its own size, the
    # wide one shrunk to about a third, so its 10-point words would be 4 px high.
    assert 300 <= sizes["phone"] <= 400
    assert 343 / sizes["wide"] < 0.4
    assert site.client.get("/diary/chart.svg").status_code == 200
    site.client.post("/diary/logout")
    assert site.client.get("/diary/chart.svg").status_code == 401


def test_the_api_put_re_assesses_too(site: Site) -> None:
    headers = {"Authorization": f"Bearer {site.token}"}
    made = site.client.post(
        "/v1/episodes",
        json={"started_at": "2025-03-01T08:00:00+00:00", "sites": [{"site": "calf"}], "text": CALM},
        headers=headers,
    ).json()
    assert made["level"] == "self_care"
    changed = site.client.put(
        f"/v1/episodes/{made['id']}",
        json={
            "started_at": "2025-03-01T08:00:00+00:00",
            "sites": [{"site": "calf"}],
            "text": WORSE,
        },
        headers=headers,
    ).json()
    assert str(changed["level"]).startswith("emergency")
