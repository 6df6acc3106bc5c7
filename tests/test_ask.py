"""charley ask: questions in lay words answered with cited statements.

The questions and what must answer them are data (tests/data/questions.yaml),
written before the search was tuned.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charley import ask as ask_module
from charley.ask import MAX_QUESTION, ask, question_terms
from charley.errors import InputError

DATA = Path(__file__).parent / "data"
QUESTIONS: list[dict[str, Any]] = yaml.safe_load((DATA / "questions.yaml").read_text())["questions"]
ANSWERABLE = [q for q in QUESTIONS if "expect" in q]
NONE = [q for q in QUESTIONS if q.get("none")]
SYMPTOMS = [q for q in QUESTIONS if "triage" in q]
EMERGENCY = ("emergency", "emergency_ambulance")


def test_the_set_is_big_enough_and_covers_every_section() -> None:
    from charley.knowledge.loader import load_knowledge
    from charley.statements import all_statements

    sections = {s.section for s in all_statements(load_knowledge())}
    expected = {i.split(".")[0] for q in ANSWERABLE for i in q["expect"]}
    assert len(ANSWERABLE) >= 30 and len(NONE) >= 5 and len(SYMPTOMS) >= 5
    assert sum(q["triage"] in EMERGENCY for q in SYMPTOMS) >= 2
    assert sections <= expected, sections - expected


def test_recall_at_3_is_at_least_90_percent() -> None:
    misses = []
    for q in ANSWERABLE:
        ids = [s.id for s in ask(q["question"]).statements]
        if not set(ids) & set(q["expect"]):
            misses.append((q["question"], ids))
    recall = 1 - len(misses) / len(ANSWERABLE)
    assert recall >= 0.9, misses


@pytest.mark.parametrize("q", NONE, ids=lambda q: q["question"])
def test_an_off_topic_question_finds_nothing(q: dict[str, Any]) -> None:
    answer = ask(q["question"])
    assert answer.statements == ()
    assert answer.triage is None
    assert "Nothing in charley's sources answers" in answer.message


@pytest.mark.parametrize("q", SYMPTOMS, ids=lambda q: q["question"])
def test_a_described_symptom_goes_to_the_checker(q: dict[str, Any]) -> None:
    answer = ask(q["question"])
    assert answer.triage is not None
    assert answer.triage["triage"]["level"] == q["triage"]
    if q["triage"] in EMERGENCY:
        assert answer.statements == ()
        assert answer.triage["triage"]["label"] in answer.message


def test_a_question_about_ones_own_twitch_gets_both_the_guide_and_the_checker() -> None:
    answer = ask("why does my eye twitch?")
    assert answer.statements
    assert answer.triage is not None and answer.triage["triage"]["level"] == "self_care"


def test_a_general_question_gets_no_triage() -> None:
    answer = ask("can statins cause cramps?")
    assert answer.triage is None
    assert answer.statements[0].id == "medicines.statins"


@pytest.mark.parametrize(
    "question",
    ["what is a charley horse?", "how long does a twitch last?", "why do calves cramp at night?"],
)
def test_a_question_about_spasms_in_general_gets_the_guide_not_the_checker(question: str) -> None:
    answer = ask(question)
    assert answer.triage is None
    assert answer.statements


def test_the_same_words_about_oneself_get_the_checker_too() -> None:
    answer = ask("why do my calves cramp at night?")
    assert answer.triage is not None
    assert answer.statements


def test_a_general_question_about_an_emergency_sign_is_answered_as_one() -> None:
    answer = ask("what does crushing chest pain mean?")
    assert answer.triage is not None
    assert answer.triage["triage"]["level"] in EMERGENCY
    assert answer.statements == ()


def test_the_same_question_twice_gives_the_same_answer() -> None:
    for q in QUESTIONS[:10]:
        assert ask(q["question"]).to_dict() == ask(q["question"]).to_dict()


def test_limit_bounds_the_statements() -> None:
    assert len(ask("what helps cramps at night?", limit=1).statements) == 1
    assert len(ask("what helps cramps at night?", limit=5).statements) == 5


def test_a_one_letter_stem_finds_nothing() -> None:
    # the stemmer reads "eing" as "e"; "e.g." in a statement is not an answer
    assert ask("EING").statements == ()


def test_how_a_question_is_asked_picks_the_part_of_the_guide() -> None:
    # the same content words, asked for different parts of the guide
    first = {
        q: ask(q).statements[0].section
        for q in (
            "how long does a cramp last?",
            "how do I stop getting cramps?",
            "what causes cramps?",
            "which doctor should I see about cramps?",
        )
    }
    assert first == {
        "how long does a cramp last?": "durations",
        "how do I stop getting cramps?": "prevention",
        "what causes cramps?": "causes",
        "which doctor should I see about cramps?": "specialists",
    }


def test_misspellings_and_everyday_names_find_the_right_words() -> None:
    assert "charley" in question_terms("is a charlie horse bad?")[0].words
    assert any("twitch" in t.words for t in question_terms("how long does a twich last?"))
    assert any("statin" in t.words for t in question_terms("is lipitor to blame?"))


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_QUESTION + 1)])
def test_an_empty_or_too_long_question_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        ask(text)


def test_the_json_carries_each_statement_with_its_citations() -> None:
    data = ask("can statins cause cramps?").to_dict()
    assert set(data) == {"question", "statements", "triage", "message"}
    first = data["statements"][0]
    assert set(first) == {"id", "section", "label", "text", "citations"}
    for c in first["citations"]:
        assert c["title"] and ("quote" in c) != ("summary" in c)


def _stems(text: str) -> set[str]:
    """The words of `text` as the search compares them: SQLite's own Porter
    stemmer ("ages" and "AG" are both "ag"), read back from an FTS5 vocabulary."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        conn.execute("INSERT INTO t VALUES (?)", (text,))
        return {row[0] for row in conn.execute("SELECT term FROM v")}
    finally:
        conn.close()


