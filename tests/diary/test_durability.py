"""Nothing saved is ever lost: kill a writer mid-write, and every episode it was told
was saved is still there, whole.

A child process adds episodes one by one. Before each `add` it prints "writing I",
and after `add` returns (the transaction committed) it prints "saved I ID". Once the
parent has read 50 "saved" lines and the child has announced the next write, the
parent SIGKILLs it: the kill lands inside a write. No sleeps: the parent only ever
waits for the child's next line. On PostgreSQL the server is then crashed too
(`pg_ctl -m immediate`: no checkpoint, WAL replay on restart) before the diary is
reopened.
"""

from __future__ import annotations

import inspect
import signal
import textwrap
from pathlib import Path
from typing import Any

import pytest

from charley.diary import Diary, episode_in
from tests.support.children import python_child, was_killed

SAVED_BEFORE_KILL = 50


def content(i: int) -> dict[str, Any]:
    """Episode number i (the child runs this same source)."""
    from datetime import UTC, datetime, timedelta

    sites = ["calf", "foot", "thigh", "hand", "neck", "back"]
    sides = ["left", "right", "both", "unknown"]
    return {
        "started_at": (datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=97 * i)).isoformat(),
        "sites": [{"site": sites[i % 6], "side": sides[i % 4]}]
        + ([{"site": "foot", "side": "left"}] if i % 3 == 0 else []),
        "duration_seconds": float(10 * i + 5),
        "severity": i % 11,
        "feel": f"feel {i}",
        "trigger": None if i % 2 else "walking",
        "remedies": [{"remedy": f"remedy {i % 7}", "relief": i % 5}],
        "notes": f"episode {i} " + "x" * (i % 50),
        "text": f"text of episode {i}",
        "at_night": i % 2 == 0,
        "after_exercise": i % 3 == 1,
        "woke": i % 4 == 0,
    }


CHILD = (
    "from __future__ import annotations\n"
    + textwrap.dedent(inspect.getsource(content))
    + """
import sys
from charley.diary import Diary, episode_in

with Diary(sys.argv[1]) as diary:
    i = 0
    while True:
        print("writing", i, flush=True)
        saved = diary.add(episode_in(content(i)))
        print("saved", i, saved.id, flush=True)
        i += 1
"""
)


def run_and_kill(url: str, stderr_path: Path) -> dict[int, str]:
    """Start the writer, SIGKILL it mid-write; return {episode number: id} it reported saved."""
    saved: dict[int, str] = {}
    with python_child(CHILD, url, stderr_path) as child:
        assert child.stdout is not None
        for line in child.stdout:
            word, *rest = line.split()
            if word == "saved":
                saved[int(rest[0])] = rest[1]
            elif word == "writing" and len(saved) >= SAVED_BEFORE_KILL:
                child.send_signal(signal.SIGKILL)  # inside add(), number len(saved)
                break
        else:
            pytest.fail(f"the writer stopped on its own:\n{stderr_path.read_text()}")
    assert was_killed(child)
    return saved


def test_a_killed_writer_loses_no_saved_episode(
    diary_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with Diary(diary_url) as diary:  # created (and migrated) before the writer starts
        assert diary.count() == 0

    saved = run_and_kill(diary_url, tmp_path / "child.err")
    assert sorted(saved) == list(range(len(saved)))
    assert len(saved) == SAVED_BEFORE_KILL

    if diary_url.startswith("postgresql"):
        cluster = request.getfixturevalue("pg_cluster")
        cluster.crash()
        cluster.start_again()
    else:
        assert Path(diary_url.removeprefix("sqlite:///")).exists()

    with Diary(diary_url) as diary:
        assert diary.integrity_check() == "ok"
        episodes = {e.id: e for e in diary.list()}
        for i, episode_id in saved.items():
            assert episode_id in episodes, f"saved episode {i} (id {episode_id}) is lost"
            assert episode_in(episodes[episode_id].to_input()) == episode_in(content(i)), i
            assert diary.get(episode_id) == episodes[episode_id]
        # The write that was killed either committed whole or left no trace (and if the
        # writer got further before the signal landed, those episodes are whole too).
        # Episode i starts 97 minutes after episode i - 1, so oldest first is writing order.
        extra = [e for e in diary.list() if e.id not in set(saved.values())]
        last_saved = max(episodes[episode_id].started_at for episode_id in saved.values())
        assert all(e.started_at > last_saved for e in extra)
        for k, e in enumerate(extra):
            assert episode_in(e.to_input()) == episode_in(content(len(saved) + k))
        assert diary.count() == len(episodes)
        assert diary.integrity_check() == "ok"
        # and the diary goes on working
        more = diary.add(episode_in(content(999)))
        assert diary.get(more.id).notes.startswith("episode 999")
