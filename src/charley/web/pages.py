"""The web page: describe a spasm or answer questions, see the answer with its
sources, and keep the diary.

Server-rendered with Jinja2 and plain HTML forms, so every page works without
JavaScript; a small vendored script (static/charley.js) only adds a character
count and moves focus to a new answer. No build step.

    GET  /                      describe it in words
    POST /                      ... and see the answer on the same page
    GET  /interview             start the questions (a description is optional)
    POST /interview             one yes / no / don't-know question a page; stateless
    GET  /diary                 patterns, chart, recent episodes, a form to log one
    POST /diary/login           keep the person's token in an HttpOnly cookie
    POST /diary/logout          forget it
    POST /diary/log             save an episode with its assessment
    GET  /diary/episodes/{id}   one saved episode and its assessment
    /static/...                 the style sheet and the script

Bad form input gets the page back with a clear message and status 422, and
changes nothing. Nothing here logs what a person typed, and the token is
never written into a page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from charley.assess import assess
from charley.diary.assessing import Assessor, pattern_reasons
from charley.diary.entries import episode_in, known_sites
from charley.diary.people import person_for_token
from charley.diary.store import Diary, SavedEpisode
from charley.errors import CharleyError, InputError, NotFoundError
from charley.inputs import MAX_CHARS, clean_description
from charley.interview import Answer, next_step
from charley.knowledge import load_knowledge
from charley.knowledge.schema import Source
from charley.web.deps import engine

HERE = Path(__file__).resolve().parent
COOKIE = "charley_token"
COOKIE_AGE = 30 * 24 * 3600
MAX_TOKEN = 200
MAX_ANSWERS = 100
RECENT = 10
MAX_MINUTES = 30 * 24 * 60
FIELD_LIMIT = 200
"""Longest value kept from a one-line form field (a description has its own limit)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True, slots=True)
class LevelView:
    """How a triage level is shown: always in words, never by colour alone."""

    headline: str
    rank: int
    urgency: str
    role: str
    first: str


LEVELS: dict[str, LevelView] = {
    "emergency_ambulance": LevelView(
        "Call emergency services now",
        5,
        "most urgent",
        "alert",
        "Do this first. The rest of this page can wait.",
    ),
    "emergency": LevelView(
        "Go to an emergency department now",
        4,
        "very urgent",
        "alert",
        "Do this first. The rest of this page can wait.",
    ),
    "consultation_24": LevelView("See a doctor within 24 hours", 3, "urgent", "status", ""),
    "consultation": LevelView("Book an appointment with a doctor", 2, "not urgent", "status", ""),
    "self_care": LevelView("You can look after this at home", 1, "least urgent", "status", ""),
}
REPLIES: dict[str, Answer] = {"yes": True, "no": False, "unknown": None}
REPLY_WORDS = {True: "yes", False: "no", None: "don't know"}
SIDES = {"unknown": "not sure / not said", "left": "left", "right": "right", "both": "both"}
RELIEF_WORDS = ("not at all", "a little", "some", "a lot", "completely")
STATE_WORDS = {"present": "yes", "absent": "no", "unknown": "not known"}
CONTEXT_WORDS = {
    "history": "in the past",
    "hypothetical": "a worry, not happening now",
    "family": "a relative's, not yours",
}

templates = Jinja2Templates(directory=str(HERE / "templates"))


class Invalid(Exception):
    """A form field that cannot be used: shown next to the field, status 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# -- helpers the templates use ------------------------------------------------


def _sentence(text: str) -> str:
    """A message as a sentence: capital first letter, full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."


@cache
def _finding_labels() -> dict[str, str]:
    return {fid: f.label for fid, f in load_knowledge().findings.items()}


def finding_label(fid: str) -> str:
    return _finding_labels().get(fid, fid)


def source(sid: str) -> Source | None:
    return load_knowledge().sources.get(sid)


def site_name(site: str) -> str:
    return site.replace("_", " ")


def duration(seconds: float | None) -> str:
    """4 seconds, 2 minutes, 1 hour 30 minutes, 3 days."""
    if seconds is None:
        return "not said"
    if seconds < 60:
        n = round(seconds)
        return f"{n} second{'s' if n != 1 else ''}"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        tail = f" {rest} minute{'s' if rest != 1 else ''}" if rest else ""
        return f"{hours} hour{'s' if hours != 1 else ''}{tail}"
    days = round(hours / 24)
    return f"{days} days"


