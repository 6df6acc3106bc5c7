"""Fast JSON responses: charley's results are plain data already, so they skip
FastAPI's response-model validation and are encoded once.

The encoder is orjson when it is installed: on an assessment (about 14 KB of
JSON) it is over ten times faster than the standard library. Its output is the
same data as `json.dumps(data, ensure_ascii=False)` gives; where the two could
differ, json does the encoding instead, as it always did:
- what orjson refuses (keys that are not strings, integers over 64 bits,
  subclasses, dataclasses, dates, deep nesting) raises TypeError;
- orjson writes NaN and infinities as null, so a body with a null in it is
  encoded again by json (charley's answers have none, as a rule).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response


def _stdlib(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


try:
    import orjson  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - without orjson, json alone, slower
    encode = _stdlib
else:
    _STRICT = (
        orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )

    def encode(data: Any) -> bytes:
        """UTF-8 JSON, compact: orjson where it gives the same data as json."""
        try:
            body: bytes = orjson.dumps(data, option=_STRICT)
        except TypeError:  # orjson.JSONEncodeError is one
            return _stdlib(data)
        return _stdlib(data) if b"null" in body else body


def json_response(data: Any, status_code: int = 200) -> Response:
    return Response(encode(data), status_code=status_code, media_type="application/json")
