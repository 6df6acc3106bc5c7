"""No cache may keep an API answer: `Cache-Control: no-store` on every answer under /v1.

Diary answers hold what a person wrote about their health, and so do the
assessment's (they quote the description); a shared computer's browser cache or
a proxy must not keep them. The knowledge (/v1/knowledge) is the same for
everyone and may be kept. An answer that already says how to cache keeps it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API = "/v1/"
PUBLIC = ("/v1/knowledge",)


class NoStore:
    """Pure ASGI middleware adding `Cache-Control: no-store` to API answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(API) or path.startswith(PUBLIC):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_no_store)
