"""The knowledge behind every answer: the condition profile, kinds, levels, sources."""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import Any

from fastapi import APIRouter, Response

from charley.knowledge import load_knowledge
from charley.web.routes._json import json_response

router = APIRouter(prefix="/v1", tags=["knowledge"])


@cache
def _knowledge() -> dict[str, Any]:
    kb = load_knowledge()
    return {
        "profile": asdict(kb.profile),
        "kinds": [asdict(k) for k in kb.kinds.values()],
        "levels": dict(kb.triage.levels),
        "sources": [asdict(s) for s in kb.sources.values()],
    }


@router.get("/knowledge", summary="The condition profile with its citations")
async def get_knowledge() -> Response:
    """Every fact charley uses, in its own words, each with its sources."""
    return json_response(_knowledge())
