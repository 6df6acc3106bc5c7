"""Assessing with the diary: an episode's answer counts the diary's pattern.

The CLI, the HTTP API and the web page record episodes and explain patterns
through this module, so all three give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from charley.assess import assess
from charley.assessment import Assessment, Reason
from charley.diary.entries import EpisodeIn
from charley.diary.patterns import Pattern, summarize
from charley.diary.store import Diary
from charley.findings import Findings
from charley.parse import parse

DIARY_ENTRY = "symptom.cramp"
"""Every diary entry is an episode of cramp or spasm, even with no readable words."""


def episode_findings(findings: Findings) -> Findings:
    return findings if findings.items else Findings.of(present=[DIARY_ENTRY])


@dataclass
class Assessor:
    """For `Diary.add(assess_with=...)`: assesses inside the saving transaction,
    so the pattern includes this episode; keeps the Assessment for display."""

    diary: Diary
    findings: Findings
    result: Assessment | None = None

    @classmethod
    def for_text(cls, diary: Diary, text: str | None) -> Assessor:
        return cls(diary, parse(text) if text else Findings())

    def __call__(self, conn: Connection) -> dict[str, Any]:
        pattern = summarize(self.diary, conn=conn)
        self.result = assess(findings=episode_findings(self.findings), diary=pattern.findings())
        return self.result.to_dict()

    def before_saving(self, entry: EpisodeIn) -> dict[str, Any]:
        """The assessment `entry` will be saved with, made before it is saved: the
        pattern is read as it will be with this episode in it (`summarize(adding=)`),
        outside the transaction that writes it. So saving holds SQLite's write lock
        only to write, however large the diary; everyone else's writes wait less.
        (Two episodes of one person saved at the same instant do not see each other,
        as they did not on PostgreSQL before either.)"""
        pattern = summarize(self.diary, adding=entry)
        self.result = assess(findings=episode_findings(self.findings), diary=pattern.findings())
        return self.result.to_dict()


def pattern_reasons(pattern: Pattern) -> tuple[Reason, ...]:
    """What the pattern alone means for the advice: the reasons that rest on diary figures."""
    advice = assess(findings=episode_findings(Findings()), diary=pattern.findings())
    return tuple(
        r for r in advice.triage.reasons if any(f.startswith("diary.") for f in r.findings)
    )
