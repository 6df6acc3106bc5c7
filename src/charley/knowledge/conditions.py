"""Conditions (`when`) compiled from YAML into small tuples and evaluated.

A compiled condition is a nested tuple, cheap to pickle and to evaluate:

    ("p", "sign.fever")                 present now
    ("a", "sign.fever")                 said to be absent
    ("u", "sign.fever")                 neither present nor absent
    ("h", "condition.dvt")              mentioned as past history
    ("v", "episode.minutes", ">", 10.0) a stated number compared
    ("all", (c1, c2, ...)), ("any", (...)), ("not", c)
    ("anyp", frozenset, ids), ("allp", frozenset, ids)
                                        any / all of these present: one set
                                        operation instead of a loop (`ids`
                                        keeps the written order for
                                        explanations)
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

Cond = tuple[Any, ...]
T = TypeVar("T")

_OPS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "=="}
_LEAF_KEYS = {"absent": "a", "unknown": "u", "history": "h", "present": "p"}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
}


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about one person, in the form conditions are evaluated on."""

    present: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    values: dict[str, float] = field(default_factory=dict)
    history: frozenset[str] = frozenset()

    def with_present(self, extra: frozenset[str]) -> Facts:
        return Facts(self.present | extra, self.absent - extra, self.values, self.history)


def compile_condition(raw: Any, where: str, problems: list[str]) -> Cond:
    """Turn a YAML condition into a tuple; append any problem to `problems`."""
    if isinstance(raw, str):
        return ("p", raw)
    if not isinstance(raw, dict):
        problems.append(f"{where}: a condition must be a finding id or a mapping, not {raw!r}")
        return ("any", ())
    if "value" in raw:
        ops = [k for k in raw if k != "value"]
        if len(ops) != 1 or ops[0] not in _OPS or not isinstance(raw[ops[0]], int | float):
            problems.append(f"{where}: a value condition needs exactly one of {sorted(_OPS)}")
            return ("any", ())
        return ("v", str(raw["value"]), _OPS[ops[0]], float(raw[ops[0]]))
    if len(raw) != 1:
        problems.append(f"{where}: a condition mapping has exactly one key, got {sorted(raw)}")
        return ("any", ())
    ((key, body),) = raw.items()
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            problems.append(f"{where}: '{key}' needs a non-empty list")
            return ("any", ())
        parts = [compile_condition(b, f"{where}.{key}[{i}]", problems) for i, b in enumerate(body)]
        return _group(key, parts)
    if key == "not":
        return ("not", compile_condition(body, f"{where}.not", problems))
    if key in _LEAF_KEYS and isinstance(body, str):
        return (_LEAF_KEYS[key], body)
    problems.append(f"{where}: unknown condition key {key!r}")
    return ("any", ())


def _group(key: str, parts: list[Cond]) -> Cond:
    """Fold the plain "present" parts of an any/all into one set test."""
    plain = tuple(c[1] for c in parts if c[0] == "p")
    rest = tuple(c for c in parts if c[0] != "p")
    if len(plain) < 2:
        return (key, tuple(parts))
    folded: Cond = (f"{key}p", frozenset(plain), plain)
    return folded if not rest else (key, (folded, *rest))


def evaluate(cond: Cond, facts: Facts) -> bool:
    """True when the condition holds for these facts."""
    tag = cond[0]
    if tag == "p":
        return cond[1] in facts.present
    if tag == "anyp":
        return not facts.present.isdisjoint(cond[1])
    if tag == "allp":
        return cond[1] <= facts.present  # type: ignore[no-any-return]
    if tag == "all":
        return all(evaluate(c, facts) for c in cond[1])
    if tag == "any":
        return any(evaluate(c, facts) for c in cond[1])
    if tag == "not":
        return not evaluate(cond[1], facts)
    if tag == "v":
        value = facts.values.get(cond[1])
        return value is not None and _COMPARE[cond[2]](value, cond[3])
    if tag == "a":
        return cond[1] in facts.absent
    if tag == "u":
        return cond[1] not in facts.present and cond[1] not in facts.absent
    if tag == "h":
        return cond[1] in facts.history
    raise ValueError(f"unknown condition tag {tag!r}")


