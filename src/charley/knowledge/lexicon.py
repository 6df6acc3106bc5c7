"""The lexicon: every phrase charley knows, compiled into a word trie.

Finding phrases, context cues and terminators share one trie so that the
longest phrase wins: "haven't helped" (a finding) beats "haven't" (a cue),
and "got back" (a pseudo cue) keeps "back" from meaning the back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[a-z_]+(?:'[a-z]+)?|\d+(?:\.\d+)?|[.!?;:\n]|,")
BOUNDARY = frozenset({".", "!", "?", ";", ":", "\n"})
GAP = "*"
GAP_MAX = 4
NUM = "<num>"
YEAR = "<year>"
END = "$"

# A payload says what a phrase means:
#   ("finding", finding_id, "present" | "absent")
#   ("cue", category, direction)
#   ("term", "")
Payload = tuple[str, str, str]
Trie = dict[str, object]


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    comma_before: bool = False


def normalise(text: str) -> str:
    """Lower-case and straighten quotes so that words compare equal."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")


def tokenize(text: str, spellings: dict[str, str]) -> list[Token]:
    """Split normalised text into words, numbers and sentence ends.

    Commas and hyphens vanish, so "stiff, painful neck" reads as
    "stiff painful neck" and "claw-like" as "claw like"; a comma is kept as
    a mark on the next word, because it ends the reach of "no".
    """
    tokens: list[Token] = []
    comma = False
    for m in WORD.finditer(text):
        word = m.group()
        if word == ",":
            comma = True
            continue
        fixed = spellings.get(word, word)
        for part in fixed.split():
            tokens.append(Token(part, m.start(), m.end(), comma))
            comma = False
    return tokens


@dataclass(frozen=True, slots=True)
class Match:
    first: int
    last: int
    anchors: tuple[int, ...]
    payloads: tuple[Payload, ...]


class Lexicon:
    """A trie of phrases; `scan` finds the longest phrase at each free position."""

    __slots__ = ("numbers", "root")

    def __init__(self, numbers: frozenset[str]) -> None:
        self.root: Trie = {}
        self.numbers = numbers

    def add(self, phrase: str, payload: Payload, spellings: dict[str, str]) -> None:
        node = self.root
        marked = normalise(phrase).replace("*", " _gap_ ")
        marked = marked.replace("<num>", " _num_ ").replace("<year>", " _year_ ")
        special = {"_gap_": GAP, "_num_": NUM, "_year_": YEAR}
        words = [special.get(t.text, t.text) for t in tokenize(marked, spellings)]
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
        out: list[Trie] = []
        child = node.get(word)
        if child is not None:
            out.append(child)  # type: ignore[arg-type]
        if NUM in node and (word in self.numbers or word[:1].isdigit()):
            out.append(node[NUM])  # type: ignore[arg-type]
        if YEAR in node and len(word) == 4 and word.isdigit() and word[:2] in ("19", "20"):
            out.append(node[YEAR])  # type: ignore[arg-type]
        return out

    def longest(self, words: list[str], start: int, taken: list[bool]) -> Match | None:
        """The longest phrase that starts at `start`, or None."""
        best: Match | None = None
        # Each state: (node, position, anchors so far)
        stack: list[tuple[Trie, int, tuple[int, ...]]] = [(self.root, start, ())]
        while stack:
            node, pos, anchors = stack.pop()
            if anchors and END in node and (best is None or anchors[-1] > best.last):
                best = Match(anchors[0], anchors[-1], anchors, tuple(node[END]))  # type: ignore[arg-type]
            if GAP in node and anchors:
                gap_node: Trie = node[GAP]  # type: ignore[assignment]
                for skip in range(1, GAP_MAX + 1):
                    p = pos + skip - 1
                    if p >= len(words) or words[p] in BOUNDARY:
                        break
                    nxt = pos + skip
                    if nxt < len(words) and not taken[nxt]:
                        for child in self._edges(gap_node, words[nxt]):
                            stack.append((child, nxt + 1, (*anchors, nxt)))
            if pos < len(words) and not taken[pos]:
                for child in self._edges(node, words[pos]):
                    stack.append((child, pos + 1, (*anchors, pos)))
        return best

    def scan(self, words: list[str]) -> list[Match]:
        """Left to right, the longest phrase at each position not yet taken."""
        taken = [False] * len(words)
        found: list[Match] = []
        for i in range(len(words)):
            if taken[i] or words[i] in BOUNDARY:
                continue
            m = self.longest(words, i, taken)
            if m is not None:
                for a in m.anchors:
                    taken[a] = True
                found.append(m)
        return found
