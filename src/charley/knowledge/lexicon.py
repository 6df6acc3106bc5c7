"""The lexicon: every phrase charley knows, compiled into a word trie.

Finding phrases, context cues and terminators share one trie so that the
longest phrase wins: "haven't helped" (a finding) beats "haven't" (a cue),
and "got back" (a pseudo cue) keeps "back" from meaning the back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

# words (with text-speak such as "2nite" or "b4" kept whole, and a clinician's
# "c/o", "h/o", "n/v" as one word), numbers, sentence ends, commas
WORD = re.compile(
    r"\b[a-z]/[a-z]\b|[a-z_]+(?:'[a-z]+|(?<=in)')?(?:\d[a-z\d]*)?|\d+[a-z][a-z\d]*"
    r"|\d+(?:\.\d+)?|[.!?;:\n]|,"
)
BOUNDARY = frozenset({".", "!", "?", ";", ":", "\n"})
GAP = "*"
GAP_MAX = 4
NUM = "<num>"
YEAR = "<year>"
END = "$"

# A payload says what a phrase means:
#   ("finding", finding_id, "present" | "absent")
#   ("class", class_id, "")           a word of a class, for compositions
#   ("cue", category, direction)
#   ("term", "all" | "history", "")
Payload = tuple[str, str, str]
Trie = dict[str, object]


@dataclass(frozen=True, slots=True)
class Tokens:
    """Words in order, each with where it stands in the text and whether a
    comma came right before it."""

    words: list[str]
    spans: list[tuple[int, int]]
    commas: list[bool]


def normalise(text: str) -> str:
    """Lower-case and straighten quotes so that words compare equal."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")


def tokenize(text: str, fix: Callable[[str], str | None]) -> Tokens:
    """Split normalised text into words, numbers and sentence ends.

    Commas and hyphens vanish, so "stiff, painful neck" reads as
    "stiff painful neck" and "claw-like" as "claw like"; a comma is kept as
    a mark on the next word, because it ends the reach of "no".
    `fix` gives the word charley knows for a word, or None: misspellings
    are put right ("cramo" -> "cramp"), and one word may become two
    ("charleyhorse" -> "charley horse"), both keeping the word's place.
    """
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    commas: list[bool] = []
    comma = False
    for m in WORD.finditer(text):
        word = m[0]
        if word == ",":
            comma = True
            continue
        fixed = fix(word)
        if fixed is None:
            words.append(word)
            spans.append(m.span())
            commas.append(comma)
        else:
            # ", nothing's swollen": the comma stands before the first word only
            for n, part in enumerate(fixed.split()):
                words.append(part)
                spans.append(m.span())
                commas.append(comma and n == 0)
        comma = False
    return Tokens(words, spans, commas)


class Match(NamedTuple):
    first: int
    last: int
    anchors: tuple[int, ...]
    payloads: tuple[Payload, ...]


