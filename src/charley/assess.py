"""assess(): from a description (or structured findings) to an Assessment.

>>> from charley import assess
>>> a = assess("Crushing chest pain and my arm is cramping")
>>> a.triage.level, a.kinds[0].id
('emergency_ambulance', 'cardiac')
"""

from __future__ import annotations

import re

from charley import advice
from charley.assessment import Assessment, Question, Reason, TriageAnswer
from charley.errors import InputError, UnknownFindingError
from charley.findings import Findings
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.parse import parse
from charley.triage import RANK, TriageResult, facts_for, triage

__all__ = ["Assessment", "assess"]

MAX_FALLBACK_QUESTIONS = 6


def assess(
    text: str | None = None,
    *,
    findings: Findings | None = None,
    diary: Findings | None = None,
    kb: KnowledgeBase | None = None,
) -> Assessment:
    """Assess a description in words, or structured findings (not both).

    What the description does not mention counts as absent, except what
    TRIAGE.md says must be asked: that stays unknown, goes to `questions`,
    and holds the level at least at "see a doctor within 24 hours".
    `diary` adds the findings of a diary's pattern
    (`charley.diary.patterns.Pattern.findings()`).
    """
    kb = kb or load_knowledge()
    if (text is None) == (findings is None):
        raise InputError("give either text or findings, not both and not neither")
    if findings is None:
        findings = parse(text or "", kb=kb)
    else:
        _check_ids(findings, kb)
    if diary is not None:
        _check_ids(diary, kb)
        findings = Findings(findings.items + diary.items)
    facts = facts_for(findings, kb)
    result = triage(facts, kb)
    kinds = advice.rank_kinds(kb, facts, result)
    pseudo = {f"level.{result.level}"} | {f"kind.{k.id}" for k in kinds[:3]}
    seen = facts.with_present(frozenset(pseudo))
    return Assessment(
        triage=TriageAnswer(
            result.level, kb.triage.levels[result.level], _reasons(kb, result, facts.values)
        ),
        kinds=kinds,
        causes=advice.rank_causes(kb, facts),
        relief=advice.relief(kb, seen, result.level),
        prevention=advice.prevention(kb, seen, result.level),
        see=advice.see(kb, seen, result),
        questions=_questions(kb, result, facts.present | facts.absent),
        findings=findings,
        disclaimer=kb.triage.disclaimer.strip(),
    )


def _check_ids(findings: Findings, kb: KnowledgeBase) -> None:
    unknown = sorted({f.id for f in findings.items if f.id not in kb.findings})
    if unknown:
        raise UnknownFindingError(f"unknown finding id(s): {', '.join(unknown)}")


_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_]+)\}")


def _fill(statement: str, values: dict[str, float]) -> str:
    """Put stated numbers into a reason: "{diary.per_week} a week" -> "3.5 a week"."""

    def value(m: re.Match[str]) -> str:
        v = values.get(m.group(1))
        return "?" if v is None else f"{v:g}" if v == int(v) else f"{v:.1f}"

    return _PLACEHOLDER.sub(value, statement)


def _reasons(
    kb: KnowledgeBase, result: TriageResult, values: dict[str, float]
) -> tuple[Reason, ...]:
    reasons = [
        Reason(
            _fill(f.rule.reason, values),
            f.findings,
            advice.cite(kb, f.rule.citations),
            f.rule.id,
            f.rule.level,
        )
        for f in result.fired
        # "Manage it at home" must never stand beside a higher level's instruction.
        if f.rule.level != "self_care" or result.level == "self_care"
    ]
    for o in result.open:
        q = o.question
        reasons.append(Reason(q.reason, o.findings, advice.cite(kb, q.citations), q.id, q.level))
    if not result.assessable:
        fb = kb.triage.fallback
        reasons.append(Reason(fb.reason, (), advice.cite(kb, fb.citations), fb.id, fb.level))
    reasons.sort(key=lambda r: RANK[r.level], reverse=True)
    return tuple(reasons)


def _questions(
    kb: KnowledgeBase, result: TriageResult, known: frozenset[str]
) -> tuple[Question, ...]:
    out: dict[str, Question] = {}
    # the most urgent reason for asking goes with each question
    for o in sorted(result.open, key=lambda o: RANK[o.question.level], reverse=True):
        for fid in o.unknown:
            out.setdefault(fid, Question(fid, kb.findings[fid].question, o.question.reason))
    if not result.assessable:
        why = kb.triage.fallback.reason
        for fid in kb.triage.interview_order:
            if len(out) >= MAX_FALLBACK_QUESTIONS:
                break
            if fid not in known:
                out.setdefault(fid, Question(fid, kb.findings[fid].question, why))
    return tuple(out.values())
