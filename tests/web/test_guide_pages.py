"""The care guide page, server side: every topic and sentence with its sources,
the question box, and the guide links on the answer page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charley.guide import guide_topics
from charley.guide_links import statement_anchor
from charley.knowledge import load_knowledge
from charley.web.app import create_app
from tests.support.forms import FORM_ORIGIN

KB = load_knowledge()
TOPICS = guide_topics(KB)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("guide")
    with TestClient(create_app(f"sqlite:///{folder / 'd.sqlite3'}"), headers=FORM_ORIGIN) as c:
        yield c


def _li(page: str, anchor: str) -> str:
    start = page.index(f'<li id="{anchor}">')
    return html.unescape(page[start : page.index("</li>", start)])


def test_every_topic_is_in_the_contents_and_has_its_section(client: TestClient) -> None:
    page = client.get("/guide").text
    toc = page[page.index('id="toc-title"') : page.index("</nav>", page.index('id="toc-title"'))]
    for t in TOPICS:
        assert f'href="#{t.id}"' in toc
        assert f'<section class="topic" id="{t.id}"' in page
        assert html.escape(t.title) in page


def test_every_sentence_has_its_sources_behind_a_fold(client: TestClient) -> None:
    page = client.get("/guide").text
    for t in TOPICS:
        for s in t.statements:
            item = _li(page, statement_anchor(s.id))
            assert s.text in item
            fold = item[item.index('<details class="sources">') :]
            for c in s.citations:
                words = c.quote or c.summary
                assert words in fold, s.id
                assert KB.sources[c.source].title in fold, s.id


def test_the_guide_is_in_the_site_navigation(client: TestClient) -> None:
    page = client.get("/guide").text
    assert re.search(r'<a href="/guide" aria-current="page">Care guide</a>', page)
    assert '<a href="/guide">Care guide</a>' in client.get("/").text


def test_a_question_whose_words_are_in_a_statement_finds_it(client: TestClient) -> None:
    page = client.get("/guide", params={"q": "what is a charley horse"}).text
    answer = page[page.index('id="answer-title"') : page.index('id="toc-title"')]
    horse = next(s for s in KB.profile.aliases if s.id == "charley_horse")
    assert horse.text in html.unescape(answer)
    assert f'href="#{statement_anchor("aliases.charley_horse")}"' in answer


def test_symptoms_in_the_question_box_get_the_checkers_emergency_answer(client: TestClient) -> None:
    page = client.get("/guide", params={"q": "I have crushing chest pain"}).text
    answer = page[page.index('id="answer-title"') : page.index('id="toc-title"')]
    assert "Call 999 now" in answer
    assert 'href="tel:999"' in answer
    assert '<ul class="items guide">' not in answer


def test_nonsense_in_the_question_box_says_nothing_answers(client: TestClient) -> None:
    page = client.get("/guide", params={"q": "qwzx blorf vlump"}).text
    answer = page[page.index('id="answer-title"') : page.index('id="toc-title"')]
    assert "Nothing in charley" in answer


def test_the_answer_page_links_to_the_guide(client: TestClient) -> None:
    text = "My left calf cramped at 3am for two minutes and eased when I stretched it."
    page = client.post("/", data={"text": text}).text
    assert "Read more in the care guide" in page
    assert 'href="/guide#relief-site-calf"' in page
    assert 'href="/guide#s-kinds-cramp"' in page
    guide = client.get("/guide").text
    assert 'id="relief-site-calf"' in guide and 'id="s-kinds-cramp"' in guide


def test_at_the_emergency_levels_the_guide_link_comes_after_the_card(client: TestClient) -> None:
    page = client.post("/", data={"text": "crushing chest pain and my arm cramps"}).text
    assert page.index("Read more in the care guide") > page.index("Why charley says this")
