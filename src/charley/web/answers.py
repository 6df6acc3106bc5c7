"""The bodies of successful answers, as the OpenAPI document describes them.

The routes answer with what the engine's own `to_dict()` builds (PRODUCT.md's
contract); these models only tell API users, and schemathesis, what that JSON
holds. They are not used to build or check answers at run time, so they cost
nothing per request; `tests/api/test_answers.py` checks that real answers fit
them, key for key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from charley.knowledge.schema import Level


class ArticleCitation(BaseModel):
    """One of the four articles, with a short verbatim quote."""

    source: str = Field(examples=["001_e0250afc5b5f3852.txt"])
    kind: Literal["article"]
    quote: str


class GuidanceCitation(BaseModel):
    """Outside guidance (NHS, NICE CKS, …), with charley's own summary of it."""

    source: str
    kind: Literal["guidance"]
    summary: str
    publisher: str
    title: str
    url: str


Citation = Annotated[ArticleCitation | GuidanceCitation, Field(discriminator="kind")]


class ReasonOut(BaseModel):
    statement: str
    findings: list[str]
    citations: list[Citation]
    rule: str
    level: Level


class TriageOut(BaseModel):
    level: Level
    label: str
    reasons: list[ReasonOut] = Field(description="Most urgent first.")
    rules: list[str] = Field(description="The ids of the reasons' rules, in the same order.")


class KindOut(BaseModel):
    id: str
    label: str
    icd10: str
    why: str
    findings: list[str]
    citations: list[Citation]


class CauseOut(BaseModel):
    id: str
    label: str
    why: str
    findings: list[str]
    citations: list[Citation]


class AdviceOut(BaseModel):
    id: str
    text: str
    citations: list[Citation]


class SeeOut(BaseModel):
    id: str
    label: str
    text: str


class QuestionOut(BaseModel):
    id: str = Field(description="The finding it asks about; answer it by this id.")
    text: str
    why: str


class FindingOut(BaseModel):
    id: str
    state: Literal["present", "absent", "unknown"]
    evidence: str = Field(description="The words that showed it.")
    context: Literal["history", "hypothetical", "family"] | None = Field(
        None,
        description="Only when not current: past history, only a worry, or a relative's.",
    )
    value: float | None = Field(None, description="A stated number (minutes, °C, …).")


class AssessmentOut(BaseModel):
    """charley's whole answer: how urgent, what it likely is, what to do, whom to see."""

    triage: TriageOut
    kinds: list[KindOut]
    causes: list[CauseOut]
    relief: list[AdviceOut] = Field(
        description=(
            "What to do now: home relief below 'within 24 hours', what to do while "
            "waiting at the emergency levels, nothing in between."
        )
    )
    prevention: list[AdviceOut]
    see: list[SeeOut]
    questions: list[QuestionOut] = Field(description="Asked because their answer could matter.")
    findings: list[FindingOut]
    in_scope: bool = Field(
        description=(
            "False when the description is not a muscle problem: then kinds, causes and "
            "prevention are empty and a reason says where to go instead."
        )
    )
    safety_net: list[AdviceOut] = Field(
        description="What would make it urgent, for the part concerned; empty only at the "
        "emergency levels."
    )
    disclaimer: str


class ParseOut(BaseModel):
    findings: list[FindingOut]


class InterviewOut(BaseModel):
    done: bool
    question: QuestionOut | None = Field(description="The next question, until done.")
    level: Level = Field(description="The level so far.")
    asked: int
    remaining: int
    can_stop: bool = Field(
        description="Every red flag has been answered, so the person may stop and see the answer."
    )
    assessment: AssessmentOut | None = Field(description="Once done.")


class SiteOut(BaseModel):
    site: str
    side: str


class RemedyOut(BaseModel):
    remedy: str
    relief: int = Field(description="0 not at all … 4 completely.")


class EpisodeOut(BaseModel):
    id: str = Field(
        description="The episode's id (a UUIDv7): in its address, /v1/episodes/{id}, and in "
        "exports, where it lets an import skip episodes already in the diary.",
        json_schema_extra={"format": "uuid"},
    )
    started_at: str = Field(description="ISO 8601, UTC.")
    sites: list[SiteOut]
    duration_seconds: float | None
    severity: int | None
    feel: str | None
    trigger: str | None
    remedies: list[RemedyOut]
    notes: str
    text: str | None
    at_night: bool
    after_exercise: bool
    woke: bool
    level: Level | None = Field(description="The level its assessment gave.")


