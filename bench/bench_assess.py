"""Benchmark: how fast charley answers.

Prints medians of
- in-process assess() on free text and on structured findings (bar: under 1 ms),
- wall time of `charley assess --json "…"` next to `python -c pass`, run
  alternately in the same loop so both see the same machine load
  (bar: under 10x),
and each figure's ratio to its baseline. Timing lives here, never in tests.

Run: make bench   (or .venv/bin/python bench/bench_assess.py [--runs N])
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sample_texts import texts

CLI_TEXT = "My left calf cramped last night for about two minutes and eased when I stretched it."
IN_PROCESS_BAR_MS = 1.0


def in_process(rounds: int) -> tuple[float, float]:
    from charley import assess, parse

    sample = texts()
    structured = [parse(t) for t in sample]
    assess(sample[0])  # load the knowledge once
    free: list[float] = []
    fixed: list[float] = []
    for _ in range(rounds):
        for t, f in zip(sample, structured, strict=True):
            start = time.perf_counter()
            assess(t)
            free.append(time.perf_counter() - start)
            start = time.perf_counter()
            assess(findings=f)
            fixed.append(time.perf_counter() - start)
    return statistics.median(free) * 1000, statistics.median(fixed) * 1000


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={**os.environ})
    return time.perf_counter() - start


def cli(runs: int) -> tuple[float, float]:
    charley = shutil.which("charley", path=str(Path(sys.executable).parent)) or "charley"
    wall([charley, "assess", "--json", CLI_TEXT])  # warm the knowledge cache
    bare: list[float] = []
    full: list[float] = []
    for _ in range(runs):
        bare.append(wall([sys.executable, "-c", "pass"]))
        full.append(wall([charley, "assess", "--json", CLI_TEXT]))
    return statistics.median(bare) * 1000, statistics.median(full) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="passes over the texts")
    parser.add_argument("--runs", type=int, default=30, help="CLI runs of each command")
    args = parser.parse_args()

    free_ms, fixed_ms = in_process(args.rounds)
    bare_ms, cli_ms = cli(args.runs)
    bar = IN_PROCESS_BAR_MS
    print(f"assess(text) median:          {free_ms:7.3f} ms  ({free_ms / bar:.2f}x the 1 ms bar)")
    print(f"assess(findings) median:      {fixed_ms:7.3f} ms  ({fixed_ms / bar:.2f}x the 1 ms bar)")
    print(f"python -c pass median:        {bare_ms:7.1f} ms  (baseline)")
    ratio = cli_ms / bare_ms
    print(f"charley assess --json median: {cli_ms:7.1f} ms  ({ratio:.1f}x the baseline; bar 10x)")


if __name__ == "__main__":
    main()
