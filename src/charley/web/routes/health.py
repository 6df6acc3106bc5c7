"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter, Response

from charley.web.answers import HealthOut, ok

router = APIRouter(tags=["health"])
_OK = b'{"status":"ok"}'


@router.get("/healthz", summary="Is the server up", responses=ok(HealthOut, "Up."))
async def healthz() -> Response:
    return Response(_OK, media_type="application/json")
