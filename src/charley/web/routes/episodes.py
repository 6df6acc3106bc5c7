"""The diary over HTTP: each person's own episodes, behind their bearer token."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from fastapi import Path as InPath
from fastapi.responses import StreamingResponse
from starlette.convertors import Convertor, register_url_convertor

from charley.diary.assessing import Assessor, latest_assessment, pattern_reasons
from charley.diary.from_text import fill_from_words
from charley.diary.patterns import summarize
from charley.web.answers import EpisodesOut, SavedEpisodeOut, SummaryOut, ok
from charley.web.deps import DiaryDep
from charley.web.routes._json import json_response
from charley.web.schemas import EpisodeBody, TimeLimit, error_responses

router = APIRouter(prefix="/v1/episodes", tags=["diary"], responses=error_responses(401, 503))
BODY_ERRORS = error_responses(400, 413, 422)
ID_ERRORS = error_responses(404, 422)
# An episode's id is its public id, a UUID. Any other text names no episode: 404
# like an unknown id, never 422, so a malformed id says no more than a wrong one.
# The addresses beside it (/v1/episodes/export, /summary, /chart.svg) are never
# taken for an id, so a method they do not have answers 405, not "no episode".
OTHER_ADDRESSES = ("export", "summary", "chart.svg")


class _EpisodeIdConvertor(Convertor[str]):
    regex = "(?!(?:" + "|".join(a.replace(".", "[.]") for a in OTHER_ADDRESSES) + ")$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("episode_id", _EpisodeIdConvertor())

EpisodeId = Annotated[
    str,
    InPath(
        description="The episode's id, as it was given when the episode was saved (a UUID).",
        examples=["0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"],
    ),
]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[!-~]{1,255}$",
        description=(
            "Any string of 1 to 255 visible ASCII characters, new for each episode (a UUID, "
            "say). Sent again with the same body within 24 hours, the first answer comes "
            "back (201, the same episode) and nothing more is saved; with another body, 422."
        ),
    ),
]


_ONE = "#/paths/~1v1~1episodes~1{episode_id}/"
_BY_ID = {"episode_id": "$response.body#/id"}
SAVED_LINKS = {
    "links": {
        name: {"operationRef": _ONE + method, "parameters": _BY_ID}
        for name, method in (
            ("GetEpisode", "get"),
            ("ReplaceEpisode", "put"),
            ("DeleteEpisode", "delete"),
        )
    }
}
"""OpenAPI links: the id in a saved episode's answer is the {episode_id} of these."""
CREATED: dict[int | str, dict[str, Any]] = {
    201: ok(SavedEpisodeOut, "Saved, with its assessment.", 201)[201] | SAVED_LINKS
}


@router.post(
    "",
    status_code=201,
    summary="Record an episode",
    responses=CREATED | BODY_ERRORS,
)
def create(entry: EpisodeBody, diary: DiaryDep, idempotency_key: IdempotencyKey = None) -> Response:
    """Saved with its assessment, made with the diary (including this episode)
    taken into account; the diary is read before the episode is written. Fields
    the body leaves out are read from its `text` when the words say them ("3
    minutes, woke me up").

    With an `Idempotency-Key`, a retry (after a lost answer, say) gets the first
    answer again instead of saving the episode twice."""
    filled = fill_from_words(entry)
    if idempotency_key is None:
        assessment = Assessor.for_text(diary, filled.text).before_saving(filled)
        saved = diary.add(filled, assessment)
        return json_response(saved.to_dict() | {"assessment": saved.assessment}, status_code=201)
    # The fingerprint is of what was sent, so a retry of the same request matches.
    fingerprint = hashlib.sha256(entry.model_dump_json().encode()).hexdigest()
    answer = diary.replay(idempotency_key, fingerprint)
    if answer is None:
        assessment = Assessor.for_text(diary, filled.text).before_saving(filled)
        answer = diary.add_once(filled, assessment, key=idempotency_key, fingerprint=fingerprint)
    return json_response(answer, status_code=201)


