"""Liveness, and whether the diary's database can be used.

/healthz answers 200 whenever the server does: assessment needs no database,
so a server whose database is down still serves its main purpose. The body
says whether the database is up. While it is up it is checked at most once a
second, so /healthz stays as cheap as it was for load balancers that ask many
times a second; while it is down, at every /healthz, so its return is seen at
once. A check runs in a thread, one at a time, bounded by the database timeout.
"""

from __future__ import annotations

import math
import time

import anyio
from fastapi import APIRouter, Request, Response
from sqlalchemy import Engine

from charley.web.answers import HealthOut, ok

router = APIRouter(tags=["health"])
CHECK_EVERY = 1.0
_UP = b'{"status":"ok","database":"up"}'
_DOWN = b'{"status":"degraded","database":"down"}'


class DatabaseCheck:
    """The last known state of the database; "up" is trusted for CHECK_EVERY seconds."""

    def __init__(self, engine: Engine, timeout: float) -> None:
        self.engine = engine
        self.timeout = timeout
        self.up = True
        self.checked = -math.inf
        self.lock = anyio.Lock()

    def _ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception:  # any failure means: cannot be used now
            return False
        return True

    async def is_up(self) -> bool:
        fresh = self.up and time.monotonic() - self.checked < CHECK_EVERY
        if fresh or self.lock.locked():
            return self.up  # up a moment ago, or being checked: the last known state
        async with self.lock:
            # The ping's own limits bound it; this bounds it again, in case they fail.
            with anyio.move_on_after(self.timeout * 2 + 2):
                self.up = await anyio.to_thread.run_sync(self._ping, abandon_on_cancel=True)
                self.checked = time.monotonic()
                return self.up
            self.up, self.checked = False, time.monotonic()
            return False


@router.get(
    "/healthz",
    summary="Is the server up, and its database",
    responses=ok(HealthOut, "Up; `database` says whether the diary can be used."),
)
async def healthz(request: Request) -> Response:
    check: DatabaseCheck = request.app.state.database_check
    return Response(_UP if await check.is_up() else _DOWN, media_type="application/json")
