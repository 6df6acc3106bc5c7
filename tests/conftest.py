"""Shared fixtures. The knowledge cache goes to a temporary folder for the run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SOURCES = SHARED / "sources"
TRIAGE_MD = SHARED / "TRIAGE.md"
VIGNETTES = SHARED / "vignettes" / "dev.jsonl"

_cache = tempfile.mkdtemp(prefix="charley-test-cache-")
os.environ["CHARLEY_CACHE_DIR"] = _cache


@pytest.fixture(scope="session")
def kb():
    from charley.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture
def raw_data() -> Iterator[dict[str, bytes]]:
    """The packaged YAML, as bytes, for tests that break a copy of it."""
    from charley.knowledge.loader import read_data

    yield read_data()


needs_shared = pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared is not beside the repo")

# Property tests: reproducible (derandomized) and never timed.
from hypothesis import settings  # noqa: E402

settings.register_profile("charley", deadline=None, derandomize=True, database=None)
settings.load_profile("charley")
