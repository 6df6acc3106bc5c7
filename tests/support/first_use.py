"""Many `charley log` processes on one diary at the same moment (tests and bench).

Each child imports charley, says "ready", and waits on its standard input;
once all are ready the parent lets them go together. No sleeps: the parent
waits only for lines and for the children to end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

GUARD_SECONDS = 300  # only ends hung children; the test never waits on the clock
REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from charley.cli.app import run

print("ready", flush=True)
sys.stdin.readline()
run(["log", "--db", sys.argv[1], "--site", "calf", "--json"])
"""


def log_at_once(url: str, n: int) -> list[tuple[int, str, str]]:
    """Start `n` `charley log` processes on `url` together; their (exit code, stdout, stderr)."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, url],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        for _ in range(n)
    ]
    guards = [threading.Timer(GUARD_SECONDS, c.kill) for c in children]
    for guard in guards:
        guard.start()
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [c.communicate() for c in children]
        return [(c.returncode, out, err) for c, (out, err) in zip(children, outputs, strict=True)]
    finally:
        for guard in guards:
            guard.cancel()
        for child in children:
            child.kill()
            child.wait()
