"""The care guide: every statement charley can make, by topic, with its sources.

The topics, their order, titles and intros are data (knowledge/data/guide.yaml);
the sentences are `charley.statements.all_statements(kb)`, placed in a topic by
their section. Nothing medical is written here. `charley guide` and /guide
both show these topics; every statement appears in exactly one of them.

>>> from charley.knowledge.loader import load_knowledge
>>> [t.id for t in guide_topics(load_knowledge())][:3]
['what', 'where', 'causes']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charley.guide_links import (
    level_anchor,
    positive_leaves,
    section_anchor,
    site_anchor,
    site_of,
    statement_anchor,
)
from charley.knowledge.base import KnowledgeBase
from charley.knowledge.compile import profile_sections
from charley.knowledge.schema import LEVELS, GuideTopic
from charley.statements import Statement, all_statements


@dataclass(frozen=True, slots=True)
class Group:
    """Statements under one heading of a topic (no heading when `title` is "")."""

    id: str
    title: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    intro: str
    groups: tuple[Group, ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for g in self.groups for s in g.statements)


_CACHE: dict[str, tuple[Topic, ...]] = {}


def guide_topics(kb: KnowledgeBase | None = None) -> tuple[Topic, ...]:
    """The guide's topics in order, each with its groups of statements."""
    if kb is None:
        from charley.knowledge.loader import load_knowledge

        kb = load_knowledge()
    hit = _CACHE.get(kb.digest)
    if hit is not None:
        return hit
    if kb.guide is None:  # pragma: no cover - compile always sets it
        raise ValueError("the knowledge has no guide")
    statements = all_statements(kb)
    by_section: dict[str, list[Statement]] = {}
    for s in statements:
        by_section.setdefault(s.section, []).append(s)
    disputes = {s.id.split(".", 1)[1]: s for s in by_section.get("disagreements", [])}
    topics = []
    for spec in kb.guide.topics:
        groups = _groups(kb, spec, by_section)
        argued = tuple(disputes[d] for d in spec.disagreements)
        if argued:
            title = kb.guide.disagreements_title
            groups.append(Group(section_anchor(spec.id, "disagreements"), title, argued))
        topics.append(
            Topic(spec.id, spec.title, spec.intro, tuple(g for g in groups if g.statements))
        )
    result = tuple(topics)
    _CACHE[kb.digest] = result
    return result


def find_topic(topic_id: str, kb: KnowledgeBase | None = None) -> Topic | None:
    return next((t for t in guide_topics(kb) if t.id == topic_id), None)


def _groups(
    kb: KnowledgeBase, spec: GuideTopic, by_section: dict[str, list[Statement]]
) -> list[Group]:
    assert kb.guide is not None
    if spec.group_by == "section":
        return [
            Group(section_anchor(spec.id, p.section), p.title, tuple(by_section.get(p.section, ())))
            for p in spec.parts
        ]
    items = [s for p in spec.parts for s in by_section.get(p.section, ())]
    if spec.group_by == "site":
        sites: dict[str | None, list[Statement]] = {}
        for s in items:
            sites.setdefault(site_of(s.when), []).append(s)
        return [
            Group(
                site_anchor(spec.id, site),
                _capfirst(kb.findings[site].label) if site else kb.guide.any_part_title,
                tuple(found),
            )
            for site, found in sites.items()
        ]
    # by level, most urgent first: the signs that lead to it, then what to do while waiting
    levels = _fact_levels(kb)
    out = []
    for level in reversed(LEVELS):
        name = kb.triage.levels[level]
        signs = tuple(
            s for s in items if s.section != "while_waiting" and levels.get(s.id) == level
        )
        out.append(Group(level_anchor(spec.id, level), name.rstrip("."), signs))
        waiting = tuple(
            s for s in items if s.section == "while_waiting" and _named_level(s) == level
        )
        title = kb.guide.while_waiting_title.format(level=name.rstrip("."))
        out.append(Group(level_anchor(spec.id, level, waiting=True), title, waiting))
    return out


def _fact_levels(kb: KnowledgeBase) -> dict[str, str]:
    return {
        f"{section}.{fact.id}": fact.level
        for section, facts in profile_sections(kb.profile).items()
        for fact in facts
        if fact.level is not None
    }


def _named_level(s: Statement) -> str | None:
    """The most urgent level a condition names (level.emergency...)."""
    named = [leaf.removeprefix("level.") for leaf in positive_leaves(s.when)]
    ranked = [lv for lv in named if lv in LEVELS]
    return max(ranked, key=LEVELS.index, default=None)


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def statement_dict(s: Statement, kb: KnowledgeBase) -> dict[str, Any]:
    """One statement as JSON: its id, anchor, label, text and resolved citations
    (an article's quote, or a guidance source's title and charley's summary)."""
    from charley.advice import cite

    return {
        "id": s.id,
        "anchor": statement_anchor(s.id),
        "label": s.label,
        "text": s.text,
        "citations": [c.to_dict() for c in cite(kb, s.citations)],
    }


def topic_dict(t: Topic, kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "intro": t.intro,
        "groups": [
            {
                "id": g.id,
                "title": g.title,
                "statements": [statement_dict(s, kb) for s in g.statements],
            }
            for g in t.groups
        ],
    }
