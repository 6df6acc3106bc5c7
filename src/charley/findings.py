"""Findings: the structured description of one episode.

Every finding is present, absent or unknown, never guessed, and carries the
words that showed it. A finding mentioned as past history ("had a clot last
year") or as a worry ("what if it's a clot") is kept, but apart from what is
happening now: only current findings drive triage. A condition a relative
has ("my mum has MS") is kept as family history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

State = Literal["present", "absent", "unknown"]
Context = Literal["current", "history", "hypothetical", "family"]
STATES: tuple[State, ...] = ("present", "absent", "unknown")
CONTEXTS: tuple[Context, ...] = ("current", "history", "hypothetical", "family")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing known about the episode.

    >>> Finding("site.calf", "present", evidence="left calf")
    Finding(id='site.calf', state='present', evidence='left calf', context='current', value=None)
    """

    id: str
    state: State = "present"
    evidence: str = ""
    context: Context = "current"
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "state": self.state, "evidence": self.evidence}
        if self.context != "current":
            out["context"] = self.context
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(frozen=True, slots=True)
class Findings:
    """All findings of one episode, in the order they were found."""

    items: tuple[Finding, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        present: Iterable[str] = (),
        absent: Iterable[str] = (),
        values: Mapping[str, float] | None = None,
        history: Iterable[str] = (),
    ) -> Findings:
        """Build findings from ids, for `assess(findings=...)`.

        >>> Findings.of(present=["symptom.cramp", "site.calf"], values={"episode.minutes": 2})
        ... # doctest: +ELLIPSIS
        Findings(items=(...))
        """
        items = [Finding(i, "present") for i in present]
        items += [Finding(i, "absent") for i in absent]
        items += [Finding(i, "present", value=float(v)) for i, v in (values or {}).items()]
        items += [Finding(i, "present", context="history") for i in history]
        return cls(tuple(items))

    @classmethod
    def from_dicts(cls, rows: Iterable[Mapping[str, Any]]) -> Findings:
        """Findings from JSON-like rows ({"id", "state", "evidence", "context", "value"})."""
        from charley.errors import InputError

        items: list[Finding] = []
        for n, row in enumerate(rows):
            if not isinstance(row, Mapping) or not isinstance(row.get("id"), str):
                raise InputError(f"finding {n + 1}: needs an 'id' string")
            unknown = set(row) - {"id", "state", "evidence", "context", "value"}
            if unknown:
                raise InputError(f"finding {n + 1}: unknown field(s) {sorted(unknown)}")
            state = row.get("state", "present")
            context = row.get("context", "current")
            value = row.get("value")
            if state not in STATES:
                raise InputError(f"finding {n + 1}: state must be one of {list(STATES)}")
            if context not in CONTEXTS:
                raise InputError(f"finding {n + 1}: context must be one of {list(CONTEXTS)}")
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise InputError(f"finding {n + 1}: value must be a number")
            items.append(
                Finding(
                    row["id"],
                    state,
                    str(row.get("evidence", "")),
                    context,
                    None if value is None else float(value),
                )
            )
        return cls(tuple(items))

    def ids(self) -> list[str]:
        return [f.id for f in self.items]

    def get(self, finding_id: str) -> Finding | None:
        """The current finding with this id, present before absent."""
        best: Finding | None = None
        for f in self.items:
            if f.id == finding_id and f.context == "current":
                if f.state == "present":
                    return f
                best = best or f
        return best

    def state(self, finding_id: str) -> State:
        f = self.get(finding_id)
        return f.state if f else "unknown"

    def to_list(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.items]
