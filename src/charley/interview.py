"""The interview: the most urgent questions first, stopping once an emergency is clear.

Stateless: pass everything answered so far and get the next question, or
the final assessment. The CLI and `POST /v1/interview` both use it.

>>> step = next_step(text="my calf keeps cramping", answers={})
>>> step.question.id
'sign.chest_pain'
>>> step = next_step(text="my calf keeps cramping", answers={"sign.chest_pain": True})
>>> step.done, step.assessment.triage.level
(True, 'emergency_ambulance')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from charley.assess import assess
from charley.assessment import Assessment, Question
from charley.errors import UnknownFindingError
from charley.findings import Finding, Findings
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.parse import parse
from charley.triage import RANK

STOP_LEVELS = ("emergency", "emergency_ambulance")

Answer = bool | None


@dataclass(frozen=True, slots=True)
class Step:
    """Either the next question or, when done, the assessment."""

    done: bool
    assessment: Assessment
    question: Question | None
    asked: int
    remaining: int


def next_step(
    *,
    text: str | None = None,
    answers: Mapping[str, Answer],
    kb: KnowledgeBase | None = None,
) -> Step:
    """The next question given the description and the answers so far.

    `answers` maps a finding id to True (yes), False (no) or None (asked,
    but the person does not know). Answers override the description.
    """
    kb = kb or load_knowledge()
    unknown = sorted(set(answers) - set(kb.findings))
    if unknown:
        raise UnknownFindingError(f"unknown finding id(s): {', '.join(unknown)}")
    said = parse(text, kb=kb).items if text else ()
    items = [f for f in said if f.id not in answers or f.context != "current"]
    for fid, answer in answers.items():
        if answer is not None:
            reply = "yes" if answer else "no"
            label = kb.findings[fid].label
            items.append(Finding(fid, "present" if answer else "absent", f"{label}: {reply}"))
    findings = Findings(tuple(items))
    assessment = assess(findings=findings, kb=kb)
    known = {f.id for f in findings.items if f.context == "current"} | set(answers)
    todo = [q for q in _order(kb, assessment) if q not in known]
    if assessment.triage.level in STOP_LEVELS or not todo:
        return Step(True, assessment, None, len(answers), 0)
    fid = todo[0]
    question = Question(fid, kb.findings[fid].question, "Asked in order of urgency.")
    return Step(False, assessment, question, len(answers), len(todo))


def _order(kb: KnowledgeBase, assessment: Assessment) -> list[str]:
    """Open questions that hold the level at "within 24 hours" or above first,
    then the fixed urgency order, then the remaining open questions (such as
    "has it eased?", which only decides between home care and a booking)."""
    urgent = {
        o.reason for o in kb.triage.open_questions if RANK[o.level] >= RANK["consultation_24"]
    }
    asked = [q.id for q in assessment.questions]
    first = [q.id for q in assessment.questions if q.why in urgent]
    return list(dict.fromkeys([*first, *kb.triage.interview_order, *asked]))
