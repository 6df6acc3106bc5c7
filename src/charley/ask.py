"""Questions about muscle spasms, answered from charley's statements.

A stand-in, replaced by the full-text search at merge: it ranks
`charley.statements.all_statements` by how many of the question's words each
shares (a plain word overlap), and hands a description of symptoms to the
checker instead ("I have crushing chest pain" gets the checker's answer, not
a guide sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from charley.statements import Statement, all_statements

NOTHING = "Nothing in charley's sources answers that question."
FOUND = "Here is what charley's sources say."
SYMPTOMS = "This sounds like symptoms, so here is what charley's checker says."
_WORD = re.compile(r"[a-z]+")
# words that say nothing about the subject (English grammar, not medicine)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "after",
        "before",
        "get",
        "got",
        "any",
    ]
)
_QUESTION = frozenset(
    [
        "what",
        "why",
        "how",
        "when",
        "where",
        "which",
        "who",
        "can",
        "could",
        "should",
        "does",
        "do",
        "is",
        "are",
    ]
)
_URGENT = ("emergency", "emergency_ambulance")


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    statements: tuple[Statement, ...]
    triage: dict[str, Any] | None
    message: str


def _words(text: str) -> set[str]:
    return {w.removesuffix("s") for w in _WORD.findall(text.lower()) if w not in _STOP}


def _is_question(text: str) -> bool:
    words = _WORD.findall(text.lower())
    return text.rstrip().endswith("?") or bool(words and words[0] in _QUESTION)


def ask(question: str, *, limit: int = 3) -> Answer:
    """The statements that best answer a question (best first, at most
    `limit`), or the checker's answer when it describes symptoms."""
    from charley.assess import assess
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    result = assess(question, kb=kb)
    described = any(f.state == "present" and f.context == "current" for f in result.findings.items)
    if result.triage.level in _URGENT or (described and not _is_question(question)):
        return Answer(question, (), result.to_dict(), SYMPTOMS)
    wanted = _words(question)
    scored = []
    for order, s in enumerate(all_statements(kb)):
        shared = len(wanted & _words(f"{s.label} {s.text}"))
        if shared:
            scored.append((-shared, order, s))
    scored.sort(key=lambda item: item[:2])
    found = tuple(s for _, _, s in scored[:limit])
    return Answer(question, found, None, FOUND if found else NOTHING)
