"""Safety properties, tested as properties.

- Adding a finding never lowers the level (for any description charley can
  assess; one it cannot assess is held at "see a doctor" and never reassured).
- The same input always gives the same answer.
- No input crashes the engine.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from charley import Findings, assess
from charley.knowledge import load_knowledge
from charley.triage import RANK, facts_for, triage

KB = load_knowledge()
IDS = sorted(i for i, f in KB.findings.items() if f.group != "quantity")
QUANTITIES = sorted(i for i, f in KB.findings.items() if f.group == "quantity")
WORDS = sorted(
    {w for f in KB.findings.values() for p in f.phrases for w in p.split() if w != "*"}
    | {c.phrase for c in KB.language.cues}
    | {".", ",", "and", "but", "my", "i", "for", "minutes", "days", "3", "10"}
)

finding_sets = st.lists(st.sampled_from(IDS), min_size=1, max_size=8, unique=True)
values = st.dictionaries(
    st.sampled_from(QUANTITIES), st.floats(min_value=0, max_value=400, allow_nan=False), max_size=3
)


def level_of(present: list[str], absent: list[str], vals: dict[str, float]) -> tuple[int, bool]:
    facts = facts_for(Findings.of(present=present, absent=absent, values=vals), KB)
    result = triage(facts, KB)
    return RANK[result.level], result.assessable


@settings(max_examples=400)
@given(finding_sets, st.lists(st.sampled_from(IDS), max_size=4), values, st.sampled_from(IDS))
def test_adding_a_finding_never_lowers_the_level(
    present: list[str], absent: list[str], vals: dict[str, float], extra: str
) -> None:
    before, assessable = level_of(present, absent, vals)
    after, _ = level_of([*present, extra], absent, vals)
    if assessable:
        assert after >= before, (present, absent, vals, extra)


@settings(max_examples=200)
@given(finding_sets, values, st.sampled_from(QUANTITIES), st.floats(0, 400))
def test_a_larger_number_never_lowers_the_level(
    present: list[str], vals: dict[str, float], which: str, more: float
) -> None:
    before, assessable = level_of(present, [], vals)
    bigger = {**vals, which: vals.get(which, 0.0) + more}
    after, _ = level_of(present, [], bigger)
    if assessable:
        assert after >= before


@settings(max_examples=200)
@given(finding_sets)
def test_what_cannot_be_assessed_is_never_reassured(present: list[str]) -> None:
    level, assessable = level_of(present, [], {})
    if not assessable:
        assert level > RANK["self_care"]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join))
def test_the_same_text_always_gives_the_same_answer(text: str) -> None:
    assert assess(text).to_dict() == assess(text).to_dict()


@settings(max_examples=300)
@given(st.text(max_size=5000))
def test_no_text_crashes_the_engine(text: str) -> None:
    result = assess(text)
    assert result.triage.level in RANK


@settings(max_examples=300)
@given(st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join))
def test_no_mix_of_known_words_crashes_the_engine(text: str) -> None:
    result = assess(text)
    assert result.triage.reasons, "every answer gives a reason"


PHRASES = sorted(
    {
        p
        for f in KB.findings.values()
        if f.group in ("sign", "symptom")
        for p in f.phrases
        if "*" not in p
    }
)


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join),
    st.sampled_from(PHRASES),
)
def test_adding_a_symptom_sentence_never_lowers_the_level(text: str, phrase: str) -> None:
    before = assess(text)
    after = assess(f"{text}. {phrase}.")
    if all(r.rule != KB.triage.fallback.id for r in before.triage.reasons):
        assert RANK[after.triage.level] >= RANK[before.triage.level], (text, phrase)
