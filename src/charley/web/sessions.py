"""The page's session cookie: which name and attributes it has, and the person it
opens. The sessions themselves are kept by `charley.diary.sessions`.

The cookie holds a random session id, never the person's token. It is
HttpOnly, SameSite=Strict and `Path=/`. When the page is served over https
(or CHARLEY_BEHIND_TLS_PROXY says a proxy in front serves it so), the cookie
is `__Host-charley_session` with `Secure`: a browser keeps a `__Host-` cookie
only from this host over https, so no neighbouring site and no plain-http
page can plant one. Browsers refuse `__Host-` and `Secure` cookies from plain
http, so on http (charley on one's own computer, http://127.0.0.1) the cookie
is `charley_session`, without `Secure`. Over https only the `__Host-` cookie
is read.

The page's cookie also opens the API for reading (the page's export links),
never for a change: `charley.web.deps`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Engine

from charley.diary.sessions import close_session, open_session, session_person
from charley.web.settings import Settings

SECURE_COOKIE = "__Host-charley_session"
PLAIN_COOKIE = "charley_session"
OLD_COOKIE = "charley_token"
"""Before sessions, the page's cookie held the token itself: it opens nothing now,
and is removed from any browser that still sends it."""


def engine(request: Request) -> Engine:
    found: Engine = request.app.state.engine
    return found


def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


def now(request: Request) -> datetime:
    """The server's clock (`app.state.clock`, which tests replace)."""
    moment: datetime = request.app.state.clock()
    return moment


def _span(length: timedelta) -> str:
    """12 hours, 90 minutes, 7 days, 1.5 days."""
    minutes = length.total_seconds() / 60
    for unit, size in (("day", 24 * 60), ("hour", 60), ("minute", 1)):
        if minutes >= size or unit == "minute":
            count = round(minutes / size, 1)
            shown = f"{count:g}"
            return f"{shown} {unit}{'' if shown == '1' else 's'}"
    raise AssertionError("unreachable")


def lengths(request: Request) -> str:
    """How long a session lasts, for the login page: "at most 7 days (12 hours if unused)"."""
    s = settings(request)
    return f"at most {_span(s.session_lifetime)} ({_span(s.session_idle)} if unused)"


def over_https(request: Request) -> bool:
    """Whether the browser reaches the page over https: the request's own scheme,
    or always behind a TLS proxy. X-Forwarded-Proto is not read here: only
    `charley serve` trusts it, and only with CHARLEY_BEHIND_TLS_PROXY on."""
    return settings(request).behind_tls_proxy or request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if over_https(request) else PLAIN_COOKIE


def session_id(request: Request) -> str:
    return request.cookies.get(cookie_name(request), "")


def sent_a_cookie(request: Request) -> bool:
    """Whether the browser sent a session cookie (or the old token cookie)."""
    return bool(session_id(request) or request.cookies.get(OLD_COOKIE))


def person(request: Request) -> int | None:
    """The person whose session the request's cookie is, or None (database work:
    call it from a thread)."""
    found = session_id(request)
    if not found:
        return None
    return session_person(
        engine(request), found, now=now(request), idle=settings(request).session_idle
    )


def begin(request: Request, person_id: int) -> str:
    """A new session for `person_id` (the request's old one, if any, ends); its id."""
    old = session_id(request)
    if old:
        close_session(engine(request), old)
    s = settings(request)
    return open_session(
        engine(request),
        person_id=person_id,
        now=now(request),
        idle=s.session_idle,
        lifetime=s.session_lifetime,
    )


def end(request: Request) -> None:
    """End the request's session, if it has one (database work: call it from a thread)."""
    close_session(engine(request), session_id(request))


def keep(response: Response, request: Request, new_id: str) -> None:
    """Give the browser the session's cookie, for as long as the session can last."""
    secure = over_https(request)
    response.set_cookie(
        cookie_name(request),
        new_id,
        max_age=int(settings(request).session_lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    if request.cookies.get(OLD_COOKIE):
        _remove(response, OLD_COOKIE, secure)


def forget(response: Response, request: Request) -> None:
    """Ask the browser to drop the session cookie (and the old token cookie)."""
    secure = over_https(request)
    for name in (cookie_name(request), OLD_COOKIE):
        if request.cookies.get(name) or name == cookie_name(request):
            _remove(response, name, secure)


def _remove(response: Response, name: str, secure: bool) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=secure)
