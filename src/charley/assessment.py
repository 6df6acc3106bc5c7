"""The Assessment: charley's typed, immutable answer, and its JSON contract.

`Assessment.to_dict()` is exactly the JSON of PRODUCT.md (fields may be
added, none renamed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charley.findings import Findings
from charley.knowledge.schema import Citation, Level, Source


@dataclass(frozen=True, slots=True)
class Cited:
    """A citation with its source resolved, ready to show."""

    citation: Citation
    source: Source

    def to_dict(self) -> dict[str, Any]:
        if self.source.kind == "article":
            return {"source": self.source.id, "quote": self.citation.quote, "kind": "article"}
        return {
            "source": self.source.id,
            "summary": self.citation.summary,
            "kind": "guidance",
            "publisher": self.source.publisher,
            "title": self.source.title,
            "url": self.source.url,
        }

    def short(self) -> str:
        """One line for people: the source and its words."""
        if self.source.kind == "article":
            return f'{self.source.id}: "{self.citation.quote}"'
        src = self.source
        return f"{src.publisher}, {src.title} ({src.url}): {self.citation.summary}"


def _cites(citations: tuple[Cited, ...]) -> list[dict[str, Any]]:
    return [c.to_dict() for c in citations]


@dataclass(frozen=True, slots=True)
class Reason:
    statement: str
    findings: tuple[str, ...]
    citations: tuple[Cited, ...]
    rule: str
    level: Level

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "findings": list(self.findings),
            "citations": _cites(self.citations),
            "rule": self.rule,
            "level": self.level,
        }


@dataclass(frozen=True, slots=True)
class TriageAnswer:
    level: Level
    label: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "label": self.label,
            "reasons": [r.to_dict() for r in self.reasons],
            "rules": [r.rule for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class KindAnswer:
    id: str
    label: str
    icd10: str
    why: str
    findings: tuple[str, ...]
    citations: tuple[Cited, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "icd10": self.icd10,
            "why": self.why,
            "findings": list(self.findings),
            "citations": _cites(self.citations),
        }


@dataclass(frozen=True, slots=True)
class CauseAnswer:
    id: str
    label: str
    why: str
    findings: tuple[str, ...]
    citations: tuple[Cited, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "why": self.why,
            "findings": list(self.findings),
            "citations": _cites(self.citations),
        }


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    text: str
    citations: tuple[Cited, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "citations": _cites(self.citations)}


@dataclass(frozen=True, slots=True)
class See:
    id: str
    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "text": self.text}


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "why": self.why}


@dataclass(frozen=True, slots=True)
class Assessment:
    """charley's whole answer for one description."""

    triage: TriageAnswer
    kinds: tuple[KindAnswer, ...]
    causes: tuple[CauseAnswer, ...]
    relief: tuple[Advice, ...]
    prevention: tuple[Advice, ...]
    see: tuple[See, ...]
    questions: tuple[Question, ...]
    findings: Findings
    disclaimer: str

    @property
    def level(self) -> Level:
        return self.triage.level

    def to_dict(self) -> dict[str, Any]:
        return {
            "triage": self.triage.to_dict(),
            "kinds": [k.to_dict() for k in self.kinds],
            "causes": [c.to_dict() for c in self.causes],
            "relief": [a.to_dict() for a in self.relief],
            "prevention": [a.to_dict() for a in self.prevention],
            "see": [s.to_dict() for s in self.see],
            "questions": [q.to_dict() for q in self.questions],
            "findings": self.findings.to_list(),
            "disclaimer": self.disclaimer,
        }
