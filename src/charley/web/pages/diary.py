"""The diary on the page: log in with a token, log, change and delete episodes,
see patterns, the chart with its figures, and a printable report.

Logging in starts a session (`charley.web.sessions`): the browser keeps a random
session id in an HttpOnly cookie, never the token, and logging out ends the
session on the server. Wrong tokens are slowed down per client address
(`charley.web.throttle`).

Times are the browser's: charley.js puts the browser's time zone in a hidden
field of every diary form, the server checks it against the zone database and
keeps it in a cookie; without the script, the server's own zone is used.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from charley.diary.assessing import Assessor, latest_assessment, pattern_reasons
from charley.diary.entries import episode_in, known_sites, night_at
from charley.diary.ids import episode_id as public_id
from charley.diary.people import adopt_zone, person_for_token
from charley.diary.store import Diary, SavedEpisode
from charley.errors import CharleyError, InputError, NotFoundError
from charley.inputs import MAX_CHARS, clean_description
from charley.web import sessions
from charley.web.deps import engine
from charley.web.pages.common import (
    FIELD_LIMIT,
    RELIEF_WORDS,
    SECURITY_HEADERS,
    SIDES,
    Invalid,
    cross_site,
    field,
    message_page,
    number,
    read_form,
    redirect,
    render,
    sentence,
    site_name,
    unavailable,
)
from charley.web.throttle import LoginThrottle

COOKIE_AGE = 30 * 24 * 3600
ZONE_COOKIE = "charley_tz"
MAX_TOKEN = 200
MAX_ZONE = 64
RECENT = 10
CLOSED = (
    "Your diary was closed: you logged out, or it was not used for a while. "
    "Give your token again to open it."
)
MAX_MINUTES = 30 * 24 * 60
FORM_FIELDS = (
    "text",
    "site",
    "side",
    "date",
    "time",
    "when",
    "minutes",
    "severity",
    "tried",
    "relief",
)
CHECKS = ("woke", "exercise")


class Problems(Exception):
    """Every field of a form that cannot be used, by field id, in the form's order."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# -- the person and their time zone -------------------------------------------


def _person(request: Request) -> int | None:
    return sessions.person(request)


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_name(value: str | None) -> str:
    """`value` if it names a time zone in the zone database, else ""."""
    value = (value or "").strip()
    return value if 0 < len(value) <= MAX_ZONE and value in _zones() else ""


def _zone_of(request: Request, form: FormData | None = None) -> tuple[tzinfo, str]:
    """The person's time zone and its name: the form's, else the cookie's, else
    the server's own (its name then "")."""
    name = zone_name(field(form, "tz") if form is not None else "") or zone_name(
        request.cookies.get(ZONE_COOKIE)
    )
    if name:
        return ZoneInfo(name), name
    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC"), ""


def _remember_zone(response: Response, request: Request, name: str) -> None:
    if name and name != request.cookies.get(ZONE_COOKIE):
        response.set_cookie(
            ZONE_COOKIE,
            name,
            max_age=COOKIE_AGE,
            path="/",
            httponly=True,
            samesite="strict",
            secure=sessions.over_https(request),
        )


# -- pages ---------------------------------------------------------------------


def _login(request: Request, message: str = "", status: int = 200, error: str = "") -> Response:
    errors = {"token": error} if error else {}
    context = {
        "nav": "diary",
        "message": message,
        "errors": errors,
        "session_lengths": sessions.lengths(request),
    }
    return render(request, "login.html", context, status)


def _diary_view(request: Request, pid: int) -> dict[str, Any]:
    from charley.diary.patterns import summarize
    from charley.diary.report import chart_table

    with Diary(engine=engine(request), person_id=pid) as diary:
        pattern = summarize(diary)
        recent = diary.list(limit=RECENT, newest_first=True)
        table = chart_table(diary) if pattern.episodes else None
        latest = latest_assessment(diary, pattern)
    reasons = [r.to_dict() for r in pattern_reasons(pattern)]
    return {
        "pattern": pattern,
        "recent": recent,
        "advice": reasons,
        "table": table,
        "latest": latest,
    }


def _sites() -> list[tuple[str, str]]:
    return [(s, site_name(s)) for s in known_sites()]


