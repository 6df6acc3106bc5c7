"""The engine's fast paths give exactly what the plain way gives.

Each speed-up is checked against a plain reference written here: screening
conditions by their gate findings against evaluating every condition, the
letter-trie regex against the plain alternation, the trie walk against a
plain depth-first walk, the spelling tolerance's deletion index against
comparing every known word. If a fast path ever drops a condition or a phrase, these fail.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from charley import advice
from charley.knowledge import load_knowledge
from charley.knowledge.conditions import Facts, Screen, evaluate, gate
from charley.knowledge.lexicon import (
    BOUNDARY,
    END,
    GAP,
    GAP_MAX,
    NUM,
    YEAR,
    Lexicon,
    Match,
    Trie,
    tokenize,
)
from charley.parse.quantities import either

KB = load_knowledge()
IDS = sorted(KB.findings)
SECTIONS = sorted(KB.screens)
ids = st.sampled_from(
    IDS + [f"level.{lv}" for lv in KB.triage.levels] + [f"kind.{k}" for k in KB.kinds]
)


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    present = frozenset(draw(st.lists(ids, max_size=12)))
    absent = frozenset(draw(st.lists(st.sampled_from(IDS), max_size=6))) - present
    history = frozenset(draw(st.lists(st.sampled_from(IDS), max_size=3)))
    values = {
        fid: draw(st.floats(min_value=0, max_value=400, allow_nan=False))
        for fid in draw(st.lists(st.sampled_from(sorted(present) or ["x"]), max_size=3))
        if fid in present
    }
    return Facts(present, absent, values, history)


@settings(max_examples=300)
@given(facts())
def test_screening_finds_exactly_the_conditions_that_hold(f: Facts) -> None:
    for section in SECTIONS:
        screen = KB.screens[section]
        everything = [i for i, cond in enumerate(screen.conds) if evaluate(cond, f)]
        assert [i for i, _, _ in screen.holding(f)] == everything, section


def test_every_section_is_screened_in_written_order() -> None:
    rules = KB.screens["rule"]
    assert rules.items == tuple(KB.triage.rules)
    assert KB.screens["kind"].items == tuple(KB.kinds.values())
    relief = [f for f in KB.profile.relief if f.when is not None]
    assert KB.screens["relief"].items == tuple(relief)


def test_a_gate_is_only_what_must_be_present() -> None:
    assert gate(("p", "sign.fever")) == frozenset({"sign.fever"})
    assert gate(("not", ("p", "sign.fever"))) is None
    assert gate(("a", "sign.fever")) is None
    assert gate(("all", (("a", "sign.fever"), ("p", "site.calf")))) == frozenset({"site.calf"})
    assert gate(("any", (("p", "site.calf"), ("u", "sign.fever")))) is None
    assert gate(("any", (("p", "site.calf"), ("v", "episode.minutes", ">", 10.0)))) == frozenset(
        {"site.calf", "episode.minutes"}
    )
    # a screen evaluates an item without a gate every time
    screen = Screen.build([("a", ("not", ("p", "x"))), ("b", ("p", "y"))])
    assert [item for _, item, _ in screen.holding(Facts())] == ["a"]
    assert [item for _, item, _ in screen.holding(Facts(frozenset({"x", "y"})))] == ["b"]


words_alphabet = st.text(alphabet="abn ", min_size=1, max_size=6).map(str.strip).filter(bool)


@settings(max_examples=300)
@given(st.lists(words_alphabet, min_size=1, max_size=8, unique=True), st.text("abn x", max_size=40))
def test_the_letter_trie_regex_matches_what_the_plain_alternation_matches(
    words: list[str], text: str
) -> None:
    plain = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    assert re.findall(either(words), text) == re.findall(f"(?:{plain})", text)
    tail = r"\s+x"  # what follows a word must not change which word is taken
    got = [m.span() for m in re.finditer(either(words) + tail, text)]
    assert got == [m.span() for m in re.finditer(f"(?:{plain}){tail}", text)]


SPELLINGS = KB.language.spellings
FILL = {GAP: "really", NUM: "3", YEAR: "2015"}


def _phrases(node: Trie, path: tuple[str, ...] = ()) -> list[str]:
    """Every phrase in the lexicon, its slots filled with a word, a number, a year."""
    out: list[str] = []
    for key, child in node.items():
        if key == END:
            out.append(" ".join(FILL.get(w, w) for w in path))
        else:
            out.extend(_phrases(child, (*path, key)))  # type: ignore[arg-type]
    return out


PHRASES = sorted(_phrases(KB.lexicon.root))
OTHER = [".", ",", "and", "my", "i", "10", "two", "really", *sorted(SPELLINGS)[:40]]
texts = st.lists(st.sampled_from(PHRASES) | st.sampled_from(OTHER), max_size=12).map(" ".join)


def _edges(lexicon: Lexicon, node: Trie, word: str) -> list[Trie]:
    out = []
    if word in node:
        out.append(node[word])
    if NUM in node and (word in lexicon.numbers or word[:1].isdigit()):
        out.append(node[NUM])
    if YEAR in node and len(word) == 4 and word.isdigit() and word[:2] in ("19", "20"):
        out.append(node[YEAR])
    return out  # type: ignore[return-value]


def _scan_plain(lexicon: Lexicon, words: list[str]) -> list[Match]:
    """Longest phrase at each free position, by a plain depth-first walk."""
    taken = [False] * len(words)
    found: list[Match] = []
    for start in range(len(words)):
        if taken[start] or words[start] in BOUNDARY:
            continue
        best: Match | None = None
        stack: list[tuple[Trie, int, tuple[int, ...]]] = [(lexicon.root, start, ())]
        while stack:
            node, pos, anchors = stack.pop()
            if anchors and END in node and (best is None or anchors[-1] > best.last):
                best = Match(anchors[0], anchors[-1], anchors, tuple(node[END]))  # type: ignore[arg-type]
            if GAP in node and anchors:
                for skip in range(1, GAP_MAX + 1):
                    p = pos + skip - 1
                    if p >= len(words) or words[p] in lexicon.gap_stops:
                        break
                    nxt = pos + skip
                    if nxt < len(words) and not taken[nxt]:
                        for child in _edges(lexicon, node[GAP], words[nxt]):  # type: ignore[arg-type]
                            stack.append((child, nxt + 1, (*anchors, nxt)))
            if pos < len(words) and not taken[pos]:
                for child in _edges(lexicon, node, words[pos]):
                    stack.append((child, pos + 1, (*anchors, pos)))
        if best is not None:
            for a in best.anchors:
                taken[a] = True
            found.append(best)
    return found


@settings(max_examples=300)
@given(texts)
def test_the_trie_walk_finds_what_a_plain_walk_finds(text: str) -> None:
    words = tokenize(text, SPELLINGS.get).words
    assert KB.lexicon.scan(words) == _scan_plain(KB.lexicon, words)


def test_citations_are_resolved_once_and_their_json_is_a_fresh_copy() -> None:
    citations = KB.triage.rules[0].citations
    first, again = advice.cite(KB, citations), advice.cite(KB, citations)
    assert first is again
    data = first[0].to_dict()
    data["source"] = "changed"
    assert first[0].to_dict()["source"] == citations[0].source