class SavedEpisodeOut(EpisodeOut):
    assessment: AssessmentOut | None = Field(
        description="The assessment it got when saved, with the diary taken into account."
    )


class EpisodesOut(BaseModel):
    episodes: list[EpisodeOut]


class RemedyRankOut(BaseModel):
    remedy: str
    mean_relief: float
    tried: int


class SiteCountOut(BaseModel):
    site: str
    episodes: int


class RecentOut(BaseModel):
    days: int
    episodes: int
    per_week: float = Field(description="Episodes in the last 14 days over `weeks`.")
    weeks: float = Field(
        description="The weeks of the last 14 days the diary covers: from the later of 14 days "
        "ago and its first episode, at least 1."
    )
    nights: int
    woke_nights: int
    run_days: int = Field(description="The longest run of days in a row with an episode.")


class PatternOut(BaseModel):
    episodes: int
    first: str | None
    last: str | None
    per_week: float = Field(description="All episodes over `weeks`.")
    weeks: float = Field(
        description="The weeks the diary covers: from its first episode to now, at least 1."
    )
    night_share: float
    exercise_share: float
    longest_seconds: float | None
    last_4_weeks: int
    previous_4_weeks: int
    trend: Literal["rising", "falling", "steady", "too few to tell", "too early to tell"] = Field(
        description="The last 4 weeks against the 4 before; too early to tell until the diary "
        "covers 8 weeks, too few to tell with fewer than 4 episodes in them."
    )
    remedies: list[RemedyRankOut] = Field(description="What helped most first.")
    sites: list[SiteCountOut]
    recent: RecentOut


class LatestOut(BaseModel):
    episode: str = Field(description="The newest episode with an assessment: its id.")
    started_at: str = Field(description="When that episode started, ISO 8601, UTC.")
    level: Level = Field(
        description="The higher of that episode's level and the level the diary's pattern "
        "calls for now."
    )
    heading: str = Field(description="The level as the care card says it.")
    reasons: list[ReasonOut] = Field(
        description="That episode's reasons and the pattern's, most urgent first."
    )


class SummaryOut(BaseModel):
    pattern: PatternOut
    diary_advice: list[ReasonOut] = Field(
        description="What the pattern means for the advice (for example: see a doctor)."
    )
    latest: LatestOut | None = Field(
        description="The latest assessment, with the diary's pattern as it is now; the same "
        "as `charley history`, the page and the report show. None before any."
    )


class HealthOut(BaseModel):
    """Up: status "ok" with the database up, "degraded" when it is down (assessment works)."""

    status: Literal["ok", "degraded"]
    database: Literal["up", "down"]


class StatementCitationOut(BaseModel):
    """Where a statement comes from: an article's words, or charley's summary of guidance."""

    source: str = Field(examples=["001_e0250afc5b5f3852.txt"])
    title: str
    quote: str | None = Field(None, description="An article's own words (articles only).")
    summary: str | None = Field(None, description="charley's summary of guidance (guidance only).")


class StatementOut(BaseModel):
    id: str = Field(examples=["medicines.statins"], description='"<section>.<id>"')
    section: str
    label: str
    text: str = Field(description="The statement, in charley's words.")
    citations: list[StatementCitationOut]


class AnswerOut(BaseModel):
    """A question answered from charley's sources, and by the checker when it tells symptoms."""

    question: str
    statements: list[StatementOut] = Field(
        description="Best first; empty when nothing answers, and at the emergency levels."
    )
    triage: AssessmentOut | None = Field(
        description="The checker's assessment when the question tells a symptom of the writer, now."
    )
    message: str = Field(description="One plain sentence about the answer.")


def ok(
    model: type[BaseModel], description: str, status: int = 200
) -> dict[int | str, dict[str, Any]]:
    """An OpenAPI `responses` entry for a successful answer with this body."""
    return {status: {"model": model, "description": description}}
