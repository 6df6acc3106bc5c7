"""The server's settings, from the environment (one object, read once)."""

from __future__ import annotations

import os
from dataclasses import dataclass

MAX_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str
    max_body: int = MAX_BODY

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        from charley.diary.database import default_url

        return cls(db_url=db_url or os.environ.get("CHARLEY_DB") or default_url())
