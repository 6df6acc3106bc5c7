"""Triage: the highest level any rule reaches, with the rules that fired.

Pure and deterministic: the same facts always give the same result. Rules
only raise the level. When a finding TRIAGE.md says must be asked about is
still unknown, the level is held at least at that open question's level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from charley.findings import Findings
from charley.knowledge import KnowledgeBase
from charley.knowledge.conditions import Facts, specificity, supporting
from charley.knowledge.schema import LEVELS, Level, OpenQuestion, Rule

RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}


class Fired(NamedTuple):
    """A rule that fired, with the findings that made it fire."""

    rule: Rule
    findings: tuple[str, ...]
    specificity: int

    @property
    def rank(self) -> int:
        return RANK[self.rule.level]


class Open(NamedTuple):
    """An open question: findings still unknown that could change the level."""

    question: OpenQuestion
    unknown: tuple[str, ...]
    findings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TriageResult:
    level: Level
    fired: tuple[Fired, ...]
    open: tuple[Open, ...]
    assessable: bool

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(f.rule.id for f in self.fired)


def facts_for(findings: Findings, kb: KnowledgeBase) -> Facts:
    """Current findings as facts, with what they imply and what follows from numbers."""
    present: set[str] = set()
    absent: set[str] = set()
    history: set[str] = set()
    values: dict[str, float] = {}
    for f in findings.items:
        if f.context == "history":
            if f.state == "present":
                history.add(f.id)
            continue
        if f.context != "current":
            continue
        if f.state == "present":
            present.add(f.id)
            if f.value is not None:
                values[f.id] = max(values.get(f.id, f.value), f.value)
        elif f.state == "absent":
            absent.add(f.id)
    for fid in list(present):
        present.update(kb.implies.get(fid, ()))
    facts = Facts(frozenset(present), frozenset(absent - present), values, frozenset(history))
    derived = {d.sets for _, d, _ in kb.screens["derive"].holding(facts)}
    if derived - facts.present:
        closure = set(derived)
        for fid in derived:
            closure.update(kb.implies.get(fid, ()))
        facts = facts.with_present(frozenset(closure))
    return facts


def triage(facts: Facts, kb: KnowledgeBase) -> TriageResult:
    """Apply every rule; the level is the highest any of them reaches."""
    fired: list[Fired] = []
    for order, rule, cond in kb.screens["rule"].holding(facts):
        found = tuple(dict.fromkeys(supporting(cond, facts)))
        fired.append(Fired(rule, found, specificity(cond) * 1000 - order))
    fired.sort(key=lambda f: (f.rank, f.specificity), reverse=True)

    opened: list[Open] = []
    known = facts.present | facts.absent
    for _, q, cond in kb.screens["open"].holding(facts):
        if not known.isdisjoint(q.resolved_by):
            continue
        unknown = tuple(a for a in q.ask if a not in known)
        if unknown:
            opened.append(Open(q, unknown, tuple(dict.fromkeys(supporting(cond, facts)))))

    assessable = bool(fired)
    levels = [f.rank for f in fired] + [RANK[o.question.level] for o in opened]
    if not assessable:
        levels.append(RANK[kb.triage.fallback.level])
    return TriageResult(LEVELS[max(levels)], tuple(fired), tuple(opened), assessable)
