"""Assessing with the diary: an episode's answer counts the diary's pattern.

The CLI, the HTTP API and the web page record episodes and explain patterns
through this module, so all three give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from charley.assess import assess
from charley.assessment import Assessment, Reason
from charley.diary.entries import EpisodeIn
from charley.diary.patterns import Pattern, summarize
from charley.diary.store import Diary, SavedEpisode
from charley.findings import Findings
from charley.knowledge.schema import LEVELS
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


@dataclass(frozen=True, slots=True)
class LatestAssessment:
    """The diary's latest assessment as every surface shows it: the newest assessed
    episode's answer, with the diary's pattern as it is now.

    The level is the higher of the episode's own (without diary reasons that no
    longer hold) and the level the pattern calls for now; the reasons are the
    episode's own and the pattern's, most urgent first. So `charley history`,
    `GET /v1/episodes/summary`, the page and the report never disagree: a diary
    that says "see a doctor" is never shown as "look after it at home".
    """

    episode: SavedEpisode
    level: str
    heading: str
    reasons: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "episode": self.episode.id,
            "started_at": self.episode.started_at.isoformat(),
            "level": self.level,
            "heading": self.heading,
            "reasons": list(self.reasons),
        }


def _rank(level: object) -> int:
    return LEVELS.index(level) if level in LEVELS else 0


def _from_diary(reason: dict[str, Any]) -> bool:
    return any(str(f).startswith("diary.") for f in reason.get("findings") or ())


def latest_assessment(
    diary: Diary,
    pattern: Pattern,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> LatestAssessment | None:
    """The latest assessment (see LatestAssessment), of the episodes in [start, end);
    None when no episode there was assessed."""
    from charley.card import HEADINGS, emergency_number

    episode = diary.latest_assessed(start=start, end=end)
    if episode is None:
        return None
    triage = (episode.assessment or {}).get("triage")
    triage = triage if isinstance(triage, dict) else {}
    stored = [r for r in triage.get("reasons") or [] if isinstance(r, dict)]
    own = [r for r in stored if not _from_diary(r)]
    level = str(triage.get("level") or episode.level or LEVELS[0])
    if stored and all(_from_diary(r) for r in stored if r.get("level") == level):
        # The diary alone raised it then: what the diary says now decides instead.
        level = max((str(r.get("level")) for r in own), key=_rank, default=LEVELS[0])
    now = [r.to_dict() for r in pattern_reasons(pattern)]
    level = max([level, *(str(r["level"]) for r in now)], key=_rank)
    reasons = sorted([*own, *now], key=lambda r: -_rank(r.get("level")))
    heading = HEADINGS.get(level, level.replace("_", " ")).format(number=emergency_number())
    return LatestAssessment(episode, level, heading, tuple(reasons))
