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
from charley.knowledge.conditions import Facts, evaluate
from charley.parse import parse
from charley.triage import RANK, facts_for

STOP_LEVELS = ("emergency", "emergency_ambulance")

# The words a person may answer with; anything else is asked again, never
# taken silently as "don't know".
YES = frozenset({"y", "yes", "yeah", "yep", "yup", "aye", "true"})
NO = frozenset({"n", "no", "nope", "nah", "false"})
DONT_KNOW = frozenset(
    {
        "?",
        "dk",
        "don't know",
        "dont know",
        "do not know",
        "not sure",
        "unsure",
        "dunno",
        "i don't know",
        "i dont know",
    }
)
UNCLEAR = object()


def read_reply(line: str) -> bool | object | None:
    """True, False, None (don't know) or UNCLEAR for one typed answer."""
    reply = " ".join(line.strip().lower().replace("\u2019", "'").split()).rstrip(".!")
    if reply in YES:
        return True
    if reply in NO:
        return False
    if reply in DONT_KNOW:
        return None
    return UNCLEAR


Answer = bool | None


@dataclass(frozen=True, slots=True)
class Step:
    """Either the next question or, when done, the assessment. `can_stop`
    says every red flag has been answered, so the person may stop early."""

    done: bool
    assessment: Assessment
    question: Question | None
    asked: int
    remaining: int
    can_stop: bool = True


def next_step(
    *,
    text: str | None = None,
    answers: Mapping[str, Answer],
    kb: KnowledgeBase | None = None,
) -> Step:
    """The next question given the description and the answers so far.

    `answers` maps a finding id to True (yes), False (no) or None (asked,
    but the person does not know). Answers override the description; "don't
    know" keeps a question open, and for a red flag holds the level.
    """
    kb = kb or load_knowledge()
    unknown = sorted(set(answers) - set(kb.findings))
    if unknown:
        raise UnknownFindingError(f"unknown finding id(s): {', '.join(unknown)}")
    said = parse(text, kb=kb).items if text else ()
    items = [f for f in said if f.id not in answers or f.context != "current"]
    for fid, answer in answers.items():
        label = kb.findings[fid].label
        if answer is None:
            items.append(Finding(fid, "unknown", f"{label}: don't know"))
        else:
            reply = "yes" if answer else "no"
            items.append(Finding(fid, "present" if answer else "absent", f"{label}: {reply}"))
    findings = Findings(tuple(items))
    assessment = assess(findings=findings, kb=kb)
    known = {f.id for f in findings.items if f.context == "current"} | set(answers)
    can_stop = all(fid in known for fid in kb.triage.red_flags)
    facts = facts_for(findings, kb).with_present(
        frozenset({f"kind.{k.id}" for k in assessment.kinds[:3]})
    )
    todo = [
        q
        for q in _order(kb, assessment, facts)
        if q not in known
        and (
            q in kb.triage.red_flags
            or q in kb.triage.orienting
            or _could_change(kb, findings, q, assessment)
        )
    ]
    if assessment.triage.level in STOP_LEVELS or not todo:
        return Step(True, assessment, None, len(answers), 0, True)
    fid = todo[0]
    question = Question(fid, kb.findings[fid].question, "Asked in order of urgency.")
    return Step(False, assessment, question, len(answers), len(todo), can_stop)


def _could_change(kb: KnowledgeBase, findings: Findings, fid: str, now: Assessment) -> bool:
    """Would a yes or a no to this question change the level? Only such
    questions are worth a person's time once the red flags are answered."""
    level = now.triage.level
    for state in ("present", "absent"):
        with_answer = Findings((*findings.items, Finding(fid, state)))
        if assess(findings=with_answer, kb=kb).triage.level != level:
            return True
    return False


def _order(kb: KnowledgeBase, assessment: Assessment, facts: Facts) -> list[str]:
    """Open questions that hold the level at "within 24 hours" or above first,
    then the fixed order (the emergency screen, what the trouble is, then the
    questions worth asking for that place), then the remaining open questions
    (such as "has it eased?", which only decides between home care and a booking)."""
    urgent = {
        o.reason for o in kb.triage.open_questions if RANK[o.level] >= RANK["consultation_24"]
    }
    asked = [q.id for q in assessment.questions]
    first = [q.id for q in assessment.questions if q.why in urgent]
    order = [
        fid
        for fid in kb.triage.interview_order
        if fid not in kb.asked_when or evaluate(kb.asked_when[fid], facts)
    ]
    return list(dict.fromkeys([*first, *order, *asked]))
