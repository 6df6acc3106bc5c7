"""The Assessment: charley's typed, immutable answer, and its JSON contract.

`Assessment.to_dict()` is exactly the JSON of PRODUCT.md (fields may be
added, none renamed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import methodcaller
from typing import Any, Literal, get_args, get_origin, get_type_hints

from charley.findings import Findings
from charley.knowledge.schema import Citation, Level, Source


@dataclass(frozen=True, slots=True)
class Cited:
    """A citation with its source resolved, ready to show."""

    citation: Citation
    source: Source
    # its JSON, made once: the same citations come back in answer after answer
    data: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.source.kind == "article":
            data = {"source": self.source.id, "quote": self.citation.quote, "kind": "article"}
        else:
            data = {
                "source": self.source.id,
                "summary": self.citation.summary,
                "kind": "guidance",
                "publisher": self.source.publisher,
                "title": self.source.title,
                "url": self.source.url,
            }
        object.__setattr__(self, "data", data)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    def short(self) -> str:
        """One line for people: the source and its words."""
        if self.source.kind == "article":
            return f'{self.source.id}: "{self.citation.quote}"'
        src = self.source
        return f"{src.publisher}, {src.title} ({src.url}): {self.citation.summary}"


def _json(value: Any) -> Any:
    """A result value as JSON data: nested results by their own to_dict()."""
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    if isinstance(value, Findings):
        return value.to_list()
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if to_dict is not None else value


def _dicts(values: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [v.to_dict() for v in values]


_to_dict = methodcaller("to_dict")
Convert = Callable[[Any], Any] | None  # None: the value is JSON already


def _converter(hint: Any) -> Convert:
    """What _json() would do to a field of this type, chosen once: words and
    levels stay as they are, a tuple of words becomes a list, nested results
    give their to_dict(); anything else goes through _json() at each call."""
    if hint is str or get_origin(hint) is Literal:
        return None
    if hint is Findings:
        return Findings.to_list
    args = get_args(hint)
    if get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        if args[0] is str:
            return list
        if isinstance(args[0], type) and hasattr(args[0], "to_dict"):
            return _dicts
    elif isinstance(hint, type) and hasattr(hint, "to_dict"):
        return _to_dict
    return _json


_PLANS: dict[type, tuple[tuple[str, Convert], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, Convert], ...]:
    """A result class's fields, in their order, each with its converter."""
    hints = get_type_hints(cls)
    plan = tuple((f.name, _converter(hints[f.name])) for f in fields(cls))
    _PLANS[cls] = plan
    return plan


class _AsDict:
    """to_dict() from the dataclass fields, in their order."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, convert in _PLANS.get(type(self)) or _plan(type(self)):
            value = getattr(self, name)
            out[name] = value if convert is None else convert(value)
        return out


@dataclass(frozen=True, slots=True)
class Reason(_AsDict):
    statement: str
    findings: tuple[str, ...]
    citations: tuple[Cited, ...]
    rule: str
    level: Level


@dataclass(frozen=True, slots=True)
class TriageAnswer(_AsDict):
    level: Level
    label: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**_AsDict.to_dict(self), "rules": [r.rule for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class KindAnswer(_AsDict):
    id: str
    label: str
    icd10: str
    why: str
    findings: tuple[str, ...]
    citations: tuple[Cited, ...]


@dataclass(frozen=True, slots=True)
class CauseAnswer(_AsDict):
    id: str
    label: str
    why: str
    findings: tuple[str, ...]
    citations: tuple[Cited, ...]


@dataclass(frozen=True, slots=True)
class Advice(_AsDict):
    id: str
    text: str
    citations: tuple[Cited, ...]


@dataclass(frozen=True, slots=True)
class See(_AsDict):
    id: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Question(_AsDict):
    id: str
    text: str
    why: str


@dataclass(frozen=True, slots=True)
class Assessment(_AsDict):
    """charley's whole answer for one description."""

    triage: TriageAnswer
    kinds: tuple[KindAnswer, ...]
    causes: tuple[CauseAnswer, ...]
    relief: tuple[Advice, ...]
    prevention: tuple[Advice, ...]
    see: tuple[See, ...]
    questions: tuple[Question, ...]
    findings: Findings
    # False when the description is not a muscle problem (TRIAGE.md "Out of scope")
    in_scope: bool
    # what would make it urgent; empty only at the emergency levels
    safety_net: tuple[Advice, ...]
    disclaimer: str

    @property
    def level(self) -> Level:
        return self.triage.level
