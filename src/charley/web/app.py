"""The FastAPI application: the API under /v1, /healthz, and the web page at /.

Started by `charley serve`; `create_app()` is a factory so every worker
builds its own engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from charley import __version__
from charley.web import handlers, pages
from charley.web.access_log import hide_query_strings
from charley.web.limits import BodyLimit
from charley.web.routes import assess, episodes, health, knowledge
from charley.web.settings import Settings


def create_app(db_url: str | None = None) -> FastAPI:
    settings = Settings.from_env(db_url)
    hide_query_strings()  # the interview's addresses hold the description

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from charley.diary.database import make_engine, migrate
        from charley.knowledge import load_knowledge

        load_knowledge()  # warm, so the first request is not slow
        app.state.engine = make_engine(settings.db_url)
        migrate(app.state.engine)
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
    )
    app.state.settings = settings
    handlers.install(app)
    app.include_router(health.router)
    app.include_router(assess.router)
    app.include_router(episodes.router)
    app.include_router(knowledge.router)
    pages.install(app)
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    return app
