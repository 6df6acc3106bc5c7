"""uvicorn's HTTP protocol (httptools), with a limit on how long and how large a
request's headers may be.

uvicorn closes a connection left idle between requests (`timeout_keep_alive`),
but nothing bounds the time to send the headers themselves: a client that
opens a connection and sends nothing, or sends its headers a byte at a time,
holds the connection (and its memory) for as long as it likes. Here a timer
runs from when the connection opens, and again from when an answer ends,
until the next request's headers are complete: past CHARLEY_HEADER_TIMEOUT
seconds the connection is closed, with a 408 if part of a request had come.
Headers over MAX_HEADER_BYTES are answered with 431. The body has its own
limit (`charley.web.limits`).
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from charley.web.settings import HEADER_TIMEOUT, seconds

MAX_HEADER_BYTES = 16 * 1024
"""The request line and headers together (h11's default limit, which uvicorn's h11 uses)."""


@cache
def header_timeout() -> float:
    return seconds("CHARLEY_HEADER_TIMEOUT", HEADER_TIMEOUT)


def _answer(status: int, reason: str, code: str, detail: str) -> bytes:
    body = json.dumps({"error": code, "detail": detail}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


TOO_SLOW = _answer(
    408, "Request Timeout", "request_timeout", "the request's headers came too slowly"
)
TOO_LARGE = _answer(
    431,
    "Request Header Fields Too Large",
    "headers_too_large",
    f"the request line and headers are over {MAX_HEADER_BYTES} bytes",
)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol whose requests' headers must arrive in time, and not too many."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._awaiting_headers = False

    def _await_headers(self) -> None:
        self._stop_header_timer()
        self._awaiting_headers = True
        self._header_bytes = 0
        self._header_timer = self.loop.call_later(header_timeout(), self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._awaiting_headers and not self.transport.is_closing():
            if self._header_bytes:  # part of a request came: say why it ends
                self.transport.write(TOO_SLOW)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_headers:
            self._header_bytes += len(data)
        super().data_received(data)
        too_large = self._awaiting_headers and self._header_bytes > MAX_HEADER_BYTES
        if too_large and not self.transport.is_closing():
            self.transport.write(TOO_LARGE)
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._stop_header_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)  # the next request's headers are in already
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self._await_headers()
