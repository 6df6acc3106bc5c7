"""Questions answered from charley's sources: no token needed, nothing stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from charley.ask import MAX_QUESTION, ask
from charley.web.answers import AnswerOut, ok
from charley.web.routes._json import json_response
from charley.web.schemas import error_responses

router = APIRouter(prefix="/v1", tags=["ask"], responses=error_responses(422))


@router.get(
    "/ask",
    summary="Answer a question from charley's sources",
    responses=ok(AnswerOut, "The statements that answer it, and the checker's answer to symptoms."),
)
async def get_ask(
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUESTION,
            pattern=r"\S",
            description="The question, in lay words.",
            examples=["can statins cause cramps?"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=10, description="At most this many statements.")] = 3,
) -> Response:
    """The few statements of charley's knowledge that best answer the question,
    each with its sources. A question that tells a symptom of the writer
    ("I have crushing chest pain") gets the checker's assessment as `triage`;
    at the emergency levels it gets no statements at all."""
    return json_response(ask(q, limit=limit).to_dict())
