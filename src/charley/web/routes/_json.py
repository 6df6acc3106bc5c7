"""Fast JSON responses: charley's results are plain data already, so they skip
FastAPI's response-model validation and are encoded once."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response


def json_response(data: Any, status_code: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status_code, media_type="application/json")
