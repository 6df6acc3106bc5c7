"""Statements: every sentence charley can say about muscle spasms, with its sources.

The care guide (`charley guide`, `/guide`) shows them by topic and `charley ask`
searches them. Both take them from here, so a statement has one id and one
text everywhere. They are read from the knowledge (profile.yaml and
kinds.yaml): no medical text lives in code.

>>> from charley.knowledge.loader import load_knowledge
>>> found = {s.id: s for s in all_statements(load_knowledge())}
>>> found["relief.gentle_stretch"].section
'relief'
>>> found["kinds.cramp"].label
'Ordinary muscle cramp'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charley.knowledge.base import KnowledgeBase
from charley.knowledge.compile import profile_sections
from charley.knowledge.schema import Citation


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement in charley's words, with where it comes from.

    `id` is "<section>.<id in that section>" ("relief.gentle_stretch",
    "kinds.fasciculation", "disagreements.stiff_neck"); `when` is the
    knowledge's condition for whom it applies (finding ids), or None.
    """

    id: str
    section: str
    label: str
    text: str
    citations: tuple[Citation, ...]
    when: Any = None
    examples: tuple[str, ...] = ()


def all_statements(kb: KnowledgeBase) -> tuple[Statement, ...]:
    """Every statement, in the knowledge's order: the summary, what it may be
    (kinds), each profile section, then where the sources disagree."""
    profile = kb.profile
    out = [_from_fact("summary", profile.summary)]
    out += [
        Statement(
            id=f"kinds.{k.id}",
            section="kinds",
            label=k.label,
            text=k.description,
            citations=k.citations,
            when=k.suggested_by,
        )
        for k in kb.kinds.values()
    ]
    for section, facts in profile_sections(profile).items():
        out += [_from_fact(section, fact) for fact in facts]
    out += [
        Statement(
            id=f"disagreements.{d.id}",
            section="disagreements",
            label=d.topic,
            text=f"{d.sources_say} {d.resolution}",
            citations=d.citations,
        )
        for d in profile.disagreements
    ]
    return tuple(out)


def _from_fact(section: str, fact: Any) -> Statement:
    return Statement(
        id=f"{section}.{fact.id}",
        section=section,
        label=fact.label,
        text=fact.text,
        citations=fact.citations,
        when=fact.when,
        examples=tuple(fact.examples),
    )
