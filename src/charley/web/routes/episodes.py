"""The diary over HTTP: each person's own episodes, behind their bearer token."""

from __future__ import annotations

import io
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi import Path as InPath

from charley.diary.assessing import Assessor, latest_assessment, pattern_reasons
from charley.diary.entries import EpisodeIn
from charley.diary.from_text import fill_from_words
from charley.diary.patterns import summarize
from charley.web.answers import EpisodesOut, SavedEpisodeOut, SummaryOut, ok
from charley.web.deps import DiaryDep
from charley.web.routes._json import json_response
from charley.web.schemas import TimeLimit, error_responses

router = APIRouter(prefix="/v1/episodes", tags=["diary"], responses=error_responses(401, 503))
BODY_ERRORS = error_responses(400, 413, 422)
ID_ERRORS = error_responses(404, 422)
# An episode's id is its public id, a UUID. Any other text names no episode: 404
# like an unknown id, never 422, so a malformed id says no more than a wrong one.
EpisodeId = Annotated[
    str,
    InPath(
        description="The episode's id, as it was given when the episode was saved (a UUID).",
        examples=["0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"],
    ),
]


@router.post(
    "",
    status_code=201,
    summary="Record an episode",
    responses=ok(SavedEpisodeOut, "Saved, with its assessment.", 201) | BODY_ERRORS,
)
def create(entry: EpisodeIn, diary: DiaryDep) -> Response:
    """Saved with its assessment, made with the diary (including this episode)
    taken into account, in one transaction. Fields the body leaves out are read
    from its `text` when the words say them ("3 minutes, woke me up")."""
    entry = fill_from_words(entry)
    saved = diary.add(entry, assess_with=Assessor.for_text(diary, entry.text))
    return json_response(saved.to_dict() | {"assessment": saved.assessment}, status_code=201)


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
    if fmt == "csv":
        from charley.diary.csv_io import export_csv

        buffer = io.StringIO()
        export_csv(diary, buffer, start=start, end=end)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")
    from charley.diary.fhir_io import export_fhir

    body = json.dumps(export_fhir(diary, start=start, end=end), ensure_ascii=False)
    return Response(body, media_type="application/fhir+json")


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
    "/{episode_id}",
    summary="One episode",
    responses=ok(SavedEpisodeOut, "The episode, with its assessment.") | ID_ERRORS,
)
def get_episode(episode_id: EpisodeId, diary: DiaryDep) -> Response:
    saved = diary.get(episode_id)
    return json_response(saved.to_dict() | {"assessment": saved.assessment})


@router.put(
    "/{episode_id}",
    summary="Replace an episode",
    responses=ok(SavedEpisodeOut, "The episode as saved now.") | ID_ERRORS | BODY_ERRORS,
)
def update(episode_id: EpisodeId, entry: EpisodeIn, diary: DiaryDep) -> Response:
    """Fields the body leaves out are read from its `text`, as when recording."""
    entry = fill_from_words(entry)
    saved = diary.update(episode_id, entry, assess_with=Assessor.for_text(diary, entry.text))
    return json_response(saved.to_dict() | {"assessment": saved.assessment})


@router.delete("/{episode_id}", status_code=204, summary="Delete an episode", responses=ID_ERRORS)
def delete(episode_id: EpisodeId, diary: DiaryDep) -> Response:
    diary.delete(episode_id)
    return Response(status_code=204)
