"""Measure how the parser reads charley's own phrasing corpus (tests/data/phrasings).

For every finding that can raise the level to "see a doctor within 24 hours" or
higher, the corpus holds lay wordings written for charley ("present"), and
negated, past, family and worried variants of some of them. Half of each
finding's wordings are under `tune/`, half under `locked/`.

Prints, for the chosen half:
- recall: the share of "present" wordings in which the finding is read as
  present now, overall and by finding;
- safe level: the share of "present" wordings whose level is at least the level
  they would get if the finding had been read (a miss that another finding
  covers is still safe);
- false alarms: the share of variants in which the finding is read as present
  now (a negated, past, family or worried red flag must not count), by variant
  and by finding.

`--list` prints the tune wordings that were missed or misread; it refuses to
print locked ones, so that the locked half stays unseen while tuning.

Run: .venv/bin/python bench/bench_phrasings.py [--half tune|locked] [--list]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHRASINGS = ROOT / "tests" / "data" / "phrasings"
VARIANTS = ("negated", "past", "family", "worried")


@dataclass(frozen=True, slots=True)
class Wording:
    finding: str
    text: str
    variant: str
    style: str


def load(half: str) -> list[Wording]:
    out: list[Wording] = []
    for path in sorted((PHRASINGS / half).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(Wording(row["finding"], row["text"], row["variant"], row["style"]))
    return out


def read_now(text: str) -> set[str]:
    """The findings charley reads as present now in this text."""
    from charley import parse

    return {f.id for f in parse(text).items if f.state == "present" and f.context == "current"}


def level_is_safe(text: str, finding: str) -> bool:
    """True when the text's level is as high as with the finding read as present."""
    from charley import assess, parse
    from charley.findings import Finding, Findings
    from charley.triage import RANK

    found = parse(text)
    with_it = Findings((*found.items, Finding(finding, "present", evidence="(added)")))
    return RANK[assess(text).triage.level] >= RANK[assess(findings=with_it).triage.level]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("tune", "locked"), default="tune")
    ap.add_argument("--list", action="store_true", help="print missed tune wordings")
    args = ap.parse_args()
    if args.list and args.half == "locked":
        sys.exit("the locked half is measured, never listed")
    rows = load(args.half)
    hit: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    alarms: Counter[tuple[str, str]] = Counter()
    variants: Counter[tuple[str, str]] = Counter()
    safe: Counter[str] = Counter()
    missed: list[Wording] = []
    for w in rows:
        found = w.finding in read_now(w.text)
        if w.variant == "present":
            seen[w.finding] += 1
            hit[w.finding] += found
            safe[w.finding] += found or level_is_safe(w.text, w.finding)
            if not found:
                missed.append(w)
        else:
            variants[(w.variant, w.finding)] += 1
            alarms[(w.variant, w.finding)] += found
            if found:
                missed.append(w)
    total, caught = sum(seen.values()), sum(hit.values())
    print(f"phrasings ({args.half} half): {len(rows)} wordings, {len(seen)} findings")
    print(f"recall, present wordings: {caught}/{total} = {caught / max(total, 1):.1%}")
    ok = sum(safe.values())
    print(f"safe level, present wordings: {ok}/{total} = {ok / max(total, 1):.1%}")
    for v in VARIANTS:
        n = sum(c for (var, _), c in variants.items() if var == v)
        a = sum(c for (var, _), c in alarms.items() if var == v)
        print(f"false alarms, {v:8} variants: {a}/{n} = {a / max(n, 1):.1%}")
    print("\nby finding                 recall  safe   false alarms (neg/past/family/worried)")
    for fid in sorted(seen):
        fa = "  ".join(
            f"{alarms[(v, fid)]}/{variants[(v, fid)]}" if variants[(v, fid)] else "-"
            for v in VARIANTS
        )
        print(f"{fid:34} {hit[fid]:>2}/{seen[fid]:<3} {safe[fid]:>2}/{seen[fid]:<3}  {fa}")
    if args.list:
        print("\nmissed or misread:")
        for w in missed:
            tag = w.variant
            if w.variant == "present" and level_is_safe(w.text, w.finding):
                tag = "present, level safe"
            print(f"  [{tag}] {w.finding}: {w.text}")


if __name__ == "__main__":
    main()
