"""Refuse request bodies over the limit (413), or that come too slowly (408), before
the app reads them."""

from __future__ import annotations

import json
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """Pure ASGI middleware: checks Content-Length, and counts chunked bodies too.

    The body is read here, at most `max_body` bytes of it, before the app sees
    any: a body sent without Content-Length (chunked) that grows past the limit
    is refused with 413 as soon as it does, rather than failing inside the
    app's own body parsing (which would answer 400). A body within the limit
    is handed on to the app in one piece.

    The whole body must come within `timeout` seconds of the headers: a client
    that sends it a few bytes at a time gets 408 and the connection is closed,
    rather than holding it (and a worker's attention) for minutes.
    """

    def __init__(self, app: ASGIApp, max_body: int, timeout: float) -> None:
        self.app = app
        self.max_body = max_body
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > self.max_body
                except ValueError:
                    too_big = True
                if too_big:
                    await self._refuse(send)
                    return
        first: Message | None = None
        with anyio.move_on_after(self.timeout):
            first = await self._read(receive)
        if first is None:
            await self._answer(send, 408, "request_timeout", "the request's body came too slowly")
            return
        if first["type"] == "charley.too_large":
            await self._refuse(send)
            return
        pending: Message | None = first

        async def replay() -> Message:
            nonlocal pending
            if pending is not None:
                message, pending = pending, None
                return message
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> Message:
        """The whole body as one message; or the message that ended it early (the
        client went away); or a "charley.too_large" message once it is over the limit."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: tell the app
                return message
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                return {"type": "charley.too_large"}
            chunks.append(chunk)
            if not message.get("more_body", False):
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

    async def _refuse(self, send: Send) -> None:
        detail = f"the request body is over {self.max_body} bytes"
        await self._answer(send, 413, "too_large", detail)

    @staticmethod
    async def _answer(send: Send, status: int, code: str, detail: str) -> None:
        body = json.dumps({"error": code, "detail": detail}).encode()
        headers: list[Any] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if status == 408:  # the rest of the body may still come: end the connection
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