def leaves(cond: Cond) -> Iterator[str]:
    """Every finding id a condition refers to."""
    tag = cond[0]
    if tag in ("anyp", "allp"):
        yield from cond[2]
    elif tag in ("all", "any"):
        for c in cond[1]:
            yield from leaves(c)
    elif tag == "not":
        yield from leaves(cond[1])
    else:
        yield cond[1]


def supporting(cond: Cond, facts: Facts) -> list[str]:
    """The findings that made a true condition true, for explanations."""
    tag = cond[0]
    if tag in ("p", "h", "v", "a"):
        return [cond[1]]
    if tag == "anyp":
        return [f for f in cond[2] if f in facts.present]
    if tag == "allp":
        return list(cond[2])
    if tag == "all":
        return [f for c in cond[1] for f in supporting(c, facts)]
    if tag == "any":
        out: list[str] = []
        for c in cond[1]:
            if evaluate(c, facts):
                out.extend(supporting(c, facts))
        return out
    return []


def specificity(cond: Cond) -> int:
    """How many separate things must hold: the number of top-level conjuncts."""
    if cond[0] == "allp":
        return len(cond[1])
    if cond[0] == "all":
        return sum(len(c[1]) if c[0] == "allp" else 1 for c in cond[1])
    return 1


def gate(cond: Cond) -> frozenset[str] | None:
    """Findings of which at least one must be present for the condition to
    hold, or None when it can hold without any (only "not", "absent",
    "unknown" or "history" at its root)."""
    tag = cond[0]
    if tag in ("p", "v"):  # a stated number is only kept for a present finding
        return frozenset((cond[1],))
    if tag == "anyp":
        return cond[1]  # type: ignore[no-any-return]
    if tag == "allp":
        return frozenset((cond[2][0],))
    if tag == "all":
        gates = [g for g in map(gate, cond[1]) if g is not None]
        return min(gates, key=len) if gates else None
    if tag == "any":
        parts = [gate(c) for c in cond[1]]
        if not parts or any(g is None for g in parts):
            return None
        return frozenset().union(*parts)  # type: ignore[arg-type]
    return None


@dataclass(frozen=True, slots=True)
class Screen(Generic[T]):
    """A list of items with conditions, indexed by their gates, so that only
    the few conditions a person's present findings could make true are
    evaluated: a description names a dozen findings, the knowledge has
    hundreds of conditions."""

    items: tuple[T, ...]
    conds: tuple[Cond, ...]
    by_finding: dict[str, tuple[int, ...]]
    always: tuple[int, ...]  # no gate: evaluated every time

    @classmethod
    def build(cls, pairs: list[tuple[T, Cond]]) -> Screen[T]:
        by_finding: dict[str, list[int]] = {}
        always: list[int] = []
        for i, (_, cond) in enumerate(pairs):
            g = gate(cond)
            if g is None:
                always.append(i)
                continue
            for fid in g:
                by_finding.setdefault(fid, []).append(i)
        return cls(
            tuple(item for item, _ in pairs),
            tuple(cond for _, cond in pairs),
            {fid: tuple(ix) for fid, ix in by_finding.items()},
            tuple(always),
        )

    def holding(self, facts: Facts) -> list[tuple[int, T, Cond]]:
        """The items whose condition holds, in their written order, with
        their position and condition."""
        candidates = set(self.always)
        lookup = self.by_finding.get
        for fid in facts.present:
            ix = lookup(fid)
            if ix is not None:
                candidates.update(ix)
        conds, items = self.conds, self.items
        return [(i, items[i], conds[i]) for i in sorted(candidates) if evaluate(conds[i], facts)]
