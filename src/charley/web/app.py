"""The FastAPI application: the API under /v1, /healthz, and the web page at /.

Started by `charley serve`; `create_app()` is a factory so every worker
builds its own engine. Nothing it serves loads anything from another host:
FastAPI's own /docs and /redoc (scripts and fonts from a CDN) are off, and
charley's /docs page is made from the OpenAPI document (`routes.docs`).
Text answers of 500 bytes or more are gzip-compressed for clients that ask.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse
from starlette.middleware.gzip import GZipMiddleware

from charley import __version__
from charley.web import handlers, pages
from charley.web.access_log import hide_query_strings
from charley.web.caching import NoStore
from charley.web.limits import BodyLimit
from charley.web.pages.common import HERE
from charley.web.routes import ask, assess, docs, episodes, health, knowledge
from charley.web.settings import Settings
from charley.web.throttle import LoginThrottle

GZIP_MIN_BYTES = 500
"""Smaller answers are sent as they are: compressing them saves too little."""
FAVICON = HERE / "static" / "favicon.svg"


async def favicon(request: Request) -> Response:
    """/favicon.ico, which browsers and tools ask for by habit: charley's SVG icon."""
    return FileResponse(FAVICON, media_type="image/svg+xml")


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(db_url: str | None = None) -> FastAPI:
    settings = Settings.from_env(db_url)
    hide_query_strings()  # the interview's addresses hold the description

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from charley.diary.database import make_engine, migrate
        from charley.knowledge import load_knowledge

        load_knowledge()  # warm, so the first request is not slow
        app.state.engine = make_engine(settings.db_url, timeout=settings.db_timeout)
        migrate(app.state.engine)
        app.state.database_check = health.DatabaseCheck(app.state.engine, settings.db_timeout)
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="charley",
        version=__version__,
        description=(
            "A local-first muscle spasm checker, care guide and cramp diary. Every statement "
            "cites its source. Not a diagnosis."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = utc_now  # sessions' and the login throttle's; tests set their own
    app.state.login_throttle = LoginThrottle()
    handlers.install(app)
    app.include_router(health.router)
    app.include_router(assess.router)
    app.include_router(episodes.router)
    app.include_router(knowledge.router)
    app.include_router(ask.router)
    app.include_router(docs.router)
    app.add_route("/favicon.ico", favicon, methods=["GET"], include_in_schema=False)
    pages.install(app)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)
    app.add_middleware(NoStore)
    app.add_middleware(BodyLimit, max_body=settings.max_body, timeout=settings.body_timeout)
    return app
