"""The care guide's topics: every statement in exactly one topic, in the order
people need it, grouped as the data says, and the level a warning sign says
is never below what the checker answers for it."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest

from charley.errors import KnowledgeError
from charley.guide import guide_topics
from charley.guide_links import links_for, positive_leaves, site_of
from charley.knowledge.compile import compile_knowledge
from charley.knowledge.conditions import Facts
from charley.knowledge.loader import load_knowledge, parse_yaml, read_data
from charley.knowledge.schema import LEVELS
from charley.statements import all_statements
from charley.triage import triage
from tests.conftest import SOURCES, needs_shared

KB = load_knowledge()
TOPICS = guide_topics(KB)
ORDER = [
    "what",
    "where",
    "causes",
    "risk-factors",
    "medicines",
    "get-help",
    "treatment",
    "relief",
    "prevention",
    "whom-to-see",
    "look-alikes",
]


def test_every_statement_is_in_exactly_one_topic() -> None:
    shown = Counter(s.id for t in TOPICS for s in t.statements)
    every = [s.id for s in all_statements(KB)]
    assert sorted(shown) == sorted(every)
    assert [sid for sid, n in shown.items() if n > 1] == []


def test_the_topics_come_in_the_order_people_need_them() -> None:
    assert [t.id for t in TOPICS] == ORDER
    assert all(t.title and t.intro for t in TOPICS)


def test_what_a_spasm_is_holds_its_summary_names_kinds_muscles_signs_and_durations() -> None:
    what = next(t for t in TOPICS if t.id == "what")
    sections = [s.section for s in what.statements if s.section != "disagreements"]
    assert list(dict.fromkeys(sections)) == [
        "summary",
        "aliases",
        "kinds",
        "muscle_types",
        "signs",
        "durations",
    ]


def test_relief_is_grouped_by_the_body_part_its_condition_names() -> None:
    relief = next(t for t in TOPICS if t.id == "relief")
    calf = next(g for g in relief.groups if g.id == "relief-site-calf")
    assert calf.title == "Calf"
    assert [s.id for s in calf.statements] == ["relief.calf_stretch"]
    anywhere = relief.groups[0]
    assert anywhere.title == KB.guide.any_part_title  # type: ignore[union-attr]
    assert "relief.gentle_stretch" in [s.id for s in anywhere.statements]
    for g in relief.groups:
        for s in g.statements:
            site = site_of(s.when)
            assert g.id.endswith(site.replace(".", "-").replace("_", "-") if site else "any")


def test_when_to_get_help_is_grouped_by_the_triage_levels_most_urgent_first() -> None:
    get_help = next(t for t in TOPICS if t.id == "get-help")
    names = {name.rstrip(".") for name in KB.triage.levels.values()}
    level_groups = [g for g in get_help.groups if g.title in names]
    assert next(g.title for g in level_groups) == KB.triage.levels["emergency_ambulance"].rstrip(
        "."
    )
    chest = next(
        g for g in get_help.groups if "warning_signs.chest_pain" in [s.id for s in g.statements]
    )
    assert chest.id == "get-help-emergency-ambulance"
    unlock = next(
        g for g in get_help.groups if "while_waiting.unlock_door" in [s.id for s in g.statements]
    )
    assert unlock.title.startswith("While you wait")
    recurring = next(
        g for g in get_help.groups if "warning_signs.recurring" in [s.id for s in g.statements]
    )
    assert recurring.id == "get-help-consultation"


def test_each_disagreement_is_shown_in_its_topic_with_both_sides_cited() -> None:
    placed = {s.id: t.id for t in TOPICS for s in t.statements if s.section == "disagreements"}
    assert placed["disagreements.stiff_neck"] == "get-help"
    assert placed["disagreements.twitch_or_spasm"] == "what"
    assert placed["disagreements.how_much_to_drink"] == "prevention"
    for t in TOPICS:
        for s in t.statements:
            if s.section == "disagreements":
                assert len({c.source for c in s.citations}) >= 2, s.id


def _minimal(when: object) -> set[str]:
    """The fewest findings that make a condition hold (the first of each `any`)."""
    if isinstance(when, str):
        return {when}
    if isinstance(when, dict):
        ((key, body),) = when.items()
        if key == "any":
            return _minimal(body[0])
        if key == "all":
            return set().union(*(_minimal(b) for b in body))
    return set()


def test_a_warning_sign_never_says_less_urgent_than_the_checker() -> None:
    """With a cramp and the warning sign, the rules the checker fires never reach
    a level above the one the guide files the sign under."""
    for fact in KB.profile.warning_signs:
        present = _minimal(fact.when) | {"symptom.cramp"}
        for fid in list(present):
            present.update(KB.implies.get(fid, ()))
        fired = triage(Facts(frozenset(present)), KB).fired
        checker = max((f.rule.level for f in fired), key=LEVELS.index, default="self_care")
        assert fact.level is not None
        assert LEVELS.index(fact.level) >= LEVELS.index(checker), fact.id


def _docs() -> dict[str, object]:
    return parse_yaml(read_data())


def test_guide_yaml_that_leaves_out_a_section_or_repeats_one_is_refused() -> None:
    docs = _docs()
    broken = copy.deepcopy(docs)
    guide = broken["guide"]
    assert isinstance(guide, dict)
    guide["topics"][1]["parts"] = []  # "where" loses the sites
    guide["topics"][2]["parts"].append({"section": "relief"})  # relief in two topics
    guide["topics"][0]["id"] = "What Is It"
    with pytest.raises(KnowledgeError) as caught:
        compile_knowledge(broken, "test")
    problems = "\n".join(caught.value.problems)
    assert "section 'sites' is in no topic" in problems
    assert "section 'relief' is in 'causes' too" in problems or "'relief' is in" in problems
    assert "lower-case letters" in problems


def test_question_frames_for_an_unknown_section_or_a_phrase_twice_are_refused() -> None:
    broken = copy.deepcopy(_docs())
    guide = broken["guide"]
    assert isinstance(guide, dict)
    guide["questions"].append({"asks": ["durations", "lasting"], "phrases": ["how long", " "]})
    with pytest.raises(KnowledgeError) as caught:
        compile_knowledge(broken, "test")
    problems = "\n".join(caught.value.problems)
    assert "unknown section 'lasting'" in problems
    assert "phrase 'how long' stands in another entry too" in problems
    assert "phrase ' ' has no words" in problems


def test_links_for_a_calf_cramp_go_to_its_kind_and_calf_relief() -> None:
    from charley.assess import assess

    answer = assess("my left calf cramped for two minutes and eased when I stretched it").to_dict()
    links = links_for(answer, KB)
    assert [link.topic for link in links] == ["what", "relief"]
    assert links[1].anchor == "relief-site-calf"
    assert "calf" in links[1].label


def test_every_link_an_answer_gives_names_a_place_in_the_guide() -> None:
    from charley.assess import assess

    anchors = {g.id for t in TOPICS for g in t.groups}
    anchors |= {
        f"s-{s.id.replace('.', '-').replace('_', '-')}" for t in TOPICS for s in t.statements
    }
    texts = [
        "crushing chest pain",
        "my thigh has been cramping for an hour and my pee is dark brown",
        "my calf is swollen, red and warm and it cramps",
        "I get calf cramps most nights and they wake me up",
        "my eyelid keeps twitching",
        "my neck went into spasm after sleeping awkwardly",
    ]
    for text in texts:
        for link in links_for(assess(text).to_dict(), KB):
            assert link.anchor in anchors, (text, link)
            assert link.topic in ORDER


def test_positive_leaves_skip_what_must_be_absent() -> None:
    when = {"all": [{"any": ["site.quadriceps", {"not": "site.hamstring"}]}, "kind.cramp"]}
    assert positive_leaves(when) == ["site.quadriceps", "kind.cramp"]


@needs_shared
def test_kb_check_finds_a_guide_sentence_whose_quote_is_not_in_its_article(tmp_path: Path) -> None:
    from charley.knowledge.check import check_guide

    assert check_guide(KB, SOURCES) == []
    for src in SOURCES.iterdir():
        if src.suffix == ".txt":
            (tmp_path / src.name).write_text("nothing of the sort", encoding="utf-8")
    problems = check_guide(KB, tmp_path)
    assert any(p.startswith("guide.what.summary.muscle_spasm: quote not found") for p in problems)