def _shares_a_word(question_words: list[str], said: str) -> bool:
    """A word of the question is a word of `said`; a long word (five letters
    or more) also matches the longer words it starts ("physio", "physiotherapy")."""
    stems = _stems(said)
    for word in question_words:
        for q in _stems(word):
            if q in stems or (len(word) >= 5 and any(s.startswith(q) for s in stems)):
                return True
    return False


def _assert_each_answer_shares_a_word_or_was_asked_for(text: str, answer: Any) -> None:
    """Each statement shares a word with the question (or a synonym of one), or
    is in a part of the guide the question asks for ("how long" -> durations)."""
    terms = question_terms(text)
    words = [w for t in terms for w in t.words]
    asked = {section for t in terms for section in t.sections}
    for s in answer.statements:
        cited = " ".join(c.quote or c.summary for c in s.citations)
        said = " ".join((s.label, s.text, cited, *s.examples))
        assert _shares_a_word(words, said) or s.section in asked, (text, s.id)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=MAX_QUESTION))
def test_any_text_never_crashes_and_answers_share_a_word(text: str) -> None:
    if not text.strip():
        return
    _assert_each_answer_shares_a_word_or_was_asked_for(text, ask(text))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "cramp",
                "calf",
                "night",
                "statin",
                "magnesium",
                "twitch",
                "bread",
                "france",
                "my",
                "the",
                "is",
                "what",
                "why",
                "chest",
                "pain",
                "swollen",
                "hot",
                "stretch",
                "water",
            ]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_questions_of_charleys_words_answer_with_matching_statements(words: list[str]) -> None:
    text = " ".join(words) + "?"
    answer = ask(text)
    if answer.triage and answer.triage["triage"]["level"] in EMERGENCY:
        assert answer.statements == ()
    _assert_each_answer_shares_a_word_or_was_asked_for(text, answer)


def test_the_index_is_cached_by_digest_and_rebuilt_when_the_knowledge_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from charley.knowledge.loader import load_knowledge

    monkeypatch.setenv("CHARLEY_CACHE_DIR", str(tmp_path))
    kb = load_knowledge()
    first = ask_module.open_index(kb)
    path = Path(ask_module.index_path(kb))
    assert path.exists()
    ids = [s.id for s in first.search(question_terms("statins"), 3)]
    # read back from the file: the same answers
    assert [s.id for s in ask_module.open_index(kb).search(question_terms("statins"), 3)] == ids
    changed = replace(kb, digest="0" * 20)
    ask_module.open_index(changed)
    assert Path(ask_module.index_path(changed)).exists()
    assert not path.exists()  # the old index is gone


def test_an_unwritable_cache_folder_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from charley.knowledge.loader import load_knowledge

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CHARLEY_CACHE_DIR", str(blocker / "cache"))
    index = ask_module.open_index(load_knowledge())
    found = index.search(question_terms("can statins cause cramps?"), 3)
    assert "medicines.statins" in [s.id for s in found]
    assert not (blocker / "cache").exists()
