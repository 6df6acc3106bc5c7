"""What a person describes, and their token, never reach a log: not at DEBUG, not from
any logger (charley's, FastAPI's, the database's, uvicorn's), not on errors.

Once in-process, once through a real uvicorn server on a Unix socket (its access
and error logs), with every logger turned up to DEBUG."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from charley.web import create_app
from tests.api.conftest import Api, episode, people

SYMPTOM = "my left calf does the quokka-zebra-cramp"
SECRET_WORD = "quokka-zebra"
JSON = {"content-type": "application/json"}
NAMED = ("uvicorn", "uvicorn.error", "uvicorn.access", "charley", "charley.web", "sqlalchemy")


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, enabled, and passing its records up to caplog at the root."""
    caplog.set_level(logging.DEBUG)
    names = set(logging.root.manager.loggerDict) | set(NAMED)
    loggers = [logging.getLogger(name) for name in sorted(names)]
    saved = [(lg, lg.level, lg.propagate, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.propagate = True
        lg.disabled = False
    try:
        yield caplog
    finally:
        for lg, level, propagate, disabled in saved:
            lg.setLevel(level)
            lg.propagate = propagate
            lg.disabled = disabled


def requests(send: Callable[..., Any], token: str) -> list[int]:
    """The same requests through any client; each carries the symptom, the token or both.
    Returns the statuses."""
    auth = {"Authorization": f"Bearer {token}"}
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/v1/assess", {"json": {"text": SYMPTOM}, "headers": auth}),
        ("POST", "/v1/parse", {"json": {"text": SYMPTOM}}),
        ("POST", "/v1/interview", {"json": {"text": SYMPTOM, "answers": {}}}),
        ("POST", "/v1/episodes", {"json": episode(text=SYMPTOM, notes=SYMPTOM), "headers": auth}),
        ("GET", "/v1/episodes", {"headers": auth}),
        ("GET", "/v1/episodes/export", {"headers": auth}),
        ("GET", "/v1/episodes/summary", {"headers": auth}),
        # Errors: each must log nothing of what was sent.
        ("POST", "/v1/assess", {"json": {"text": SYMPTOM, SECRET_WORD: 1}}),  # 422
        ("POST", "/v1/assess", {"json": {"findings": [{"id": SECRET_WORD}]}}),  # 422
        ("POST", "/v1/episodes", {"json": episode(text=SYMPTOM, severity=99), "headers": auth}),
        ("POST", "/v1/episodes", {"content": '{"text": "' + SYMPTOM, "headers": auth | JSON}),
        ("POST", "/v1/assess", {"content": SYMPTOM * 2000}),  # 413
        ("GET", "/v1/episodes", {"headers": {"Authorization": f"Bearer {token[::-1]}"}}),  # 401
        ("GET", "/v1/episodes/424242", {"headers": auth}),  # 404
    ]
    return [send(method, path, **kwargs).status_code for method, path, kwargs in calls]


EXPECTED = [200, 200, 200, 201, 200, 200, 200, 422, 422, 422, 400, 413, 401, 404]


def assert_nothing_leaked(caplog: pytest.LogCaptureFixture, token: str) -> None:
    assert caplog.records, "nothing was logged: the capture is not working"
    for record in caplog.records:
        shown = caplog.handler.format(record) + repr(record.__dict__)
        for secret in (SECRET_WORD, token, token[::-1]):
            assert secret not in shown, f"{record.name} logged it: {record.getMessage()[:300]}"


def test_nothing_sent_is_logged_in_process(
    everything_logged: pytest.LogCaptureFixture, api: Api
) -> None:
    statuses = requests(api.client.request, api.ann_token)
    assert statuses == EXPECTED
    assert_nothing_leaked(everything_logged, api.ann_token)
    # The database was logging (statements) while this ran, so the check means something.
    assert any(r.name.startswith("sqlalchemy") for r in everything_logged.records)


def test_nothing_sent_is_logged_by_uvicorn(
    everything_logged: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    ann, _ = people(url)
    socket = str(tmp_path / "charley.sock")
    config = uvicorn.Config(
        create_app(url),
        uds=socket,
        log_level="debug",
        log_config=None,  # keep the loggers as set here (records go up to caplog)
        access_log=True,
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        started = threading.Event()
        for _ in range(600):  # up to a minute on a slow machine; usually at once
            if server.started or not thread.is_alive():
                break
            started.wait(0.1)
        assert server.started, "uvicorn did not start"
        transport = httpx.HTTPTransport(uds=socket)
        with httpx.Client(transport=transport, base_url="http://charley") as client:
            statuses = requests(client.request, ann)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
    assert not thread.is_alive()
    assert statuses == EXPECTED
    assert_nothing_leaked(everything_logged, ann)
    access = [r for r in everything_logged.records if r.name == "uvicorn.access"]
    assert len(access) >= len(statuses) - 1  # a 413 may be refused before it is logged
