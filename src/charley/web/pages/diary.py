"""The diary on the page: log in with a token, log an episode, see patterns."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from charley.diary.assessing import Assessor, pattern_reasons
from charley.diary.entries import episode_in, known_sites
from charley.diary.people import person_for_token
from charley.diary.store import Diary, SavedEpisode
from charley.errors import CharleyError, InputError, NotFoundError
from charley.inputs import MAX_CHARS, clean_description
from charley.web.deps import engine
from charley.web.pages.common import (
    FIELD_LIMIT,
    RELIEF_WORDS,
    SIDES,
    Invalid,
    cross_site,
    field,
    message_page,
    read_form,
    redirect,
    render,
    sentence,
    site_name,
    unavailable,
)

COOKIE = "charley_token"
COOKIE_AGE = 30 * 24 * 3600
MAX_TOKEN = 200
RECENT = 10
MAX_MINUTES = 30 * 24 * 60


def _person(request: Request) -> int | None:
    token = request.cookies.get(COOKIE, "")
    if not token:
        return None
    return person_for_token(engine(request), token)


def _login(request: Request, message: str = "", status: int = 200, error: str = "") -> Response:
    context = {"nav": "diary", "message": message, "error": error}
    return render(request, "login.html", context, status)


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
        "error": sentence(problem.message) if problem else "",
        "error_field": problem.field if problem else "",
        **view,
    }
    return render(request, "diary.html", context, status)


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
        return unavailable(request)
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
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    token = field(form, "token", limit=MAX_TOKEN + 1).strip()
    if not token:
        return _login(request, status=422, error="Paste your token into the box.")
    if len(token) > MAX_TOKEN:
        return _login(request, status=422, error="That is too long to be a token.")
    try:
        pid = await run_in_threadpool(person_for_token, engine(request), token)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    if pid is None:
        return _login(
            request,
            status=401,
            error="That token is not known here. Check that it was copied whole.",
        )
    response = redirect(request, "/diary")
    _keep(response, request, token)
    return response


async def logout(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    response = redirect(request, "/diary")
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

    text = field(form, "text", limit=10 * MAX_CHARS)
    data: dict[str, Any] = {"started_at": now.isoformat(), "sites": []}
    if text.strip():
        try:
            words = clean_description(text)
        except InputError as exc:
            raise Invalid("text", str(exc)) from None
        data = episode_from_findings(parse(words), words, now)
    side = field(form, "side") or "unknown"
    if side not in SIDES:
        raise Invalid("side", "choose left, right, both or not sure")
    site = field(form, "site")
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
    moment = field(form, "when").strip()
    if moment:
        try:
            data["started_at"] = parse_when(moment, now).isoformat()
        except InputError:
            raise Invalid(
                "when", "cannot read that time: write it like 3am, last night or 2026-05-01 14:30"
            ) from None
    minutes = field(form, "minutes").strip()
    if minutes:
        value = _number(minutes, "minutes", "how long: give a number of minutes, like 2 or 0.5")
        if not 0 <= value <= MAX_MINUTES:
            raise Invalid("minutes", f"how long: from 0 to {MAX_MINUTES} minutes (30 days)")
        data["duration_seconds"] = round(value * 60, 1)
    severity = field(form, "severity").strip()
    if severity:
        pain = _number(severity, "severity", "pain: a whole number from 0 (none) to 10 (worst)")
        if pain != int(pain) or not 0 <= pain <= 10:
            raise Invalid("severity", "pain: a whole number from 0 (none) to 10 (worst)")
        data["severity"] = int(pain)
    tried = field(form, "tried").strip()
    relief = field(form, "relief").strip()
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
    for key, (name, words) in FIELD_NAMES.items():
        if message.startswith(key):
            return Invalid(name, f"{words}:{message.partition(':')[2]}")
    return Invalid("", message)


def _save(request: Request, pid: int, data: dict[str, Any]) -> SavedEpisode:
    entry = episode_in(data)
    with Diary(engine=engine(request), person_id=pid) as diary:
        return diary.add(entry, assess_with=Assessor.for_text(diary, entry.text))


async def log_episode(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    try:
        pid = await run_in_threadpool(_person, request)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    if pid is None:
        return _login(request, status=401, error="Give your token first, then log the episode.")
    names = ("text", "site", "side", "when", "minutes", "severity", "tried", "relief")
    values = {
        n: field(form, n, limit=10 * MAX_CHARS if n == "text" else FIELD_LIMIT) for n in names
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
            return unavailable(request)
        return _diary_page(request, view, values, problem, 422)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    return redirect(request, f"/diary/episodes/{saved.id}?saved=1")


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
        return message_page(
            request, "No such episode", "There is no such episode in your diary.", 404
        )
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    context = {
        "nav": "diary",
        "episode": saved,
        "result": saved.assessment,
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "episode.html", context)
