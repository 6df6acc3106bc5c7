"""Errors as JSON with a clear message and the right status; never a stack trace.

400 malformed JSON            401 no or bad token
404 no such episode           413 body too large (charley.web.limits)
422 wrong types, unknown fields, bad values (charley's InputError too)
503 the diary database cannot be used: down, frozen, out of connections. Every such
    failure (charley's DiaryError, SQLAlchemy's OperationalError, InterfaceError,
    pool timeout, or any error after which the connection was dropped) is mapped
    here, in one place, with Retry-After.

A browser (its Accept header prefers text/html to JSON) that asks for an
unknown page, uses a page the wrong way (405) or meets a failure (500) gets
an HTML page with a link home instead; the API under /v1 always answers JSON.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from charley.errors import DiaryError, InputError, NotFoundError
from charley.web.deps import Unauthorized
from charley.web.pages.common import message_page

log = logging.getLogger("charley.web")


class _ErrorResponse(JSONResponse):
    """JSON that always encodes: a detail can echo what was sent (a field name, an id),
    and a lone surrogate in it (valid in JSON text, not in UTF-8) becomes "?"."""

    def render(self, content: object) -> bytes:
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", errors="replace")


def _error(
    status: int, code: str, detail: object, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return _ErrorResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


_CODES = {404: "not_found", 405: "method_not_allowed"}
_PAGES = {
    404: (
        "Page not found",
        "There is no page at this address. Check the address, or go back to the start.",
    ),
    405: (
        "This page cannot be used this way",
        "This address does not answer that kind of request. Go back to the start and "
        "follow the links from there.",
    ),
    500: ("Something went wrong", "charley could not answer this request. Try again in a moment."),
}
_HTML = ("text/html", "application/xhtml+xml")


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def prefers_html(accept: str) -> bool:
    """Whether an Accept header ranks HTML above JSON. A browser's does
    ("text/html,...,*/*;q=0.8"); curl's "*/*" and an API client's do not."""
    html = json_q = 0.0
    for part in accept.split(","):
        media, _, params = part.partition(";")
        media = media.strip().lower()
        if media in _HTML:
            html = max(html, _quality(params))
        elif media == "application/json":
            json_q = max(json_q, _quality(params))
    return html > json_q


def _at_app_root(request: Request) -> Request:
    """The request as the app sees it: inside a mount (/static) the root path is the
    mount's, and the page's links would point under it."""
    root = request.scope.get("app_root_path", request.scope.get("root_path", ""))
    if root == request.scope.get("root_path", ""):
        return request
    return Request({**request.scope, "root_path": root}, request.receive)


def _for_a_browser(request: Request) -> bool:
    path = request.scope.get("path", "")
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    in_api = path == "/v1" or path.startswith("/v1/")
    return not in_api and prefers_html(request.headers.get("accept", ""))


def _page(request: Request, status: int, headers: Mapping[str, str] | None = None) -> Response:
    title, message = _PAGES[status]
    response = message_page(_at_app_root(request), title, message, status)
    response.headers.update(headers or {})
    return response


def _outage(exc: BaseException) -> bool:
    """Whether a database error means the database cannot be used now (so: 503),
    rather than a fault in charley (500)."""
    if isinstance(exc, sa.OperationalError | sa.InterfaceError | sa.TimeoutError):
        return True  # down, frozen, a timeout, a dropped connection; the pool is empty
    if isinstance(exc, sa.DisconnectionError):
        return True
    return isinstance(exc, sa.DBAPIError) and exc.connection_invalidated


def _unavailable(request: Request, exc: BaseException) -> JSONResponse:
    log.error("diary error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    retry = str(request.app.state.settings.retry_after)
    return _error(
        503,
        "diary_unavailable",
        "the diary cannot be used right now; try again in a moment",
        headers={"Retry-After": retry},
    )


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method the request's address answers to, for a 405's Allow header.

    FastAPI makes one route per method, and Starlette's 405 names only the first
    route whose path matched: GET for /v1/episodes/{id}, though PUT and DELETE
    are there too. So each method is tried against the app's routes (mounts,
    such as /static, answer their own 405s and are left out)."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    allowed = [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]
    return ", ".join(allowed)


_UNREADABLE = "There was an error parsing the body"  # FastAPI's, when it cannot read a body


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "malformed_json", "the request body is not valid JSON")
        detail = [
            {
                "where": ".".join(str(p) for p in e.get("loc", ())),
                "problem": str(e.get("msg", "")).removeprefix("Value error, "),
            }
            for e in errors
        ]
        return _error(422, "invalid", detail)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> JSONResponse:
        return _error(422, "invalid", str(exc))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        return _error(404, "not_found", str(exc))

    @app.exception_handler(Unauthorized)
    async def unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        response = _error(401, "unauthorized", "a valid bearer token is needed for the diary")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(DiaryError)
    async def diary_down(request: Request, exc: DiaryError) -> JSONResponse:
        return _unavailable(request, exc)

    @app.exception_handler(sa.SQLAlchemyError)
    async def database(request: Request, exc: sa.SQLAlchemyError) -> Response:
        if _outage(exc):
            return _unavailable(request, exc)
        return await unexpected(request, exc)

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == _UNREADABLE:  # not UTF-8, say
            return _error(400, "malformed_json", "the request body is not valid JSON in UTF-8")
        # Keep the exception's headers: a 405 must say which methods are allowed.
        if exc.status_code == 405 and (allowed := allowed_methods(request)):
            exc.headers = {**(exc.headers or {}), "Allow": allowed}
        if exc.status_code in _PAGES and _for_a_browser(_at_app_root(request)):
            return _page(request, exc.status_code, exc.headers)
        code = _CODES.get(exc.status_code, "http")
        return _error(exc.status_code, code, exc.detail, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Log the kind of failure and where, never the body (it may hold symptoms).
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        if _for_a_browser(_at_app_root(request)):
            try:
                return _page(request, 500)
            except Exception:  # the page itself cannot be made: JSON still can
                log.error("the error page could not be made for %s", request.url.path)
        return _error(500, "internal", "charley could not answer this request")
