"""A Python child process for tests that SIGKILL a writer at a chosen moment.

The child runs `code` with the diary URL as its argument, unbuffered, from the
repository's folder; what it prints tells the test when to kill it. A guard
kills it if it hangs, so a test never waits on the clock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GUARD_SECONDS = 300  # only ends a hung child; the test never waits on the clock
REPO = Path(__file__).resolve().parents[2]


@contextmanager
def python_child(code: str, url: str, stderr_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Start `python -c code url`; on leaving, make sure it is dead and its pipes closed.

    Its stdout is a pipe to read; stderr goes to `stderr_path`.
    """
    with stderr_path.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", code, url],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    guard = threading.Timer(GUARD_SECONDS, child.kill)
    guard.start()
    try:
        yield child
    finally:
        guard.cancel()
        child.kill()
        child.wait()
        for pipe in (child.stdin, child.stdout):
            if pipe is not None:
                pipe.close()


def was_killed(child: subprocess.Popen[str]) -> bool:
    return child.returncode == -signal.SIGKILL
