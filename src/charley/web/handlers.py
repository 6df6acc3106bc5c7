"""Errors as JSON with a clear message and the right status; never a stack trace.

400 malformed JSON            401 no or bad token
404 no such episode           413 body too large (charley.web.limits)
422 wrong types, unknown fields, bad values (charley's InputError too)
503 the diary database cannot be used
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from charley.errors import DiaryError, InputError, NotFoundError
from charley.web.deps import Unauthorized

log = logging.getLogger("charley.web")


def _error(status: int, code: str, detail: object) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


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
        return _error(exc.status_code, "http", exc.detail)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log the kind of failure and where, never the body (it may hold symptoms).
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return _error(500, "internal", "charley could not answer this request")
