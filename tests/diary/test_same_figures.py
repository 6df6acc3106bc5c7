"""One diary, the same figures everywhere: `charley history`, `GET /v1/episodes/summary`,
the page's diary view and the HTML report show the same rates, trend and latest
assessment, from one definition of each (`Pattern.how_often`, `Pattern.trend_words`,
`assessing.latest_assessment`).

The diary is the one of the issue: a calm episode logged five days ago (its answer,
then, was to look after it at home), then seven more imported over the next days.
Eight episodes in five days is more than twice a week: see a doctor.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from charley.cli.app import app
from charley.diary import Diary, episode_in
from charley.diary.database import make_engine, migrate
from charley.diary.people import add_person
from charley.web import create_app
from tests.support.forms import FORM_ORIGIN

CALM = "my left calf cramped for two minutes and eased when I stretched it"
HOW_OFTEN = "8.0 a week overall, 8.0 in the last 14 days"
TREND = "too early to tell (a trend needs 8 weeks of diary; this one covers 1 week)"
SEE_A_DOCTOR = "Book an appointment"


def days_ago(days: int, hour: int = 12) -> str:
    day = datetime.now().astimezone().date() - timedelta(days=days)
    return datetime.combine(day, time(hour)).astimezone().isoformat()


def words(page: str) -> str:
    """What a reader sees: tags become spaces, entities are read, spaces collapse."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@dataclass
class Shared:
    url: str
    client: TestClient
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Shared]:
    """The diary of `charley` on this machine ("me"), also served with a token."""
    url = f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    token = add_person(engine, "me")
    engine.dispose()
    # Like a browser, the client says which page its forms come from.
    with TestClient(create_app(url), headers=FORM_ORIGIN) as client:
        first = client.post(
            "/v1/episodes",
            json={"started_at": days_ago(5), "sites": [{"site": "calf"}], "text": CALM},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert first.status_code == 201, first.text
        assert first.json()["level"] == "self_care"  # one calm cramp: home care, then
        more = [(4, 23), (4, 12), (3, 23), (3, 12), (2, 23), (1, 23), (1, 12)]
        with Diary(url) as diary:  # as `charley import` writes them: no assessment
            diary.add_many(
                episode_in({"started_at": days_ago(d, h), "sites": [{"site": "calf"}]})
                for d, h in more
            )
        yield Shared(url, client, token)


def test_history_the_api_the_page_and_the_report_agree(shared: Shared, tmp_path: Path) -> None:
    runner = CliRunner()
    history = runner.invoke(app, ["history", "--db", shared.url], env={"COLUMNS": "200"})
    assert history.exit_code == 0, history.stderr
    in_history = " ".join(history.stdout.split())

    summary = shared.client.get("/v1/episodes/summary", headers=shared.bearer).json()
    login = shared.client.post("/diary/login", data={"token": shared.token})
    assert login.status_code == 200
    on_the_page = words(shared.client.get("/diary").text)

    report = tmp_path / "report.html"
    written = runner.invoke(app, ["report", "--db", shared.url, "--html", str(report)])
    assert written.exit_code == 0, written.stderr
    in_the_report = words(report.read_text(encoding="utf-8"))
    on_the_report_page = words(shared.client.get("/diary/report").text)

    for shown in (in_history, on_the_page, in_the_report, on_the_report_page):
        assert HOW_OFTEN in shown
        assert TREND in shown
        assert "4.0 in the last 14 days" not in shown and "rising" not in shown
    assert f"latest assessment │ {SEE_A_DOCTOR} (episode of" in in_history
    assert f"Latest assessment {SEE_A_DOCTOR} (" in on_the_page
    for report_text in (in_the_report, on_the_report_page):
        assert f"Latest assessment {SEE_A_DOCTOR} (episode of" in report_text
        assert "Self-care" not in report_text and "look after this at home" not in report_text
        assert "coming back often: 8 a week" in report_text  # the pattern's reason, shown

    pattern = summary["pattern"]
    assert (pattern["per_week"], pattern["recent"]["per_week"]) == (8.0, 8.0)
    assert pattern["trend"] == "too early to tell"
    latest = summary["latest"]
    assert (latest["level"], latest["heading"]) == ("consultation", SEE_A_DOCTOR)
    assert "diary_recurring" in {r["rule"] for r in latest["reasons"]}
    as_json = json.loads(runner.invoke(app, ["history", "--db", shared.url, "--json"]).stdout)
    assert as_json["pattern"] == pattern
    assert as_json["latest"] == latest
