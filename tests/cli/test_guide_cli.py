"""`charley guide` as a person uses it: every topic with its sources, the list,
the JSON, and a clear error for a topic that does not exist."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from charley.cli.app import app
from charley.guide import guide_topics
from charley.knowledge import load_knowledge

runner = CliRunner()
KB = load_knowledge()
TOPICS = guide_topics(KB)


def _plain(text: str) -> str:
    return " ".join(text.split())


def test_every_topic_prints_each_statement_followed_by_a_source() -> None:
    for topic in TOPICS:
        result = runner.invoke(app, ["guide", topic.id, "--no-pager"], terminal_width=200)
        assert result.exit_code == 0, result.output
        out = _plain(result.output)
        assert topic.title in out
        for s in topic.statements:
            assert _plain(s.text) in out, s.id
            first = s.citations[0]
            words = first.quote if first.quote else first.summary
            after = out[out.index(_plain(s.text)) :]
            assert _plain(words) in after, s.id
            assert KB.sources[first.source].title in after, s.id


def test_the_whole_guide_prints_every_topic_in_order() -> None:
    result = runner.invoke(app, ["guide", "--no-pager"], terminal_width=200)
    assert result.exit_code == 0
    places = [result.output.index(f"(charley guide {t.id})") for t in TOPICS]
    assert places == sorted(places)


def test_list_names_each_topic_id_and_title() -> None:
    result = runner.invoke(app, ["guide", "--list"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [t.id for t in TOPICS]
    assert all(t.title in line for t, line in zip(TOPICS, lines, strict=True))


def test_an_unknown_topic_is_a_one_line_error_naming_the_topics() -> None:
    result = runner.invoke(app, ["guide", "cures"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "unknown topic 'cures'" in lines[0]
    assert all(t.id in lines[0] for t in TOPICS)


def test_json_has_every_topic_with_statements_and_resolved_citations() -> None:
    result = runner.invoke(app, ["guide", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [t["id"] for t in data["topics"]] == [t.id for t in TOPICS]
    statements = [s for t in data["topics"] for g in t["groups"] for s in g["statements"]]
    assert len(statements) == sum(len(t.statements) for t in TOPICS)
    for s in statements:
        assert s["citations"], s["id"]
        for c in s["citations"]:
            if c["kind"] == "article":
                assert c["quote"]
            else:
                assert c["summary"] and c["title"] and c["publisher"]


def test_json_of_one_topic_holds_only_that_topic() -> None:
    result = runner.invoke(app, ["guide", "relief", "--json"])
    data = json.loads(result.output)
    assert [t["id"] for t in data["topics"]] == ["relief"]
    calf = next(g for g in data["topics"][0]["groups"] if g["id"] == "relief-site-calf")
    assert calf["title"] == "Calf"


def test_an_answer_in_the_terminal_ends_with_its_guide_topics() -> None:
    result = runner.invoke(
        app, ["assess", "my left calf cramped for two minutes and eased when I stretched it"]
    )
    assert result.exit_code == 0
    out = result.output
    assert "Read more in the care guide" in out
    assert "charley guide relief" in out
    assert out.index("Read more in the care guide") > out.index("What to do now")
    full = runner.invoke(
        app,
        ["assess", "--full", "my left calf cramped for two minutes and eased when I stretched it"],
    ).output
    assert "Read more about easing a cramp in the calf: charley guide relief" in " ".join(
        full.split()
    )
