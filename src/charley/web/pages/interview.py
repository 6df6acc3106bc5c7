"""The interview on the page: one yes / no / don't-know question a page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from charley.errors import InputError
from charley.inputs import MAX_CHARS, clean_description
from charley.interview import Answer, next_step
from charley.web.pages.common import (
    REPLIES,
    Invalid,
    cross_site,
    field,
    finding_label,
    read_form,
    render,
    sentence,
)

MAX_ANSWERS = 100


async def interview(request: Request) -> Response:
    return render(request, "interview.html", {"nav": "interview", "stage": "start", "text": ""})


def _answers(form: FormData) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for raw in form.getlist("answer"):
        if not isinstance(raw, str):
            raise Invalid("answer", "an answer was not text")
        fid, _, reply = raw.rpartition(":")
        if not fid or reply not in REPLIES:
            raise Invalid("answer", f"cannot read the answer {raw[:100]!r}")
        answers[fid] = REPLIES[reply]
    if len(answers) > MAX_ANSWERS:
        raise Invalid("answer", f"at most {MAX_ANSWERS} answers")
    return answers


async def post_interview(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    text = field(form, "text", limit=10 * MAX_CHARS)
    context: dict[str, Any] = {"nav": "interview", "text": text}
    try:
        words = clean_description(text) if text.strip() else None
        answers = _answers(form)
        question = field(form, "question")
        reply = field(form, "reply")
        if "back" in form:
            if answers:
                answers.pop(list(answers)[-1])
        elif question and (reply or "finish" not in form):
            if reply not in REPLIES:
                raise Invalid("reply", "choose yes, no or don't know")
            answers.pop(question, None)  # the newest answer goes last
            answers[question] = REPLIES[reply]
        step = next_step(text=words, answers=answers)
    except (InputError, Invalid) as exc:
        context |= {"stage": "start", "error": sentence(str(exc))}
        return render(request, "interview.html", context, 422)
    context |= {
        "answers": [(fid, finding_label(fid), value) for fid, value in answers.items()],
        "answer_fields": [f"{fid}:{_reply_value(value)}" for fid, value in answers.items()],
    }
    # no stopping before every red flag has been answered
    if step.done or step.question is None or ("finish" in form and step.can_stop):
        context |= {"stage": "result", "result": step.assessment.to_dict(), "done": step.done}
        return render(request, "interview.html", context)
    context |= {
        "stage": "question",
        "question": step.question,
        "number": step.asked + 1,
        "remaining": step.remaining - 1,
        "can_stop": step.can_stop,
    }
    return render(request, "interview.html", context)


def _reply_value(value: Answer) -> str:
    return "unknown" if value is None else "yes" if value else "no"
