"""Benchmark: how well and how fast `charley ask` answers.

Prints, on tests/data/questions.yaml (tuned on) and apart on
tests/data/questions_locked.yaml (never tuned on):
- recall@3 (an expected statement among the first three) and MRR,
- the time to build the search index from the knowledge,
- median and p95 time per answer in process, after the index is built,
  and the median's ratio to the 10 ms baseline (bar: under it).
Timing lives here, never in tests.

Run: .venv/bin/python bench/bench_ask.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
BASELINE_MS = 10.0


def load(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load((DATA / name).read_text())["questions"]
    return rows


def quality(rows: list[dict[str, Any]]) -> tuple[float, float, int]:
    from charley.ask import ask

    answerable = [r for r in rows if "expect" in r]
    hits = 0
    reciprocal = 0.0
    for r in answerable:
        ids = [s.id for s in ask(r["question"], limit=10).statements]
        ranks = [n for n, i in enumerate(ids, 1) if i in r["expect"]]
        if ranks and ranks[0] <= 3:
            hits += 1
        reciprocal += 1 / ranks[0] if ranks else 0.0
    return hits / len(answerable), reciprocal / len(answerable), len(answerable)


def build_time(rounds: int) -> float:
    import os

    from charley import ask as ask_module
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    times = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            os.environ["CHARLEY_CACHE_DIR"] = folder
            start = time.perf_counter()
            ask_module.open_index(kb)
            times.append(time.perf_counter() - start)
    os.environ.pop("CHARLEY_CACHE_DIR")
    return statistics.median(times) * 1000


def speed(rows: list[dict[str, Any]], rounds: int) -> tuple[float, float]:
    from charley.ask import ask

    ask(rows[0]["question"])  # build or read the index once
    times = []
    for _ in range(rounds):
        for r in rows:
            start = time.perf_counter()
            ask(r["question"])
            times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="passes over the questions")
    args = parser.parse_args()

    tuned, locked = load("questions.yaml"), load("questions_locked.yaml")
    build_ms = build_time(5)
    r3, mrr, n = quality(tuned)
    lr3, lmrr, ln = quality(locked)
    median_ms, p95_ms = speed(tuned + locked, args.rounds)
    print(f"questions.yaml        ({n:2d}): recall@3 {r3:6.1%}  MRR {mrr:.3f}  (bar: 90%)")
    print(f"questions_locked.yaml ({ln:2d}): recall@3 {lr3:6.1%}  MRR {lmrr:.3f}")
    print(f"index build median:    {build_ms:7.2f} ms")
    print(
        f"ask() median:          {median_ms:7.2f} ms  "
        f"({median_ms / BASELINE_MS:.2f}x the 10 ms baseline)"
    )
    print(f"ask() p95:             {p95_ms:7.2f} ms")


if __name__ == "__main__":
    main()
