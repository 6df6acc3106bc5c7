"""Benchmark: the diary at a million episodes, on SQLite and PostgreSQL.

For each database it
- inserts N episodes (default 1,000,000: varied sites, sides, severities,
  durations, remedies, nights and exercise, spread over three years up to now)
  through `Diary.add_many`, one call per chunk, and prints the insert rate;
- times `patterns.summarize()` a few times and prints the median
  (bar: under 1 s on SQLite);
- times `charley.diary.report.write_chart()` if that module is there;
- bulk import (`Diary.import_episodes`, COPY on PostgreSQL) of --import-episodes
  (default 100,000) into a new, empty diary: the rate, and its ratio to the bar
  of 20,000 episodes a second; then the same episodes as a CSV file, read,
  checked and imported as `charley import` does (the whole path), and that
  file imported again (every episode skipped as already there).

SQLite is a file in a temporary folder; PostgreSQL a throwaway cluster
(tests/support/pgcluster.py). Both are removed at the end. Timing lives here,
never in tests.

Run: make bench   (or .venv/bin/python bench/bench_diary.py [--episodes N] [--only sqlite]
                   [--import-episodes N]; --episodes 0 for the import alone)
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.support.pgcluster

from charley.diary import Diary, EpisodeIn  # noqa: E402
from charley.diary.entries import RemedyIn, SiteIn, known_sites  # noqa: E402
from charley.diary.patterns import summarize  # noqa: E402

SUMMARY_BAR_S = 1.0
IMPORT_BAR = 20_000
"""Bulk import: at least this many episodes a second (issue 11)."""
YEARS = 3
SIDES = ("left", "right", "both", "unknown")
REMEDIES = ("stretch", "massage", "heat", "ice", "water", "walk it off", "magnesium")
FEELS = (None, "tight knot", "twitching", "hard to touch", "sharp", "aching")
TRIGGERS = (None, None, "running", "swimming", "standing all day", "heat")


def episodes(total: int, chunk: int, seed: int) -> Iterator[list[EpisodeIn]]:
    """`total` episodes, oldest first, in lists of `chunk`.

    Built with `model_construct` from values already valid (known sites, sides,
    severity 0-10, relief 0-4, UTC times in the past): validating a million
    pydantic models would time pydantic, not the diary.
    """
    rng = random.Random(seed)
    sites = [SiteIn.model_construct(site=s, side=side) for s in known_sites() for side in SIDES]
    common = sites[: 4 * len(SIDES)]  # calf, thigh, ... come up more often
    remedies = [RemedyIn.model_construct(remedy=r, relief=v) for r in REMEDIES for v in range(5)]
    now = datetime.now(UTC) - timedelta(minutes=1)
    span = YEARS * 365 * 86400.0
    start = now - timedelta(seconds=span)
    step = span / max(total, 1)
    for lo in range(0, total, chunk):
        batch = []
        for i in range(lo, min(lo + chunk, total)):
            at = start + timedelta(seconds=i * step + rng.random() * step)
            night = rng.random() < 0.4
            n_sites = 1 if rng.random() < 0.8 else 2
            site_list = [
                rng.choice(common if rng.random() < 0.7 else sites) for _ in range(n_sites)
            ]
            n_rem = rng.choice((0, 0, 1, 1, 1, 2, 3))
            batch.append(
                EpisodeIn.model_construct(
                    started_at=at,
                    sites=site_list,
                    duration_seconds=None if rng.random() < 0.1 else rng.uniform(5, 1800),
                    severity=None if rng.random() < 0.1 else rng.randint(0, 10),
                    feel=rng.choice(FEELS),
                    trigger=rng.choice(TRIGGERS),
                    remedies=rng.sample(remedies, n_rem),
                    notes="",
                    text=None,
                    at_night=night,
                    after_exercise=not night and rng.random() < 0.3,
                    woke=night and rng.random() < 0.5,
                )
            )
        yield batch


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(name: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    print(f"== {name}: {args.episodes:,} episodes")
    with Diary(url) as diary:
        inserted = 0
        start = time.perf_counter()
        for batch in episodes(args.episodes, args.chunk, args.seed):
            inserted += diary.add_many(batch)  # one transaction per chunk
        seconds = time.perf_counter() - start
        assert inserted == args.episodes == diary.count()
        rate = inserted / seconds if seconds else float("inf")
        how = f"{seconds:.1f} s in all, chunks of {args.chunk:,}"
        print(f"  insert:      {rate:12,.0f} episodes/s  ({how})")

        times = [timed(lambda: summarize(diary)) for _ in range(args.runs)]
        median = statistics.median(times)
        bar = f"{median / SUMMARY_BAR_S:.2f}x the {SUMMARY_BAR_S:g} s bar"
        print(
            f"  summarize(): {median:12.3f} s median of {args.runs} ({bar}; first {times[0]:.3f} s)"
        )
        pattern = summarize(diary)
        print(
            f"               {pattern.episodes:,} episodes, {pattern.per_week:.1f}/week, "
            f"night {pattern.night_share:.0%}, trend {pattern.trend}"
        )

        try:
            report = importlib.import_module("charley.diary.report")
        except ModuleNotFoundError:
            print("  write_chart: skipped (charley.diary.report is not there yet)")
        else:
            chart = folder / f"{name}-chart.png"
            seconds = timed(lambda: report.write_chart(diary, chart))
            ratio = f"{seconds / SUMMARY_BAR_S:.2f}x the {SUMMARY_BAR_S:g} s summary bar"
            size = chart.stat().st_size
            print(f"  write_chart: {seconds:12.3f} s  ({ratio}; {size:,} bytes PNG)")
        if diary.engine.dialect.name == "sqlite":
            db = Path(url.removeprefix("sqlite:///"))
            print(f"  file:        {db.stat().st_size / 1e6:12.0f} MB")


def bench_import(name: str, make_url: Callable[[str], str], args: argparse.Namespace) -> None:
    """Bulk import into new diaries: the store alone, then a CSV file as `charley import`."""
    import io

    from charley.diary.csv_io import export_csv, read_csv

    total = args.import_episodes
    print(f"== {name}: importing {total:,} episodes")
    entries = [e for batch in episodes(total, total, args.seed + 1) for e in batch]
    with Diary(make_url("import")) as diary:
        seconds = timed(lambda: diary.import_episodes(entries))
        assert diary.count() == total
        rate = total / seconds
        bar = f"{rate / IMPORT_BAR:.2f}x the {IMPORT_BAR:,}/s bar"
        print(f"  import:      {rate:12,.0f} episodes/s  ({seconds:.2f} s; {bar})")
        out = io.StringIO(newline="")
        export_csv(diary, out)
    data = out.getvalue()
    with Diary(make_url("import_csv")) as diary:
        start = time.perf_counter()
        result = diary.import_episodes(read_csv(data))
        seconds = time.perf_counter() - start
        assert (result.added, result.skipped) == (total, 0)
        rate = total / seconds
        print(
            f"  CSV file:    {rate:12,.0f} episodes/s  ({seconds:.2f} s to read, check and "
            f"import {len(data) / 1e6:.0f} MB; {rate / IMPORT_BAR:.2f}x the bar)"
        )
        start = time.perf_counter()
        again = diary.import_episodes(read_csv(data))
        seconds = time.perf_counter() - start
        assert (again.added, again.skipped) == (0, total) and diary.count() == total
        print(f"  same again:  {total / seconds:12,.0f} episodes/s  (all {total:,} skipped)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--chunk", type=int, default=20_000, help="episodes per add_many call")
    parser.add_argument("--runs", type=int, default=5, help="summarize() runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--import-episodes", type=int, default=100_000, help="episodes per bulk import (0: none)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="charley-bench-") as tmp:
        folder = Path(tmp)
        if args.only in (None, "sqlite"):
            if args.episodes:
                bench("sqlite", f"sqlite:///{folder / 'diary.sqlite3'}", args, folder)
            if args.import_episodes:
                bench_import("sqlite", lambda n: f"sqlite:///{folder / n}.sqlite3", args)
        if args.only in (None, "postgresql"):
            from tests.support.pgcluster import PgCluster

            with PgCluster(prefix="charley-bench-pg-") as cluster:
                if args.episodes:
                    bench("postgresql", cluster.create_database("bench"), args, folder)
                if args.import_episodes:
                    bench_import("postgresql", cluster.create_database, args)


if __name__ == "__main__":
    main()
