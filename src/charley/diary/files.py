"""Files charley writes for a person (exports, reports, charts): theirs alone.

What a diary holds is about someone's health, so a file made from it is
created readable and writable by its owner only (mode 0600), and a file
written over is made so too.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` with mode 0600; OSError if it cannot be."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), PRIVATE)  # a file that was there keeps its mode otherwise
        f.write(raw)
