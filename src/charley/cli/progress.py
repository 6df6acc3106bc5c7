"""Progress bars for long work (`charley import`, `charley export`), on stderr.

Shown only when stderr is a terminal: piped or redirected, nothing is added,
so scripts read the same output as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Step = Callable[[int], None]


def _terminal() -> bool:
    return sys.stderr.isatty()


class Bar:
    """One bar with several steps ("Reading", "Saving"), each with its own total."""

    def __init__(self, on: bool) -> None:
        self.on = on
        self._progress = None
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
        """A new line of the bar; the function it returns says how many are done."""
        if self._progress is None:
            return _nothing
        progress = self._progress
        task = progress.add_task(description, total=total)

        def done(count: int) -> None:
            progress.update(task, completed=count)

        return done


def _nothing(count: int) -> None:
    return None


@contextmanager
def progress_bar() -> Iterator[Bar]:
    """A Bar drawn on stderr while the block runs, when stderr is a terminal."""
    bar = Bar(_terminal())
    if bar._progress is None:
        yield bar
        return
    with bar._progress:
        yield bar
