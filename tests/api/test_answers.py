"""Real answers fit the bodies the OpenAPI document declares, key for key.

The routes answer with the engine's own JSON; `charley.web.answers` only
describes it. These tests send real requests and check every answer against
its model: the right types, and exactly the keys the model names (a key the
document does not mention, or one it promises that never comes, fails).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from charley.web.answers import (
    AssessmentOut,
    EpisodesOut,
    HealthOut,
    InterviewOut,
    ParseOut,
    SavedEpisodeOut,
    SummaryOut,
)
from tests.api.conftest import Api

DESCRIPTIONS = [
    "My left calf cramped last night for 2 minutes and eased when I stretched it.",
    "Crushing chest pain and my left arm is cramping.",
    "I take a statin and my thighs ache. I had a blood clot in 2015.",
    "what if it's a clot? no swelling, temperature of 38.5, pain 7/10",
    "zzzz",
]


def undeclared(data: Any, model: BaseModel) -> list[str]:
    """Keys in `data` that `model` (as validated from it) does not declare, and
    declared keys with a value that `data` lacks, anywhere in the tree."""
    problems: list[str] = []

    def walk(value: Any, parsed: Any, where: str) -> None:
        if isinstance(parsed, BaseModel):
            fields = type(parsed).model_fields
            assert isinstance(value, dict), where
            problems.extend(f"{where}.{k}: not declared" for k in value.keys() - fields.keys())
            for name, field in fields.items():
                if name not in value:
                    if field.is_required():
                        problems.append(f"{where}.{name}: missing")
                    continue
                walk(value[name], getattr(parsed, name), f"{where}.{name}")
        elif isinstance(parsed, list):
            for i, (v, p) in enumerate(zip(value, parsed, strict=True)):
                walk(v, p, f"{where}[{i}]")

    walk(data, model, "")
    return problems


def fits(data: Any, model: type[BaseModel]) -> None:
    parsed = model.model_validate(data)
    assert undeclared(data, parsed) == []


@pytest.mark.parametrize("text", DESCRIPTIONS)
def test_assess_parse_and_interview_answers_fit_the_document(api: Api, text: str) -> None:
    assessed = api.client.post("/v1/assess", json={"text": text})
    assert assessed.status_code == 200
    fits(assessed.json(), AssessmentOut)
    parsed = api.client.post("/v1/parse", json={"text": text})
    fits(parsed.json(), ParseOut)
    step = api.client.post("/v1/interview", json={"text": text, "answers": {}})
    fits(step.json(), InterviewOut)
    done = api.client.post(
        "/v1/interview", json={"text": text, "answers": {"sign.chest_pain": True}}
    )
    assert done.json()["done"] is True
    fits(done.json(), InterviewOut)


def test_assessing_findings_fits_the_document(api: Api) -> None:
    body = {"findings": [{"id": "site.calf"}, {"id": "episode.minutes", "value": 3}]}
    fits(api.client.post("/v1/assess", json=body).json(), AssessmentOut)


def test_diary_answers_fit_the_document(api: Api) -> None:
    saved = api.add(
        api.ann,
        text="left calf cramp at night, stretching helped",
        remedies=[{"remedy": "stretching", "relief": 3}],
        severity=6,
        duration_seconds=120,
        at_night=True,
    )
    fits(saved, SavedEpisodeOut)
    path = f"/v1/episodes/{saved['id']}"
    fits(api.client.get(path, headers=api.ann).json(), SavedEpisodeOut)
    fits(api.client.put(path, json=saved_input(saved), headers=api.ann).json(), SavedEpisodeOut)
    fits(api.client.get("/v1/episodes", headers=api.ann).json(), EpisodesOut)
    for _ in range(3):
        api.add(api.ann)
    fits(api.client.get("/v1/episodes/summary", headers=api.ann).json(), SummaryOut)
    fits(api.client.get("/healthz").json(), HealthOut)


def saved_input(saved: dict[str, Any]) -> dict[str, Any]:
    skip = {"id", "level", "assessment"}
    return {k: v for k, v in saved.items() if k not in skip}


def test_a_key_the_document_does_not_declare_is_caught() -> None:
    data = {"status": "ok", "database": "up", "uptime": 3}
    assert undeclared(data, HealthOut.model_validate(data)) == [".uptime: not declared"]
