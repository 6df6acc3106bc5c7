"""Errors as JSON with a clear message and the right status; never a stack trace.

400 malformed JSON            401 no or bad token
404 no such episode           413 body too large (charley.web.limits)
422 wrong types, unknown fields, bad values (charley's InputError too)
503 the diary database cannot be used
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from charley.errors import DiaryError, InputError, NotFoundError
from charley.web.deps import Unauthorized

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
        log.error("diary error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _error(503, "diary_unavailable", "the diary cannot be used right now")

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _UNREADABLE:  # not UTF-8, say
            return _error(400, "malformed_json", "the request body is not valid JSON in UTF-8")
        # Keep the exception's headers: a 405 must say which methods are allowed.
        code = _CODES.get(exc.status_code, "http")
        return _error(exc.status_code, code, exc.detail, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log the kind of failure and where, never the body (it may hold symptoms).
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return _error(500, "internal", "charley could not answer this request")
