"""What an episode is, as the diary accepts it: validated before anything is written.

Bad input (a date in the future, severity 14, an unknown site) raises
InputError naming the field, and nothing is saved.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from charley.errors import InputError

Side = Literal["left", "right", "both", "unknown"]
CLOCK_SKEW = timedelta(minutes=5)
MAX_DURATION = 30 * 24 * 3600.0


@cache
def known_sites() -> tuple[str, ...]:
    """Body sites charley knows (from the knowledge), without the "site." prefix."""
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    return tuple(i.removeprefix("site.") for i, f in kb.findings.items() if f.group == "site")


class SiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    site: str
    side: Side = "unknown"

    @field_validator("site")
    @classmethod
    def _known(cls, value: str) -> str:
        site = value.strip().lower().removeprefix("site.").replace(" ", "_")
        sites = known_sites()
        if site in sites:
            return site
        # A word charley knows for a site: "elbow" is the arm, "lower back" the back.
        from charley.parse import parse

        said = [f.id for f in parse(value[:200]).items if f.id.startswith("site.")]
        if said:
            return said[0].removeprefix("site.")
        raise ValueError(f"unknown site {value!r}; known sites: {', '.join(sites)}")


class RemedyIn(BaseModel):
    """Something tried, and how much it helped: 0 not at all … 4 completely."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    remedy: Annotated[
        str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=60)
    ]
    relief: Annotated[int, Field(ge=0, le=4)]

    @field_validator("remedy")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class EpisodeIn(BaseModel):
    """One episode to save. `started_at` without a zone is taken as local time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    started_at: datetime
    sites: Annotated[list[SiteIn], Field(min_length=1, max_length=20)]
    duration_seconds: Annotated[float | None, Field(ge=0, le=MAX_DURATION)] = None
    severity: Annotated[int | None, Field(ge=0, le=10)] = None
    feel: Annotated[str | None, Field(max_length=200)] = None
    trigger: Annotated[str | None, Field(max_length=200)] = None
    remedies: Annotated[list[RemedyIn], Field(max_length=20)] = []
    notes: Annotated[str, Field(max_length=5000)] = ""
    text: Annotated[str | None, Field(max_length=5000)] = None
    at_night: bool | None = None
    after_exercise: bool = False
    woke: bool = False

    @field_validator("feel", "trigger", "text", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """An empty answer is no answer: "" and spaces are stored as None."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("feel", "trigger", "notes", "text")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        """PostgreSQL cannot store a NUL character in text; no one types one."""
        if value is not None and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value

    @field_validator("started_at")
    @classmethod
    def _not_in_future(cls, value: datetime) -> datetime:
        try:
            aware = value if value.tzinfo else value.astimezone()
            aware = aware.astimezone(UTC)
        except (OverflowError, ValueError):  # a few hours off either end of the calendar
            raise ValueError("is out of range") from None
        if aware > datetime.now(UTC) + CLOCK_SKEW:
            raise ValueError("is in the future")
        if aware.year < 1900:
            raise ValueError("is before 1900")
        return aware

    def night(self, zone: tzinfo | None = None) -> bool:
        """At night: said so, or started between 22:00 and 06:00 in `zone` (None: the
        machine's local time)."""
        if self.at_night is not None:
            return self.at_night
        return night_at(self.started_at.astimezone(zone))


class ImportedEpisode(EpisodeIn):
    """An episode read from an export, with the id it had there when the file says
    (CSV's `id` column, FHIR's charley identifier): an import skips an episode
    whose id the diary already holds. Only imports make these; the API's body is
    `EpisodeIn`, and a new episode's id is always made by charley."""

    id: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _an_id(cls, value: object) -> object:
        from charley.diary.ids import episode_id

        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        found = episode_id(value) if isinstance(value, str) else None
        if found is None:
            raise ValueError(
                f"{str(value)[:60]!r} is not an episode id (a UUID, "
                "like 0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b)"
            )
        return found


def night_at(local: datetime) -> bool:
    """Between 22:00 and 06:00 on the clock of `local`'s own zone."""
    return local.hour >= 22 or local.hour < 6


def episode_in(data: dict[str, Any], *, model: type[EpisodeIn] = EpisodeIn) -> EpisodeIn:
    """Validate a mapping into an EpisodeIn (or `model`, such as ImportedEpisode);
    raise InputError with every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe(exc)) from None


SHOWN_PROBLEMS = 5


def listing(problems: list[str], *, what: str = "") -> str:
    """The first few problems on one line, and how many more there are."""
    more = len(problems) - SHOWN_PROBLEMS
    tail = f"; … and {more} more{' ' + what if what else ''}" if more > 0 else ""
    return "; ".join(problems[:SHOWN_PROBLEMS]) + tail


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "episode"
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)
