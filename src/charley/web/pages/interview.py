"""The interview on the page: one yes / no / don't-know question a page.

Post/Redirect/Get, and no session: every POST answers 303 with a GET address
that carries the whole state (the description and the answers so far), so
the browser's Back shows the previous question and a refresh shows the same
page, never "Confirm Form Resubmission".

    GET  /interview                     start: a description is optional
    POST /interview                     ... 303 to the first question
    GET  /interview/question?text=&a=   the next question (the result once none is left)
         ... &change=ID                 that answered question again, to change it
    POST /interview/question            one answer; 303 to the next question
    GET  /interview/answers?text=&a=    check your answers, each with a "Change" link
    GET  /interview/result?text=&a=     the answer, once every red flag is answered

`a` is `finding-id:yes`, `:no` or `:unknown`, once per answer, oldest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from charley.errors import InputError
from charley.inputs import MAX_CHARS, clean_description
from charley.interview import Answer, Step, next_step
from charley.knowledge import load_knowledge
from charley.web.pages.common import (
    REPLIES,
    Invalid,
    cross_site,
    field,
    finding_label,
    read_form,
    redirect,
    render,
    sentence,
)

MAX_ANSWERS = 100


@dataclass(frozen=True, slots=True)
class State:
    """What the interview knows: the description as typed, and the answers in order."""

    text: str
    words: str | None
    answers: dict[str, Answer]

    def query(self, answers: Mapping[str, Answer] | None = None, **extra: str) -> str:
        """The state as a query string, with other answers if given."""
        pairs = [("text", self.text)] if self.text else []
        chosen = self.answers if answers is None else answers
        pairs += [("a", f"{fid}:{_reply_value(v)}") for fid, v in chosen.items()]
        pairs += list(extra.items())
        return urlencode(pairs)


def _read_state(values: Mapping[str, Any], raw_answers: list[Any]) -> State:
    """The state from a form or a query string, checked as strictly as the API
    checks a body; raises Invalid or InputError."""
    text = values.get("text")
    text = text[: 10 * MAX_CHARS] if isinstance(text, str) else ""
    words = clean_description(text) if text.strip() else None
    if len(raw_answers) > MAX_ANSWERS:
        raise Invalid("answer", f"at most {MAX_ANSWERS} answers")
    answers: dict[str, Answer] = {}
    for raw in raw_answers:
        if not isinstance(raw, str):
            raise Invalid("answer", "an answer was not text")
        fid, _, reply = raw.rpartition(":")
        if not fid or reply not in REPLIES:
            raise Invalid("answer", f"cannot read the answer {raw[:100]!r}")
        answers.pop(fid, None)  # the newest answer goes last
        answers[fid] = REPLIES[reply]
    return State(text=text, words=words, answers=answers)


def _refused(request: Request, text: str, exc: Exception) -> Response:
    """Bad input: the start page with the message, status 422; nothing is kept."""
    context = {"nav": "interview", "stage": "start", "text": text, "error": sentence(str(exc))}
    return render(request, "interview.html", context, 422)


def _raw_text(values: Mapping[str, Any]) -> str:
    text = values.get("text")
    return text[:MAX_CHARS] if isinstance(text, str) else ""


async def interview(request: Request) -> Response:
    return render(request, "interview.html", {"nav": "interview", "stage": "start", "text": ""})


async def post_interview(request: Request) -> Response:
    """Start: check the description, then show the first question at its own address."""
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    try:
        state = _read_state(form, [])
    except (InputError, Invalid) as exc:
        return _refused(request, field(form, "text", limit=MAX_CHARS), exc)
    return redirect(request, f"/interview/question?{state.query()}")


async def question_page(request: Request) -> Response:
    params = request.query_params
    try:
        state = _read_state(params, params.getlist("a"))
        change = params.get("change")
        if change is not None and change not in state.answers:
            raise Invalid("change", "that question has not been answered yet")
        step = next_step(text=state.words, answers=state.answers)
    except (InputError, Invalid) as exc:
        return _refused(request, _raw_text(params), exc)
    if change is not None:
        earlier = {f: v for f, v in state.answers.items() if f != change}
        return _show_question(request, state, fid=change, step=step, earlier=earlier)
    if step.done or step.question is None:
        return redirect(request, f"/interview/result?{state.query()}")
    return _show_question(request, state, fid=step.question.id, step=step, earlier=state.answers)


def _show_question(
    request: Request, state: State, *, fid: str, step: Step, earlier: Mapping[str, Answer]
) -> Response:
    changing = fid in state.answers
    number = list(state.answers).index(fid) + 1 if changing else step.asked + 1
    back = dict(earlier)
    if back and not changing:
        back.pop(list(back)[-1])
    context: dict[str, Any] = {
        "nav": "interview",
        "stage": "question",
        "text": state.text,
        "question_id": fid,
        "question_text": _question_text(fid, step),
        "number": number,
        "changing": changing,
        "current": state.answers.get(fid) if changing else None,
        "answer_fields": [f"{f}:{_reply_value(v)}" for f, v in state.answers.items()],
        # an honest upper bound: later answers can only shorten the list
        "remaining": 0 if changing else step.remaining - 1,
        "total": step.asked + step.remaining,
        "can_stop": step.can_stop and not changing,
        "back_url": (
            f"/interview/answers?{state.query()}"
            if changing
            else f"/interview/question?{state.query(back)}"
            if earlier
            else "/interview"
        ),
        "check_url": f"/interview/answers?{state.query()}" if state.answers else "",
        "result_url": f"/interview/result?{state.query()}",
    }
    return render(request, "interview.html", context)


def _question_text(fid: str, step: Step) -> str:
    if step.question is not None and step.question.id == fid:
        return step.question.text
    return load_knowledge().findings[fid].question or finding_label(fid)


async def post_question(request: Request) -> Response:
    """One answer: added (or changed in place), then 303 to the next question."""
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    try:
        state = _read_state(form, form.getlist("a"))
        question = field(form, "question")
        reply = field(form, "reply")
        if not question:
            raise Invalid("question", "no question was answered")
        if reply not in REPLIES:
            raise Invalid("reply", "choose yes, no or don't know")
        answers = dict(state.answers)
        changed = question in answers
        answers[question] = REPLIES[reply]  # a changed answer keeps its place
        if changed:
            answers = _replay(state.words, answers)
        next_step(text=state.words, answers=answers)  # checks every finding id
    except (InputError, Invalid) as exc:
        return _refused(request, field(form, "text", limit=MAX_CHARS), exc)
    return redirect(request, f"/interview/question?{state.query(answers)}")


def _replay(words: str | None, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers that the interview would still ask for, in the order it asks:
    after a change, questions that no longer follow are dropped."""
    kept: dict[str, Answer] = {}
    for _ in range(len(answers) + 1):
        step = next_step(text=words, answers=kept)
        if step.done or step.question is None or step.question.id not in answers:
            break
        kept[step.question.id] = answers[step.question.id]
    return kept