def _form_context(
    request: Request, values: dict[str, str], errors: dict[str, str], zone: tuple[tzinfo, str]
) -> dict[str, Any]:
    return {
        "nav": "diary",
        "sites": _sites(),
        "values": values,
        "errors": errors,
        "zone": zone[0],
        "zone_name": zone[1],
    }


def _diary_page(
    request: Request,
    view: dict[str, Any],
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    zone: tuple[tzinfo, str] | None = None,
) -> Response:
    zone = zone or _zone_of(request)
    context = _form_context(request, values or {}, errors or {}, zone) | {
        "deleted": request.query_params.get("deleted") == "1",
        **view,
    }
    return render(request, "diary.html", context, status)


async def diary_page(request: Request) -> Response:
    try:
        pid = await run_in_threadpool(_person, request)
        if pid is None:
            if sessions.sent_a_cookie(request):
                response = _login(request, message=CLOSED)
                sessions.forget(response, request)
                return response
            return _login(request)
        view = await run_in_threadpool(_diary_view, request, pid)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    return _diary_page(request, view)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _too_many(request: Request, wait: int) -> Response:
    minutes = max(1, -(-wait // 60))
    response = _login(
        request,
        status=429,
        error=(
            "Too many wrong tokens were given from here. Wait "
            f"{'a minute' if minutes == 1 else f'{minutes} minutes'}, then try again."
        ),
    )
    response.headers["Retry-After"] = str(wait)
    return response


async def login(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    token = field(form, "token", limit=MAX_TOKEN + 1).strip()
    if not token:
        return _login(request, status=422, error="Paste your token into the box.")
    if len(token) > MAX_TOKEN:
        return _login(request, status=422, error="That is too long to be a token.")
    throttle: LoginThrottle = request.app.state.login_throttle
    address = _client(request)
    wait = throttle.wait(address, sessions.now(request))
    if wait:
        return _too_many(request, wait)
    try:
        pid = await run_in_threadpool(person_for_token, engine(request), token)
        if pid is None:
            throttle.failed(address, sessions.now(request))
            return _login(
                request,
                status=401,
                error="That token is not known here. Check that it was copied whole.",
            )
        throttle.succeeded(address)
        new_id = await run_in_threadpool(sessions.begin, request, pid)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    response = redirect(request, "/diary")
    sessions.keep(response, request, new_id)
    _remember_zone(response, request, zone_name(field(form, "tz")))
    return response


async def logout(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    try:
        await run_in_threadpool(sessions.end, request)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    response = redirect(request, "/diary")
    sessions.forget(response, request)
    return response


# -- reading the episode form ----------------------------------------------------


def _number(value: str, name: str, message: str) -> float:
    """A number in digits or words ("five", "two and a half"), as the diary reads them."""
    from charley.diary.numbers import read_number

    found = read_number(value)
    if found is None:
        raise Invalid(name, message)
    return found


def _moment(form: FormData, zone: tzinfo, now: datetime) -> datetime | None:
    """When it started from the date, time and words fields; None if all are empty.
    Words win (they are typed on purpose); a date alone is at noon; a time alone is
    the last time the clock showed it."""
    from datetime import timedelta

    from charley.diary.when import DAY_DEFAULT, parse_when

    words = field(form, "when").strip()
    if words:
        try:
            return parse_when(words, now)
        except InputError:
            raise Invalid(
                "when",
                "when it started: cannot read that time; write it like 3am, last night, "
                "2 days ago or 2026-05-01 14:30",
            ) from None
    day_text, clock_text = field(form, "date").strip(), field(form, "time").strip()
    if not day_text and not clock_text:
        return None
    try:
        day = date.fromisoformat(day_text) if day_text else now.date()
    except ValueError:
        raise Invalid("date", "date: give a day like 2026-05-01") from None
    try:
        clock = time.fromisoformat(clock_text) if clock_text else DAY_DEFAULT
    except ValueError:
        raise Invalid("time", "time: give a time like 14:30") from None
    moment = datetime.combine(day, clock.replace(tzinfo=None), tzinfo=zone)
    if not day_text and moment > now:
        moment -= timedelta(days=1)
    return moment


def _episode_data(form: FormData, zone: tzinfo, keep: SavedEpisode | None = None) -> dict[str, Any]:
    """The form as the mapping `episode_in` takes; the fields win over the words.

    Every field is checked, so all problems are shown at once (`Problems`). When
    changing an episode (`keep`), what the form does not hold is kept: its notes,
    remedies after the first, its sites when neither the list nor the words name one,
    and its time when the time fields are emptied.
    """
    from charley.diary.from_text import episode_from_findings
    from charley.parse import parse

    now = datetime.now(zone)
    errors: dict[str, str] = {}

    def check(name: str, message: str) -> None:
        errors.setdefault(name, sentence(message))

    text = field(form, "text", limit=10 * MAX_CHARS)
    data: dict[str, Any] = {"sites": []}
    if text.strip():
        try:
            words = clean_description(text)
        except InputError as exc:
            check("text", str(exc))
        else:
            data = episode_from_findings(parse(words), words, now)
            if not _names_a_time(words, now):
                data.pop("started_at", None)
    elif keep is not None:
        data["text"] = None
    side = field(form, "side") or "unknown"
    if side not in SIDES:
        check("side", "choose left, right, both or not sure")
    site = field(form, "site")
    if site:
        if site not in known_sites():
            check("site", f"unknown body site {site[:60]!r}: choose one from the list")
        data["sites"] = [{"site": site, "side": side}]
    elif side != "unknown":
        data["sites"] = [{"site": s["site"], "side": side} for s in data["sites"]]
    if not data["sites"] and keep is not None:
        data["sites"] = [{"site": s, "side": sd} for s, sd in keep.sites]
    if not data["sites"] and "site" not in errors:
        check(
            "site",
            "where was it? Choose a body site, or name one in your words (for example: calf)",
        )
    try:
        moment = _moment(form, zone, now)
    except Invalid as exc:
        check(exc.field, exc.message)
        moment = None
    if moment is not None:
        data["started_at"] = moment.isoformat()
    elif "started_at" not in data:
        data["started_at"] = (keep.started_at if keep is not None else now).isoformat()
    minutes = field(form, "minutes").strip()
    if minutes:
        how_long = "how long: give a number of minutes, like 2, 0.5 or five"
        try:
            value = _number(minutes, "minutes", how_long)
        except Invalid as exc:
            check(exc.field, exc.message)
        else:
            if not 0 <= value <= MAX_MINUTES:
                check("minutes", f"how long: from 0 to {MAX_MINUTES} minutes (30 days)")
            data["duration_seconds"] = round(value * 60, 1)
    elif keep is not None:
        data["duration_seconds"] = data.get("duration_seconds")
    severity = field(form, "severity").strip()
    pain_message = "pain: a whole number from 0 (none) to 10 (worst), like 7 or seven"
    if severity:
        try:
            pain = _number(severity, "severity", pain_message)
        except Invalid as exc:
            check(exc.field, exc.message)
        else:
            if pain != int(pain) or not 0 <= pain <= 10:
                check("severity", pain_message)
            else:
                data["severity"] = int(pain)
    tried = field(form, "tried").strip()
    relief = field(form, "relief").strip()
    if tried:
        if len(tried) > 60:
            check("tried", "what you tried: at most 60 characters")
        if relief not in {str(i) for i in range(len(RELIEF_WORDS))}:
            check("relief", "how much did it help? Choose from the list")
        else:
            data["remedies"] = [{"remedy": tried, "relief": int(relief)}]
    elif relief:
        check("tried", "what did you try? Say it, or leave 'how much it helped' empty")
    if keep is not None:
        data["notes"] = keep.notes
        data["remedies"] = [
            *data.get("remedies", []),
            *({"remedy": r, "relief": v} for r, v in keep.remedies[1:]),
        ]
    data["woke"] = bool(form.get("woke")) or bool(data.get("woke"))
    data["after_exercise"] = bool(form.get("exercise")) or bool(data.get("after_exercise"))
    if errors:
        raise Problems({n: errors[n] for n in (*FORM_FIELDS, *errors) if n in errors})
    if not data.get("at_night"):
        started = datetime.fromisoformat(data["started_at"])
        data["at_night"] = night_at(started.astimezone(zone))
    return data


def _names_a_time(words: str, now: datetime) -> bool:
    from charley.diary.when import when_from_text

    return when_from_text(words, now) is not None


FIELD_NAMES = {
    "started_at": ("date", "when it started"),
    "duration_seconds": ("minutes", "how long"),
    "severity": ("severity", "pain"),
    "remedies": ("tried", "what you tried"),
    "sites": ("site", "where"),
    "text": ("text", "your words"),
}


def _from_episode_error(exc: InputError, form: FormData) -> Problems:
    """The diary's own check, in the form's words ("started_at: ..." is "when it started: ..."),
    beside the field that said it (a time in words is the "when" field's)."""
    message = str(exc)
    for key, (name, words) in FIELD_NAMES.items():
        if message.startswith(key):
            if name == "date" and field(form, "when").strip():
                name = "when"
            return Problems({name: sentence(f"{words}:{message.partition(':')[2]}")})
    return Problems({"text": sentence(message)})


def _form_values(form: FormData) -> dict[str, str]:
    values = {
        n: field(form, n, limit=10 * MAX_CHARS if n == "text" else FIELD_LIMIT) for n in FORM_FIELDS
    }
    return values | {n: "on" for n in CHECKS if form.get(n)}


def _save(request: Request, pid: int, data: dict[str, Any], zone: str = "") -> SavedEpisode:
    entry = episode_in(data)
    adopt_zone(engine(request), pid, zone)  # the browser's, if the person has none yet
    with Diary(engine=engine(request), person_id=pid) as diary:
        return diary.add(entry, Assessor.for_text(diary, entry.text).before_saving(entry))


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
    zone = _zone_of(request, form)
    try:
        try:
            data = _episode_data(form, zone[0])
            saved = await run_in_threadpool(_save, request, pid, data, zone[1])
        except InputError as exc:
            raise _from_episode_error(exc, form) from None
    except Problems as problems:
        try:
            view = await run_in_threadpool(_diary_view, request, pid)
        except (SQLAlchemyError, CharleyError):
            return unavailable(request)
        return _diary_page(request, view, _form_values(form), problems.errors, 422, zone)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    response = redirect(request, f"/diary/episodes/{saved.id}?saved=1")
    _remember_zone(response, request, zone[1])
    return response


# -- one episode: see, change, delete ---------------------------------------------


def _episode(request: Request, pid: int, episode_id: str) -> SavedEpisode:
    with Diary(engine=engine(request), person_id=pid) as diary:
        return diary.get(episode_id)


async def _own_episode(request: Request, pid: int) -> SavedEpisode:
    """The episode whose public id is in the address; any other text is no episode."""
    raw = str(request.path_params.get("episode_id", ""))
    if public_id(raw) is None:
        raise NotFoundError("no such episode")
    return await run_in_threadpool(_episode, request, pid, raw)


def _no_such_episode(request: Request) -> Response:
    return message_page(request, "No such episode", "There is no such episode in your diary.", 404)


async def _episode_or_page(
    request: Request, doing: str = "see"
) -> tuple[int, SavedEpisode] | Response:
    """The person and their episode named in the address, or the page to show
    instead: log in first, no such episode, or the diary cannot be used."""
    try:
        pid = await run_in_threadpool(_person, request)
        if pid is None:
            return _login(request, status=401, error=f"Give your token to {doing} your diary.")
        return pid, await _own_episode(request, pid)
    except NotFoundError:
        return _no_such_episode(request)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)


async def episode_page(request: Request) -> Response:
    found = await _episode_or_page(request)
    if isinstance(found, Response):
        return found
    _, saved = found
    context = {
        "nav": "diary",
        "episode": saved,
        "result": saved.assessment,
        "saved": request.query_params.get("saved") == "1",
        "changed": request.query_params.get("changed") == "1",
        "zone": _zone_of(request)[0],
    }
    return render(request, "episode.html", context)


def _values_of(episode: SavedEpisode, zone: tzinfo) -> dict[str, str]:
    """The form filled with a saved episode (the first site and remedy; the rest are kept)."""
    local = episode.started_at.astimezone(zone)
    site, side = episode.sites[0] if len(episode.sites) == 1 else ("", "unknown")
    tried, relief = episode.remedies[0] if episode.remedies else ("", None)
    values = {
        "text": episode.text or "",
        "site": site,
        "side": side,
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "minutes": ""
        if episode.duration_seconds is None
        else number(episode.duration_seconds / 60),
        "severity": "" if episode.severity is None else str(episode.severity),
        "tried": tried,
        "relief": "" if relief is None else str(relief),
    }
    return values | {
        "woke": "on" if episode.woke else "",
        "exercise": "on" if episode.after_exercise else "",
    }


def _edit_page(
    request: Request,
    episode: SavedEpisode,
    values: dict[str, str],
    errors: dict[str, str],
    zone: tuple[tzinfo, str],
    status: int = 200,
) -> Response:
    context = _form_context(request, values, errors, zone) | {"episode": episode}
    return render(request, "episode_edit.html", context, status)


async def edit_page(request: Request) -> Response:
    found = await _episode_or_page(request)
    if isinstance(found, Response):
        return found
    _, saved = found
    zone = _zone_of(request)
    return _edit_page(request, saved, _values_of(saved, zone[0]), {}, zone)


def _change(request: Request, pid: int, episode_id: str, data: dict[str, Any]) -> SavedEpisode:
    entry = episode_in(data)
    with Diary(engine=engine(request), person_id=pid) as diary:
        return diary.update(episode_id, entry, assess_with=Assessor.for_text(diary, entry.text))


async def save_edit(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    zone = _zone_of(request, form)
    found = await _episode_or_page(request, "change")
    if isinstance(found, Response):
        return found
    pid, saved = found
    try:
        try:
            try:
                data = _episode_data(form, zone[0], keep=saved)
                await run_in_threadpool(_change, request, pid, saved.id, data)
            except InputError as exc:
                raise _from_episode_error(exc, form) from None
        except Problems as problems:
            return _edit_page(request, saved, _form_values(form), problems.errors, zone, 422)
    except NotFoundError:
        return _no_such_episode(request)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    response = redirect(request, f"/diary/episodes/{saved.id}?changed=1")
    _remember_zone(response, request, zone[1])
    return response


async def delete_page(request: Request) -> Response:
    found = await _episode_or_page(request)
    if isinstance(found, Response):
        return found
    _, saved = found
    context = {"nav": "diary", "episode": saved, "zone": _zone_of(request)[0]}
    return render(request, "episode_delete.html", context)


def _delete(request: Request, pid: int, episode_id: str) -> None:
    with Diary(engine=engine(request), person_id=pid) as diary:
        diary.delete(episode_id)


async def delete_episode(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    found = await _episode_or_page(request, "change")
    if isinstance(found, Response):
        return found
    pid, saved = found
    try:
        await run_in_threadpool(_delete, request, pid, saved.id)
    except NotFoundError:
        return _no_such_episode(request)
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    return redirect(request, "/diary?deleted=1")


# -- the chart and the report ------------------------------------------------------


def _chart(request: Request, pid: int, size: str) -> bytes:
    from charley.diary.report import chart_svg

    with Diary(engine=engine(request), person_id=pid) as diary:
        return chart_svg(diary, size="phone" if size == "phone" else "wide")


async def chart(request: Request) -> Response:
    """The chart as SVG for the page: ?size=phone is drawn for a phone's width."""
    try:
        pid = await run_in_threadpool(_person, request)
        if pid is None:
            return Response(status_code=401, headers=SECURITY_HEADERS)
        body = await run_in_threadpool(
            _chart, request, pid, request.query_params.get("size", "wide")
        )
    except (SQLAlchemyError, CharleyError):
        return Response(status_code=503, headers=SECURITY_HEADERS)
    headers = SECURITY_HEADERS | {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"
    }
    return Response(body, media_type="image/svg+xml", headers=headers)


def _report(request: Request, pid: int, chart_src: str) -> str:
    from charley.diary.report import render_report

    with Diary(engine=engine(request), person_id=pid) as diary:
        return render_report(diary, chart_src=chart_src)


async def report_page(request: Request) -> Response:
    try:
        pid = await run_in_threadpool(_person, request)
        if pid is None:
            return _login(request, status=401, error="Give your token to see your diary.")
        root = request.scope.get("root_path", "")
        body = await run_in_threadpool(_report, request, pid, f"{root}/diary/chart.svg")
    except (SQLAlchemyError, CharleyError):
        return unavailable(request)
    from markupsafe import Markup

    # The report's template escapes everything a person wrote; Markup keeps it as made.
    return render(request, "diary_report.html", {"nav": "diary", "report": Markup(body)})


async def report_css(request: Request) -> Response:
    from charley.diary.report import report_css as css

    return Response(css(), media_type="text/css", headers=SECURITY_HEADERS)
