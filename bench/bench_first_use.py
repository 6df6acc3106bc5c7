"""Benchmark: first use by many at once, on SQLite and PostgreSQL.

Each round makes a NEW, empty database and starts eight `charley log`
processes on it together (tests/support/first_use.py: every child waits
until all are ready, then all go at once). It counts the processes that did
not exit 0, and prints any error they gave. Bar: 0 failures in 10 rounds of
8, on each database. tests/diary/test_first_use.py runs 3 rounds in the
test suite; this runs the full 10 (and times nothing).

Run: .venv/bin/python bench/bench_first_use.py [--rounds 10] [--processes 8] [--only sqlite]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.support

from tests.support.first_use import log_at_once  # noqa: E402


def rounds(name: str, new_url: Callable[[], str], args: argparse.Namespace) -> int:
    """Run the rounds on databases from `new_url()`; return how many processes failed."""
    failed = 0
    errors: Counter[str] = Counter()
    codes: Counter[int] = Counter()
    for _ in range(args.rounds):
        url = new_url()
        for code, _out, err in log_at_once(url, args.processes):
            codes[code] += 1
            if code != 0:
                failed += 1
                errors[err.strip().splitlines()[-1] if err.strip() else "(nothing said)"] += 1
    total = args.rounds * args.processes
    print(f"{name}: {failed} of {total} failed ({args.rounds} rounds of {args.processes})")
    print(f"  exit codes: {dict(sorted(codes.items()))}")
    for message, n in errors.most_common():
        print(f"  {n} x {message}")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="charley-bench-first-") as tmp:
        if args.only in (None, "sqlite"):
            count = iter(range(args.rounds))
            failed += rounds(
                "sqlite", lambda: f"sqlite:///{Path(tmp) / f'd{next(count)}.sqlite3'}", args
            )
        if args.only in (None, "postgresql"):
            from tests.support.pgcluster import PgCluster

            with PgCluster(prefix="charley-bench-pg-") as cluster:
                failed += rounds("postgresql", cluster.create_database, args)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
