"""Assess, parse and interview: no token needed, nothing stored."""

from __future__ import annotations

from fastapi import APIRouter, Response

from charley.assess import assess
from charley.findings import Findings
from charley.interview import next_step
from charley.parse import parse
from charley.web.answers import AssessmentOut, InterviewOut, ParseOut, ok
from charley.web.routes._json import json_response
from charley.web.schemas import AssessRequest, InterviewRequest, ParseRequest, error_responses

router = APIRouter(prefix="/v1", tags=["assess"], responses=error_responses(400, 413, 422))


@router.post(
    "/assess",
    summary="Assess words or findings",
    responses=ok(AssessmentOut, "The assessment."),
)
async def post_assess(body: AssessRequest) -> Response:
    """The assessment of PRODUCT.md's JSON contract: triage with reasons, kinds,
    causes, relief, prevention, whom to see, open questions, findings."""
    if body.findings is not None:
        findings = Findings.from_dicts([f.model_dump() for f in body.findings])
        result = assess(findings=findings)
    else:
        result = assess(body.text)
    return json_response(result.to_dict())


@router.post("/parse", summary="Read words into findings", responses=ok(ParseOut, "The findings."))
async def post_parse(body: ParseRequest) -> Response:
    """Each finding: id, present or absent, the words that showed it, and any number."""
    return json_response({"findings": parse(body.text).to_list()})


@router.post(
    "/interview",
    summary="The next question, or the assessment",
    responses=ok(InterviewOut, "The next question, or the assessment once done."),
)
async def post_interview(body: InterviewRequest) -> Response:
    """Stateless: send every answer so far. The most urgent unanswered question
    comes back, or, once an emergency is clear or nothing is left to ask,
    the assessment."""
    step = next_step(text=body.text, answers=body.answers)
    return json_response(
        {
            "done": step.done,
            "question": step.question.to_dict() if step.question else None,
            "level": step.assessment.triage.level,
            "asked": step.asked,
            "remaining": step.remaining,
            "can_stop": step.can_stop,
            "assessment": step.assessment.to_dict() if step.done else None,
        }
    )
