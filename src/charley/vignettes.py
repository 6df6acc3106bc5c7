"""Score charley on a file of clinical vignettes (format: shared/vignettes/README.md).

Levels rank self_care < consultation < consultation_24 < emergency <
emergency_ambulance. A case passes when the level is acceptable; below the
lowest acceptable level is under-triage (must be zero), above the highest
is over-triage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from charley.assess import assess
from charley.errors import InputError
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.knowledge.schema import LEVELS
from charley.triage import RANK

REQUIRED = ("id", "text", "triage", "acceptable", "kinds_ok")
HALVES = ("all", "tuning", "locked")


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    text: str
    triage: str
    acceptable: tuple[str, ...]
    kinds_ok: tuple[str, ...]
    style: str = ""
    in_scope: bool | None = None  # the writer's call, where the file gives one

    @property
    def half(self) -> str:
        """ "tuning" for odd ids (P001), "locked" for even ones (P002): the
        locked half is only measured, never looked at while tuning."""
        digits = "".join(ch for ch in self.id if ch.isdigit())
        return "tuning" if digits and int(digits) % 2 else "locked"


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    level: str
    kinds: tuple[str, ...]
    in_scope: bool = True

    @property
    def exact(self) -> bool:
        return self.level == self.case.triage

    @property
    def acceptable(self) -> bool:
        return self.level in self.case.acceptable

    @property
    def under(self) -> bool:
        return RANK[self.level] < min(RANK[lv] for lv in self.case.acceptable)

    @property
    def over(self) -> bool:
        return RANK[self.level] > max(RANK[lv] for lv in self.case.acceptable)

    @property
    def scope_agrees(self) -> bool:
        """charley's in-scope call matches the writer's (True where the writer made none)."""
        return self.case.in_scope is None or self.in_scope == self.case.in_scope

    @property
    def kind_at_1(self) -> bool:
        if not self.case.kinds_ok:  # no muscle kind applies: right when none is shown
            return not self.kinds
        return bool(self.kinds) and self.kinds[0] in self.case.kinds_ok

    @property
    def kind_at_3(self) -> bool:
        if not self.case.kinds_ok:
            return not self.kinds
        return any(k in self.case.kinds_ok for k in self.kinds[:3])


@dataclass(frozen=True, slots=True)
class Score:
    outcomes: tuple[Outcome, ...]

    def rate(self, attr: str) -> float:
        hits: int = sum(bool(getattr(o, attr)) for o in self.outcomes)
        return hits / max(len(self.outcomes), 1)

    def count(self, attr: str) -> int:
        return sum(bool(getattr(o, attr)) for o in self.outcomes)

    @property
    def failing(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not (o.acceptable and o.kind_at_3))

    def by_style(self) -> dict[str, Score]:
        """The score of each writing style ("textspeak", "partner"…), by name."""
        styles: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            styles.setdefault(o.case.style or "-", []).append(o)
        return {name: Score(tuple(styles[name])) for name in sorted(styles)}


def load_cases(path: Path) -> list[Case]:
    """Read a JSON-lines vignette file; raise InputError naming the bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    cases: list[Case] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or any(k not in row for k in REQUIRED):
            raise InputError(f"{path}:{n}: needs the keys {', '.join(REQUIRED)}")
        levels = [row["triage"], *row["acceptable"]]
        bad = [lv for lv in levels if lv not in LEVELS]
        if bad:
            raise InputError(f"{path}:{n}: unknown level(s) {bad}")
        cases.append(
            Case(
                str(row["id"]),
                str(row["text"]),
                row["triage"],
                tuple(row["acceptable"]),
                tuple(row["kinds_ok"]),
                str(row.get("style", "")),
                row["in_scope"] if isinstance(row.get("in_scope"), bool) else None,
            )
        )
    if not cases:
        raise InputError(f"{path}: no vignettes found")
    return cases


def score(cases: list[Case], *, kb: KnowledgeBase | None = None) -> Score:
    kb = kb or load_knowledge()
    outcomes = []
    for case in cases:
        a = assess(case.text, kb=kb)
        outcomes.append(Outcome(case, a.triage.level, tuple(k.id for k in a.kinds), a.in_scope))
    return Score(tuple(outcomes))