async def answers_page(request: Request) -> Response:
    """Check your answers: each question, its answer and a link to change it."""
    params = request.query_params
    try:
        state = _read_state(params, params.getlist("a"))
        step = next_step(text=state.words, answers=state.answers)
    except (InputError, Invalid) as exc:
        return _refused(request, _raw_text(params), exc)
    context = {
        "nav": "interview",
        "stage": "check",
        "text": state.text,
        "summary": _summary(state),
        "done": step.done,
        "can_stop": step.can_stop,
        "continue_url": f"/interview/question?{state.query()}",
        "result_url": f"/interview/result?{state.query()}",
    }
    return render(request, "interview.html", context)


async def result_page(request: Request) -> Response:
    """The answer; before every red flag is answered, the next question instead."""
    params = request.query_params
    try:
        state = _read_state(params, params.getlist("a"))
        step = next_step(text=state.words, answers=state.answers)
    except (InputError, Invalid) as exc:
        return _refused(request, _raw_text(params), exc)
    if not step.done and not step.can_stop:
        return redirect(request, f"/interview/question?{state.query()}")
    result = step.assessment.to_dict()
    # never ask again what was answered; with none left, no questions at all
    result["questions"] = [q for q in result["questions"] if q["id"] not in state.answers]
    context = {
        "nav": "interview",
        "stage": "result",
        "text": state.text,
        "result": result,
        "done": step.done,
        "summary": _summary(state),
        "continue_url": f"/interview/question?{state.query()}",
    }
    return render(request, "interview.html", context)


def _summary(state: State) -> list[dict[str, str]]:
    """Each answer for the summary list: the question, the answer, where to change it."""
    findings = load_knowledge().findings
    return [
        {
            "id": fid,
            "question": findings[fid].question or finding_label(fid).capitalize(),
            "answer": _reply_value(value),
            "change_url": f"/interview/question?{state.query(change=fid)}",
        }
        for fid, value in state.answers.items()
    ]


def _reply_value(value: Answer) -> str:
    return "unknown" if value is None else "yes" if value else "no"