def when(moment: datetime | str | None) -> str:
    """A moment in local time, for people: Mon 2 Feb 2026, 03:05."""
    if moment is None:
        return "not known"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def relief_words(value: float) -> str:
    return RELIEF_WORDS[max(0, min(4, round(value)))]


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def number(value: float) -> str:
    """2.0 as 2, 2.25 as 2.2 (one decimal at most)."""
    return f"{value:.1f}".removesuffix(".0")


templates.env.globals.update(
    levels=LEVELS,
    finding_label=finding_label,
    source=source,
    site_name=site_name,
    max_chars=MAX_CHARS,
    sides=SIDES,
    relief_options=list(enumerate(RELIEF_WORDS)),
    state_words=STATE_WORDS,
    context_words=CONTEXT_WORDS,
    reply_words=REPLY_WORDS,
)
templates.env.filters.update(
    duration=duration,
    when=when,
    percent=percent,
    relief_words=relief_words,
    sentence=_sentence,
    capfirst=capfirst,
    number=number,
)


# -- responses -----------------------------------------------------------------


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    base = {
        "root": request.scope.get("root_path", ""),
        "disclaimer": load_knowledge().triage.disclaimer.strip(),
    }
    response = templates.TemplateResponse(request, name, base | context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _redirect(request: Request, path: str) -> Response:
    response = RedirectResponse(request.scope.get("root_path", "") + path, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def _message(request: Request, title: str, message: str, status: int) -> Response:
    return _page(request, "message.html", {"title": title, "message": message}, status)


def _unavailable(request: Request) -> Response:
    return _message(
        request,
        "The diary cannot be used right now",
        "charley could not read or write the diary. Nothing was changed. Try again in a moment.",
        503,
    )


def _field(form: FormData, name: str, limit: int = FIELD_LIMIT) -> str:
    """A text field's value ("" if missing or a file); one-line fields are cut at `limit`."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _same_origin(request: Request) -> bool:
    """A form posted from this site (or by a client that sends no Origin, like curl)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _form(request: Request) -> FormData | None:
    """The posted form, or None if it came from another site. Uploaded files are
    never used, so they are closed at once (their fields read as empty)."""
    if not _same_origin(request):
        return None
    form = await request.form()
    await form.close()
    return form


def _cross_site(request: Request) -> Response:
    return _message(
        request,
        "Form refused",
        "This form was sent from another website, so charley did not use it.",
        403,
    )


# -- describe ------------------------------------------------------------------


async def index(request: Request) -> Response:
    return _page(request, "index.html", {"nav": "check", "text": ""})


async def post_index(request: Request) -> Response:
    form = await _form(request)
    if form is None:
        return _cross_site(request)
    text = _field(form, "text", limit=10 * MAX_CHARS)
    try:
        words = clean_description(text)
    except InputError as exc:
        context = {"nav": "check", "text": text, "error": _sentence(str(exc))}
        return _page(request, "index.html", context, 422)
    result = assess(words).to_dict()
    return _page(request, "index.html", {"nav": "check", "text": text, "result": result})


# -- interview -----------------------------------------------------------------


async def interview(request: Request) -> Response:
    return _page(request, "interview.html", {"nav": "interview", "stage": "start", "text": ""})


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
    form = await _form(request)
    if form is None:
        return _cross_site(request)
    text = _field(form, "text", limit=10 * MAX_CHARS)
    context: dict[str, Any] = {"nav": "interview", "text": text}
    try:
        words = clean_description(text) if text.strip() else None
        answers = _answers(form)
        question = _field(form, "question")
        reply = _field(form, "reply")
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
        context |= {"stage": "start", "error": _sentence(str(exc))}
        return _page(request, "interview.html", context, 422)
    context |= {
        "answers": [(fid, finding_label(fid), value) for fid, value in answers.items()],
        "answer_fields": [f"{fid}:{_reply_value(value)}" for fid, value in answers.items()],
    }
    # no stopping before every red flag has been answered
    if step.done or step.question is None or ("finish" in form and step.can_stop):
        context |= {"stage": "result", "result": step.assessment.to_dict(), "done": step.done}
        return _page(request, "interview.html", context)
    context |= {
        "stage": "question",
        "question": step.question,
        "number": step.asked + 1,
        "remaining": step.remaining - 1,
        "can_stop": step.can_stop,
    }
    return _page(request, "interview.html", context)


def _reply_value(value: Answer) -> str:
    return "unknown" if value is None else "yes" if value else "no"


# -- diary ---------------------------------------------------------------------


def _person(request: Request) -> int | None:
    token = request.cookies.get(COOKIE, "")
    if not token:
        return None
    return person_for_token(engine(request), token)


def _login(request: Request, message: str = "", status: int = 200, error: str = "") -> Response:
    context = {"nav": "diary", "message": message, "error": error}
    return _page(request, "login.html", context, status)


def _diary_view(request: Request, pid: int) -> dict[str, Any]:
    from charley.diary.patterns import summarize

    with Diary(engine=engine(request), person_id=pid) as diary:
        pattern = summarize(diary)
        recent = diary.list(limit=RECENT, newest_first=True)
    reasons = [r.to_dict() for r in pattern_reasons(pattern)]
    return {"pattern": pattern, "recent": recent, "advice": reasons}


def _sites() -> list[tuple[str, str]]:
    return [(s, site_name(s)) for s in known_sites()]


def _diary_page(
    request: Request,
    view: dict[str, Any],
    values: dict[str, str] | None = None,
    problem: Invalid | None = None,
    status: int = 200,
) -> Response:
    context = {
        "nav": "diary",
        "sites": _sites(),
        "values": values or {},
        "error": _sentence(problem.message) if problem else "",
        "error_field": problem.field if problem else "",
        **view,
    }
    return _page(request, "diary.html", context, status)


async def diary_page(request: Request) -> Response:
    try:
        pid = await run_in_threadpool(_person, request)
        if pid is None:
            if request.cookies.get(COOKIE):
                response = _login(
                    request, message="That token is no longer known here. Give it again."
                )
                _forget(response, request)
                return response
            return _login(request)
        view = await run_in_threadpool(_diary_view, request, pid)
    except (SQLAlchemyError, CharleyError):
        return _unavailable(request)
    return _diary_page(request, view)


def _keep(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _forget(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


async def login(request: Request) -> Response:
    form = await _form(request)
    if form is None:
        return _cross_site(request)
    token = _field(form, "token", limit=MAX_TOKEN + 1).strip()
    if not token:
        return _login(request, status=422, error="Paste your token into the box.")
    if len(token) > MAX_TOKEN:
        return _login(request, status=422, error="That is too long to be a token.")
    try:
        pid = await run_in_threadpool(person_for_token, engine(request), token)
    except (SQLAlchemyError, CharleyError):
        return _unavailable(request)
    if pid is None:
        return _login(
            request,
            status=401,
            error="That token is not known here. Check that it was copied whole.",
        )
    response = _redirect(request, "/diary")
    _keep(response, request, token)
    return response


async def logout(request: Request) -> Response:
    form = await _form(request)
    if form is None:
        return _cross_site(request)
    response = _redirect(request, "/diary")
    _forget(response, request)
    return response


def _number(value: str, field: str, message: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise Invalid(field, message) from None
    if not math.isfinite(number):
        raise Invalid(field, message)
    return number


def _episode_data(form: FormData, now: datetime) -> dict[str, Any]:
    """The form as the mapping `episode_in` takes; the fields win over the words."""
    from charley.diary.from_text import episode_from_findings
    from charley.diary.when import parse_when
    from charley.parse import parse

    text = _field(form, "text", limit=10 * MAX_CHARS)
    data: dict[str, Any] = {"started_at": now.isoformat(), "sites": []}
    if text.strip():
        try:
            words = clean_description(text)
        except InputError as exc:
            raise Invalid("text", str(exc)) from None
        data = episode_from_findings(parse(words), words, now)
    side = _field(form, "side") or "unknown"
    if side not in SIDES:
        raise Invalid("side", "choose left, right, both or not sure")
    site = _field(form, "site")
    if site:
        if site not in known_sites():
            raise Invalid("site", f"unknown body site {site[:60]!r}: choose one from the list")
        data["sites"] = [{"site": site, "side": side}]
    elif side != "unknown":
        data["sites"] = [{"site": s["site"], "side": side} for s in data["sites"]]
    if not data["sites"]:
        raise Invalid(
            "site",
            "where was it? Choose a body site, or name one in your words (for example: calf)",
        )
    moment = _field(form, "when").strip()
    if moment:
        try:
            data["started_at"] = parse_when(moment, now).isoformat()
        except InputError:
            raise Invalid(
                "when", "cannot read that time: write it like 3am, last night or 2026-05-01 14:30"
            ) from None
    minutes = _field(form, "minutes").strip()
    if minutes:
        value = _number(minutes, "minutes", "how long: give a number of minutes, like 2 or 0.5")
        if not 0 <= value <= MAX_MINUTES:
            raise Invalid("minutes", f"how long: from 0 to {MAX_MINUTES} minutes (30 days)")
        data["duration_seconds"] = round(value * 60, 1)
    severity = _field(form, "severity").strip()
    if severity:
        pain = _number(severity, "severity", "pain: a whole number from 0 (none) to 10 (worst)")
        if pain != int(pain) or not 0 <= pain <= 10:
            raise Invalid("severity", "pain: a whole number from 0 (none) to 10 (worst)")
        data["severity"] = int(pain)
    tried = _field(form, "tried").strip()
    relief = _field(form, "relief").strip()
    if tried:
        if relief not in {str(i) for i in range(len(RELIEF_WORDS))}:
            raise Invalid("relief", "how much did it help? Choose from the list")
        if len(tried) > 60:
            raise Invalid("tried", "what you tried: at most 60 characters")
        data["remedies"] = [{"remedy": tried, "relief": int(relief)}]
    elif relief:
        raise Invalid("tried", "what did you try? Say it, or leave 'how much it helped' empty")
    if form.get("woke"):
        data["woke"] = True
    if form.get("exercise"):
        data["after_exercise"] = True
    return data


FIELD_NAMES = {
    "started_at": ("when", "when it started"),
    "duration_seconds": ("minutes", "how long"),
    "severity": ("severity", "pain"),
    "remedies": ("tried", "what you tried"),
    "sites": ("site", "where"),
    "text": ("text", "your words"),
}


def _from_episode_error(exc: InputError) -> Invalid:
    """The diary's own check, in the form's words ("started_at: ..." is "when it started: ...")."""
    message = str(exc)
    for key, (field, words) in FIELD_NAMES.items():
        if message.startswith(key):
            return Invalid(field, f"{words}:{message.partition(':')[2]}")
    return Invalid("", message)


def _save(request: Request, pid: int, data: dict[str, Any]) -> SavedEpisode:
    entry = episode_in(data)
    with Diary(engine=engine(request), person_id=pid) as diary:
        return diary.add(entry, assess_with=Assessor.for_text(diary, entry.text))


async def log_episode(request: Request) -> Response:
    form = await _form(request)
    if form is None:
        return _cross_site(request)
    try:
        pid = await run_in_threadpool(_person, request)
    except (SQLAlchemyError, CharleyError):
        return _unavailable(request)
    if pid is None:
        return _login(request, status=401, error="Give your token first, then log the episode.")
    names = ("text", "site", "side", "when", "minutes", "severity", "tried", "relief")
    values = {
        n: _field(form, n, limit=10 * MAX_CHARS if n == "text" else FIELD_LIMIT) for n in names
    }
    values |= {n: "on" for n in ("woke", "exercise") if form.get(n)}
    try:
        data = _episode_data(form, datetime.now().astimezone())
        saved = await run_in_threadpool(_save, request, pid, data)
    except (Invalid, InputError) as exc:
        problem = exc if isinstance(exc, Invalid) else _from_episode_error(exc)
        try:
            view = await run_in_threadpool(_diary_view, request, pid)
        except (SQLAlchemyError, CharleyError):
            return _unavailable(request)
        return _diary_page(request, view, values, problem, 422)
    except (SQLAlchemyError, CharleyError):
        return _unavailable(request)
    return _redirect(request, f"/diary/episodes/{saved.id}?saved=1")


def _episode(request: Request, pid: int, episode_id: int) -> SavedEpisode:
    with Diary(engine=engine(request), person_id=pid) as diary:
        return diary.get(episode_id)


async def episode_page(request: Request) -> Response:
    raw = str(request.path_params.get("episode_id", ""))
    try:
        pid = await run_in_threadpool(_person, request)
        if pid is None:
            return _login(request, status=401, error="Give your token to see your diary.")
        if not raw.isdigit() or len(raw) > 18:
            raise NotFoundError(raw)
        saved = await run_in_threadpool(_episode, request, pid, int(raw))
    except NotFoundError:
        return _message(request, "No such episode", "There is no such episode in your diary.", 404)
    except (SQLAlchemyError, CharleyError):
        return _unavailable(request)
    context = {
        "nav": "diary",
        "episode": saved,
        "result": saved.assessment,
        "saved": request.query_params.get("saved") == "1",
    }
    return _page(request, "episode.html", context)


def install(app: FastAPI) -> None:
    """Add the page's routes and its static files to `app`."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    routes = (
        ("/", index, ["GET"]),
        ("/", post_index, ["POST"]),
        ("/interview", interview, ["GET"]),
        ("/interview", post_interview, ["POST"]),
        ("/diary", diary_page, ["GET"]),
        ("/diary/login", login, ["POST"]),
        ("/diary/logout", logout, ["POST"]),
        ("/diary/log", log_episode, ["POST"]),
        ("/diary/episodes/{episode_id}", episode_page, ["GET"]),
    )
    for path, endpoint, methods in routes:
        app.add_route(path, endpoint, methods=methods, include_in_schema=False)
