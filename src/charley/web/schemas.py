"""Request bodies of the HTTP API (pydantic; unknown fields are refused)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from charley.inputs import MAX_CHARS

Text = Annotated[str, Field(min_length=1, max_length=MAX_CHARS)]


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=100)]
    state: Literal["present", "absent", "unknown"] = "present"
    evidence: Annotated[str, Field(max_length=500)] = ""
    context: Literal["current", "history", "hypothetical"] = "current"
    value: float | None = None


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
    answers: Annotated[dict[str, bool | None], Field(max_length=100)] = {}
