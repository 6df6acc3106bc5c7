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
from charley.knowledge.base import SCOPE_OUT
from charley.knowledge.conditions import Facts, evaluate
from charley.parse import parse
from charley.triage import RANK, Open, TriageResult, facts_for, triage

__all__ = ["Assessment", "assess"]

MAX_FALLBACK_QUESTIONS = 6
OUT_OF_SCOPE_LEVEL = "consultation"


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
    result = _unsure_held(kb, triage(facts, kb), findings)
    in_scope = _in_scope(kb, facts, findings)
    if not in_scope:
        # only the emergency screen speaks for what charley cannot assess;
        # otherwise "see someone", never "manage it at home"
        result = _screen_only(result)
    level = result.level
    kinds = advice.rank_kinds(kb, facts, result) if in_scope else ()
    pseudo = {f"level.{level}"} | {f"kind.{k.id}" for k in kinds[:3]}
    if not in_scope:
        pseudo.add(SCOPE_OUT)
    seen = facts.with_present(frozenset(pseudo))
    urgent = level in advice.EMERGENCY_LEVELS
    return Assessment(
        triage=TriageAnswer(
            level, kb.triage.levels[level], _reasons(kb, result, facts.values, level, in_scope)
        ),
        kinds=kinds,
        causes=advice.rank_causes(kb, facts, level) if in_scope else (),
        # out of scope: no muscle relief, but what to do while waiting for help
        relief=advice.relief(kb, seen, level) if in_scope or urgent else (),
        prevention=advice.prevention(kb, seen, level) if in_scope else (),
        see=advice.see(kb, seen, result),
        # nothing recognised but a place ("hello", "my knee"): ask, as the interview would
        questions=_questions(
            kb, result, facts.present | facts.absent, in_scope or _only_places(kb, facts)
        ),
        findings=findings,
        in_scope=in_scope,
        safety_net=advice.safety_net(kb, seen, level),
        disclaimer=kb.triage.disclaimer.strip(),
    )


def _unsure_held(kb: KnowledgeBase, result: TriageResult, findings: Findings) -> TriageResult:
    """A red flag answered "don't know" stays open and holds the level at
    "within 24 hours" (TRIAGE.md: advice that must stay safe)."""
    unsure_q = kb.triage.unsure
    unsure = tuple(
        f.id
        for f in findings.items
        if f.state == "unknown" and f.context == "current" and f.id in kb.triage.red_flags
    )
    if not unsure or unsure_q is None:
        return result
    held = Open(unsure_q, unsure, ())
    level = max(result.level, unsure_q.level, key=RANK.__getitem__)
    return TriageResult(level, result.fired, (*result.open, held), result.assessable)


def _screen_only(result: TriageResult) -> TriageResult:
    """The triage of an out-of-scope description: the emergency rules that
    fired, or "book an appointment", without the muscle rules and questions."""
    urgent = tuple(f for f in result.fired if f.rule.level in advice.EMERGENCY_LEVELS)
    level = max((f.rule.level for f in urgent), key=RANK.__getitem__, default=OUT_OF_SCOPE_LEVEL)
    return TriageResult(level, urgent, (), bool(urgent))  # type: ignore[arg-type]


def _only_places(kb: KnowledgeBase, facts: Facts) -> bool:
    """Is nothing known but where, and on which side?"""
    return all(kb.groups.get(f) in ("site", "side") for f in facts.present)


def _in_scope(kb: KnowledgeBase, facts: Facts, findings: Findings) -> bool:
    """TRIAGE.md "Out of scope": a muscle cramp, spasm, twitch, stiffness or
    muscle pain of a part charley covers, and not, after all, period pain or
    stomach cramps with diarrhoea. What the person took for a cramp ("I
    thought it was a cramp, but…") still makes it a question about muscles."""
    muscle, not_muscle = kb.scope
    if evaluate(muscle, facts):
        return not evaluate(not_muscle, facts)
    taken_for = {
        f.id for f in findings.items if f.context == "hypothetical" and f.state == "present"
    }
    if not taken_for:
        return False
    widened = facts.with_present(frozenset(taken_for))
    return evaluate(muscle, widened) and not evaluate(not_muscle, widened)


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
    kb: KnowledgeBase,
    result: TriageResult,
    values: dict[str, float],
    level: str,
    in_scope: bool,
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
    if in_scope and not result.assessable:
        fb = kb.triage.fallback
        reasons.append(Reason(fb.reason, (), advice.cite(kb, fb.citations), fb.id, fb.level))
    if RANK[level] >= RANK["consultation_24"]:
        # an urgent answer gives only the reasons for its own level
        reasons = [r for r in reasons if r.level == level]
    if not in_scope:
        sc = kb.triage.scope
        reasons.append(Reason(sc.reason, (), advice.cite(kb, sc.citations), "out_of_scope", level))  # type: ignore[arg-type]
    reasons.sort(key=lambda r: RANK[r.level], reverse=True)
    return tuple(reasons)


def _questions(
    kb: KnowledgeBase, result: TriageResult, known: frozenset[str], in_scope: bool = True
) -> tuple[Question, ...]:
    out: dict[str, Question] = {}
    # the most urgent reason for asking goes with each question
    for o in sorted(result.open, key=lambda o: RANK[o.question.level], reverse=True):
        for fid in o.unknown:
            out.setdefault(fid, Question(fid, kb.findings[fid].question, o.question.reason))
    if not result.assessable and in_scope:
        why = kb.triage.fallback.reason
        for fid in kb.triage.interview_order:
            if len(out) >= MAX_FALLBACK_QUESTIONS:
                break
            if fid not in known:
                out.setdefault(fid, Question(fid, kb.findings[fid].question, why))
    return tuple(out.values())