class Lexicon:
    """A trie of phrases; `scan` finds the longest phrase at each free position."""

    __slots__ = ("gap_stops", "numbers", "root")

    def __init__(self, numbers: frozenset[str], gap_stops: frozenset[str] = frozenset()) -> None:
        self.root: Trie = {}
        self.numbers = numbers
        # a gap ("pain in * chest") never skips a negation or a terminator:
        # "neck but my head isn't twisting" is not "neck * twisting"
        self.gap_stops = gap_stops | BOUNDARY

    def add(self, phrase: str, payload: Payload, spellings: dict[str, str]) -> None:
        node = self.root
        marked = normalise(phrase).replace("*", " _gap_ ")
        marked = marked.replace("<num>", " _num_ ").replace("<year>", " _year_ ")
        special = {"_gap_": GAP, "_num_": NUM, "_year_": YEAR}
        words = [special.get(w, w) for w in tokenize(marked, spellings.get).words]
        if not words:
            raise ValueError(f"empty phrase {phrase!r}")
        for w in words:
            child = node.get(w)
            if child is None:
                child = {}
                node[w] = child
            node = child  # type: ignore[assignment]
        payloads = node.setdefault(END, [])
        if payload not in payloads:  # type: ignore[operator]
            payloads.append(payload)  # type: ignore[attr-defined]

    def _edges(self, node: Trie, word: str) -> list[Trie]:
        """The children of `node` that `word` leads to: the word itself, and
        a number or year slot when the word is one."""
        out: list[Trie] = []
        child = node.get(word)
        if child is not None:
            out.append(child)  # type: ignore[arg-type]
        if NUM in node and (word in self.numbers or word[:1].isdigit()):
            out.append(node[NUM])  # type: ignore[arg-type]
        if YEAR in node and len(word) == 4 and word.isdigit() and word[:2] in ("19", "20"):
            out.append(node[YEAR])  # type: ignore[arg-type]
        return out

    def longest(
        self, words: list[str], start: int, taken: list[bool], numeric: list[bool]
    ) -> Match | None:
        """The longest phrase that starts at `start`, or None.

        A depth-first walk; of phrases ending at the same word, the first
        one reached wins. `numeric[i]` says word i can fill a number slot
        (`scan` works it out once for all its walks); the plain next-word
        step is written out in full because it is by far the most common.
        """
        best: tuple[tuple[int, ...], list[Payload]] | None = None
        best_last = -1
        n = len(words)
        # Each state: (node, position, anchors so far)
        stack: list[tuple[Trie, int, tuple[int, ...]]] = [(self.root, start, ())]
        push, pop = stack.append, stack.pop
        while stack:
            node, pos, anchors = pop()
            if anchors:
                payloads = node.get(END)
                if payloads is not None and anchors[-1] > best_last:
                    best_last = anchors[-1]
                    best = (anchors, payloads)  # type: ignore[assignment]
                gap_node = node.get(GAP)
                if gap_node is not None:
                    for skip in range(1, GAP_MAX + 1):
                        p = pos + skip - 1
                        if p >= n or words[p] in self.gap_stops:
                            break
                        nxt = pos + skip
                        if nxt < n and not taken[nxt]:
                            for child in self._edges(gap_node, words[nxt]):  # type: ignore[arg-type]
                                push((child, nxt + 1, (*anchors, nxt)))
            if pos < n and not taken[pos]:
                if numeric[pos]:
                    for child in self._edges(node, words[pos]):
                        push((child, pos + 1, (*anchors, pos)))
                else:
                    nxt_node = node.get(words[pos])
                    if nxt_node is not None:
                        push((nxt_node, pos + 1, (*anchors, pos)))  # type: ignore[arg-type]
        if best is None:
            return None
        return Match(best[0][0], best_last, best[0], tuple(best[1]))

    def words(self) -> set[str]:
        """Every word in a phrase (not the slots), for the spelling tolerance."""
        out: set[str] = set()
        todo: list[Trie] = [self.root]
        while todo:
            node = todo.pop()
            for key, child in node.items():
                if key not in (END, GAP, NUM, YEAR):
                    out.add(key)
                if key != END:
                    todo.append(child)  # type: ignore[arg-type]
        return out

    def numeric(self, words: list[str]) -> list[bool]:
        """Which words can fill a number or year slot."""
        numbers = self.numbers
        return [w in numbers or w[:1].isdigit() for w in words]

    def scan(self, words: list[str]) -> list[Match]:
        """Left to right, the longest phrase at each position not yet taken."""
        taken = [False] * len(words)
        found: list[Match] = []
        root = self.root
        numeric = self.numeric(words)
        for i, word in enumerate(words):
            # most words start no phrase: skip them without a walk
            if taken[i] or word in BOUNDARY or (word not in root and not numeric[i]):
                continue
            m = self.longest(words, i, taken, numeric)
            if m is not None:
                for a in m.anchors:
                    taken[a] = True
                found.append(m)
        return found
