"""Web fixtures: a real `charley serve` in a subprocess, and a person's token.

The server listens on a free loopback port, with its own SQLite diary in a
temporary folder; it is ready when /healthz answers (polled a bounded number
of times), and is stopped (and waited for) at the end of the session. Its
output goes to a file, so tests can check that nothing private was logged.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, ViewportSize, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 15_000
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
POLL_TRIES = 300
POLL_PAUSE = 0.1


@dataclass(frozen=True)
class Server:
    url: str
    db: str
    token: str
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def charley(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "charley", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


class ServerExited(RuntimeError):
    """The server stopped before it answered."""


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /healthz until it answers, at most POLL_TRIES times."""
    for _ in range(POLL_TRIES):
        if proc.poll() is not None:
            raise ServerExited(f"charley serve exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(POLL_PAUSE)
    raise RuntimeError(f"charley serve did not answer /healthz:\n{log.read_text(errors='replace')}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


def start(db: str, folder: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    """`charley serve` on a free port; a port taken in the meantime is retried (3 tries)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CHARLEY_DB", None)
    for attempt in range(3):
        port = free_port()
        log = folder / f"server-{attempt}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "charley", "serve", "--port", str(port), "--db", db],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, proc, log)
        except ServerExited:
            stop(proc)
            if "already in use" in log.read_text(errors="replace") and attempt < 2:
                continue
            raise
        except BaseException:
            stop(proc)
            raise
        return proc, url, log
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("web")
    db = f"sqlite:///{folder / 'x.sqlite3'}"
    token = charley("users", "add", "ann", "--db", db).stdout.strip()
    proc, url, log = start(db, folder)
    try:
        yield Server(url=url, db=db, token=token, log=log)
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Chromium with a fresh user data dir, headless."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=LAUNCH_ARGS,
            viewport=DESKTOP,
        )
        ctx.set_default_timeout(WAIT_MS)
        try:
            yield ctx
        finally:
            ctx.close()


@pytest.fixture
def page(context: BrowserContext, server: Server) -> Iterator[Page]:
    """A new tab that refuses every request to a host other than charley's, and
    fails the test at its end if one was made."""
    context.clear_cookies()
    tab = context.new_page()
    tab.set_viewport_size(DESKTOP)
    own = urlsplit(server.url).netloc
    elsewhere: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own:
            elsewhere.append(url)
            route.abort()
        else:
            route.continue_()

    tab.route("**/*", guard)
    try:
        yield tab
    finally:
        tab.close()
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