@router.get(
    "",
    summary="List episodes",
    responses=ok(EpisodesOut, "The episodes, oldest first.") | error_responses(422),
)
def list_episodes(
    diary: DiaryDep,
    start: Annotated[TimeLimit | None, Query(alias="from")] = None,
    end: Annotated[TimeLimit | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Oldest first, in [from, to)."""
    rows = diary.list(start=start, end=end, limit=limit)
    return json_response({"episodes": [e.to_dict() for e in rows]})


@router.get(
    "/summary",
    summary="The diary's pattern",
    responses=ok(SummaryOut, "The pattern and what it means for the advice."),
)
def summary(diary: DiaryDep) -> Response:
    """Per week, at night, after exercise, longest, trend, remedies ranked, and
    what the pattern means for the advice."""
    pattern = summarize(diary)
    latest = latest_assessment(diary, pattern)
    return json_response(
        {
            "pattern": pattern.to_dict(),
            "diary_advice": [r.to_dict() for r in pattern_reasons(pattern)],
            "latest": latest.to_dict() if latest else None,
        }
    )


@router.get(
    "/export",
    summary="Export as CSV or FHIR R4",
    response_class=Response,
    responses={
        200: {
            "description": "The episodes as CSV (format=csv) or a FHIR R4 Bundle (format=fhir).",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/fhir+json": {"schema": {"type": "object"}},
            },
        },
        **error_responses(422),
    },
)
def export(
    diary: DiaryDep,
    fmt: Annotated[Literal["csv", "fhir"], Query(alias="format")] = "csv",
    start: Annotated[TimeLimit | None, Query(alias="from")] = None,
    end: Annotated[TimeLimit | None, Query(alias="to")] = None,
) -> Response:
    """Streamed: rows are read from the database a batch at a time and sent as they
    are written, so a large diary's export is never held whole in memory."""
    if fmt == "csv":
        from charley.diary.csv_io import iter_csv

        pieces = iter_csv(diary, start=start, end=end)
        media = "text/csv; charset=utf-8"
    else:
        from charley.diary.fhir_io import iter_fhir

        pieces = iter_fhir(diary, start=start, end=end)
        media = "application/fhir+json"
    # The first piece is made here, so that a database failure is still a 503.
    first = next(pieces)
    return StreamingResponse(_chain(first, pieces), media_type=media)


def _chain(first: str, rest: Iterator[str]) -> Iterator[bytes]:
    yield first.encode("utf-8")
    for piece in rest:
        yield piece.encode("utf-8")


@router.get(
    "/chart.svg",
    summary="The diary as a chart (SVG)",
    response_class=Response,
    responses={
        200: {
            "description": "An SVG image.",
            "content": {"image/svg+xml": {"schema": {"type": "string"}}},
        }
    },
)
def chart(diary: DiaryDep) -> Response:
    import tempfile
    from pathlib import Path

    from charley.diary.report import write_chart

    with tempfile.TemporaryDirectory() as folder:
        path = write_chart(diary, Path(folder) / "chart.svg")
        return Response(path.read_bytes(), media_type="image/svg+xml")


@router.get(
    "/{episode_id:episode_id}",
    summary="One episode",
    responses=ok(SavedEpisodeOut, "The episode, with its assessment.") | ID_ERRORS,
)
def get_episode(episode_id: EpisodeId, diary: DiaryDep) -> Response:
    saved = diary.get(episode_id)
    return json_response(saved.to_dict() | {"assessment": saved.assessment})


@router.put(
    "/{episode_id:episode_id}",
    summary="Replace an episode",
    responses=ok(SavedEpisodeOut, "The episode as saved now.") | ID_ERRORS | BODY_ERRORS,
)
def update(episode_id: EpisodeId, entry: EpisodeBody, diary: DiaryDep) -> Response:
    """Fields the body leaves out are read from its `text`, as when recording."""
    filled = fill_from_words(entry)
    saved = diary.update(episode_id, filled, assess_with=Assessor.for_text(diary, filled.text))
    return json_response(saved.to_dict() | {"assessment": saved.assessment})


@router.delete(
    "/{episode_id:episode_id}", status_code=204, summary="Delete an episode", responses=ID_ERRORS
)
def delete(episode_id: EpisodeId, diary: DiaryDep) -> Response:
    diary.delete(episode_id)
    return Response(status_code=204)
