"""Progress bars for long work (`charley import`, `charley export`), on stderr.

Shown only when stderr is a terminal: piped or redirected, nothing is added,
so scripts read the same output as before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _terminal() -> bool:
    return sys.stderr.isatty()


class Bar:
    """One bar with several steps ("Reading", "Saving"), each with its own total."""

    def __init__(self, on: bool) -> None:
        self.on = on
        self._progress: Any = None
        if on:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )

    def step(self, description: str, total: int | None) -> Step:
        """A new line of the bar (total None: not known yet); call it with how many are done."""
        if self._progress is None:
            return Step(None, None)
        return Step(self._progress, self._progress.add_task(description, total=total))


class Step:
    """One line of a Bar: `step(count)` moves it; `step.finish(count)` fills it."""

    def __init__(self, progress: Any, task: Any) -> None:
        self._progress = progress
        self._task = task

    def __call__(self, count: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=count)

    def finish(self, count: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, total=count, completed=count)


@contextmanager
def progress_bar() -> Iterator[Bar]:
    """A Bar drawn on stderr while the block runs, when stderr is a terminal."""
    bar = Bar(_terminal())
    if bar._progress is None:
        yield bar
        return
    with bar._progress:
        yield bar
