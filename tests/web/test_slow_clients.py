"""A client that sends slowly cannot hold a connection for ever: a real `charley serve`
on loopback, with short limits (CHARLEY_HEADER_TIMEOUT, CHARLEY_BODY_TIMEOUT of 1 s),
closes a connection whose headers never end, and answers 408 to a body that trickles
in, then closes it. Raw sockets, so nothing between the test and the server hides the
slowness.

The verdicts are what the client sees (a 408, a closed connection); the waits are
bounded by BOUND, generous beside the 1 s limits so a busy machine passes, and the
point is that before the fix the server answered nothing and closed nothing."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import charley, start, stop

LIMIT = "1"
BOUND = 15.0
"""Seconds the test waits for the server to act: far over the 1 s limits."""
PACE = 0.2
"""Seconds between the trickled pieces."""


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("slow")
    db = f"sqlite:///{folder / 'x.sqlite3'}"
    charley("users", "add", "ann", "--db", db)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CHARLEY_HEADER_TIMEOUT", LIMIT)
        env.setenv("CHARLEY_BODY_TIMEOUT", LIMIT)
        proc, url, _log = start(db, folder)
    try:
        parts = urlsplit(url)
        assert parts.hostname and parts.port
        yield parts.hostname, parts.port
    finally:
        stop(proc)


def connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=BOUND)


def trickle(sock: socket.socket, data: bytes) -> bytes | None:
    """Send `data` a few bytes at a time, PACE apart, until the server answers or closes
    (then return what it sent: b"" for a bare close), or BOUND passes (None)."""
    deadline = time.monotonic() + BOUND
    for start_at in range(0, len(data), 10):
        readable, _, _ = select.select([sock], [], [], PACE)
        if readable:
            return read_all(sock)
        try:
            sock.sendall(data[start_at : start_at + 10])
        except (BrokenPipeError, ConnectionResetError):
            return b""
        if time.monotonic() > deadline:
            return None
    readable, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
    return read_all(sock) if readable else None


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes (bounded by the socket's timeout)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_headers_that_never_end_are_cut_off(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: charley\r\n")  # no blank line: unfinished
        answer = read_all(sock)  # returns once the server closes; times out otherwise
    assert answer == b"" or status_of(answer) == 408


def test_headers_sent_a_byte_at_a_time_are_cut_off(address: tuple[str, int]) -> None:
    headers = b"GET /healthz HTTP/1.1\r\nHost: charley\r\n" + b"X-Slow: " + b"a" * 10_000
    with connect(address) as sock:
        answer = trickle(sock, headers)
    assert answer is not None, "the server kept the connection open"
    assert answer == b"" or status_of(answer) == 408


def test_a_connection_that_sends_nothing_is_closed(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        assert read_all(sock) == b""


def test_a_body_sent_ten_bytes_at_a_time_gets_408_and_the_connection_closes(
    address: tuple[str, int],
) -> None:
    body = json.dumps({"text": "my calf cramped " + "x" * 2000}).encode()
    head = (
        b"POST /v1/assess HTTP/1.1\r\nHost: charley\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with connect(address) as sock:
        sock.sendall(head)
        answer = trickle(sock, body)
    assert answer is not None, "the server kept the connection open"
    assert status_of(answer) == 408
    assert b"connection: close" in answer.lower()
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "request_timeout"


def test_a_body_in_two_quick_pieces_is_still_answered(address: tuple[str, int]) -> None:
    body = json.dumps({"text": "my left calf cramped for 2 minutes last night"}).encode()
    head = (
        b"POST /v1/assess HTTP/1.1\r\nHost: charley\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with connect(address) as sock:
        sock.sendall(head + body[:10])
        time.sleep(PACE)
        sock.sendall(body[10:])
        answer = read_all(sock)
    assert status_of(answer) == 200


def test_headers_over_16_kb_get_431(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: charley\r\nX-Big: " + b"a" * 20_000)
        answer = read_all(sock)
    assert status_of(answer) == 431
