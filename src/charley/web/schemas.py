"""Request bodies of the HTTP API (pydantic; unknown fields are refused), and the
error body every 4xx/5xx answer has, for the OpenAPI document.

Numbers and flags are strict: a JSON number where the document says number or
integer, true or false where it says boolean. `"7"` or `true` for a severity,
`1` or `"yes"` for a flag, are refused (422), not read as something else. (The
diary's own `EpisodeIn` stays lenient: a CSV file's cells are all text.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)

from charley.diary.entries import MAX_DURATION, EpisodeIn, RemedyIn
from charley.inputs import MAX_CHARS

Text = Annotated[str, Field(min_length=1, max_length=MAX_CHARS)]
FindingId = Annotated[str, Field(min_length=1, max_length=100)]


def _not_a_number(value: object) -> object:
    """A time limit is an ISO 8601 date and time, as the OpenAPI document says; a bare
    number (which pydantic would read as seconds since 1970) is refused."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return value
        raise ValueError("is not a date and time like 2025-01-31T22:00:00+01:00")
    return value


def _utc(value: datetime) -> datetime:
    """A time limit as UTC (without a zone: local time); refuse one that falls off the calendar."""
    try:
        return (value if value.tzinfo else value.astimezone()).astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is out of range") from None


TimeLimit = Annotated[datetime, BeforeValidator(_not_a_number), AfterValidator(_utc)]


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: FindingId
    state: Literal["present", "absent", "unknown"] = "present"
    evidence: Annotated[str, Field(max_length=500)] = ""
    context: Literal["current", "history", "hypothetical"] = "current"
    value: Annotated[float, Field(allow_inf_nan=False, strict=True)] | None = None


class AssessRequest(BaseModel):
    """Either words or structured findings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "my left calf cramped for 2 minutes last night"}]},
    )

    text: Text | None = None
    findings: Annotated[list[FindingIn], Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _one(self) -> AssessRequest:
        if (self.text is None) == (self.findings is None):
            raise ValueError("give either text or findings")
        return self


class ParseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text


class InterviewRequest(BaseModel):
    """The description (optional) and every answer so far: finding id -> yes / no / don't know."""

    model_config = ConfigDict(extra="forbid")

    text: Text | None = None
    answers: Annotated[
        dict[FindingId, Annotated[bool, Strict()] | None], Field(max_length=100)
    ] = {}


class RemedyBody(RemedyIn):
    """Something tried, and how much it helped: 0 not at all … 4 completely."""

    relief: Annotated[int, Field(ge=0, le=4, strict=True)]


class EpisodeBody(EpisodeIn):
    """One episode to save. `started_at` without a zone is taken as the server's local time."""

    duration_seconds: Annotated[float | None, Field(ge=0, le=MAX_DURATION, strict=True)] = None
    severity: Annotated[int | None, Field(ge=0, le=10, strict=True)] = None
    remedies: Annotated[list[RemedyBody], Field(max_length=20, default_factory=list)]  # type: ignore[assignment]
    at_night: Annotated[bool | None, Field(strict=True)] = None
    after_exercise: Annotated[bool, Field(strict=True)] = False
    woke: Annotated[bool, Field(strict=True)] = False


class Problem(BaseModel):
    where: str
    problem: str


class ErrorOut(BaseModel):
    """Every error: a short code, and a clear message (for 422, the problems field by field)."""

    error: str = Field(examples=["invalid"])
    detail: str | list[Problem]


_MEANINGS = {
    400: "The body is not valid JSON.",
    401: "No valid bearer token: `Authorization: Bearer TOKEN`.",
    404: "No such episode in this diary (another person's episodes are not found either).",
    413: "The body is over 64 KB.",
    422: "Wrong types, unknown fields, bad values, or text over 5,000 characters.",
    503: "The diary's database cannot be used right now.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, each with the error body."""
    return {status: {"model": ErrorOut, "description": _MEANINGS[status]} for status in statuses}
