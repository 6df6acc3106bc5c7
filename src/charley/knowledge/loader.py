"""Load the knowledge base: validate the YAML once, then reuse a cached copy.

Reading and validating YAML costs about half a second (PyYAML and
pydantic); `charley assess` cannot afford that on every start. The first
load validates everything and writes a pickle to the user's cache folder,
named by a hash of the YAML files, charley's version and Python's version.
Later loads read the pickle (a few milliseconds). Any change to the YAML
changes the hash, so a stale cache is never used; an unreadable cache is
rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from charley.errors import KnowledgeError
from charley.knowledge.base import KnowledgeBase

DATA_FILES = ("sources", "findings", "language", "concepts", "kinds", "triage", "profile")
# The modules whose code shapes the compiled knowledge: their source is part of
# the cache key, so a change to the compiler never reuses an old pickle.
COMPILER_MODULES = (
    "schema.py",
    "base.py",
    "compile.py",
    "conditions.py",
    "lexicon.py",
    "tolerance.py",
)
CACHE_FORMAT = 2


def data_dir() -> Path:
    """The folder of the packaged YAML files."""
    return Path(str(resources.files("charley.knowledge") / "data"))


def cache_dir() -> Path:
    """Where the compiled knowledge is cached (CHARLEY_CACHE_DIR overrides)."""
    override = os.environ.get("CHARLEY_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":  # pragma: no cover - not tested on this platform
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "charley" / "Cache"
    if sys.platform == "darwin":  # pragma: no cover
        return Path.home() / "Library" / "Caches" / "charley"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "charley"


def read_data(folder: Path | None = None) -> dict[str, bytes]:
    folder = folder or data_dir()
    return {name: (folder / f"{name}.yaml").read_bytes() for name in DATA_FILES}


def digest_of(raw: dict[str, bytes]) -> str:
    from charley import __version__

    h = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{sys.version}".encode())
    for name in DATA_FILES:
        h.update(name.encode())
        h.update(raw[name])
    package = resources.files("charley.knowledge")
    for module in COMPILER_MODULES:
        h.update(module.encode())
        h.update((package / module).read_bytes())
    return h.hexdigest()[:20]


@cache
def load_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, from the cache when it is current."""
    raw = read_data()
    digest = digest_of(raw)
    path = cache_dir() / f"kb-{digest}.pickle"
    try:
        with path.open("rb") as f:
            kb = pickle.load(f)
        if isinstance(kb, KnowledgeBase) and kb.digest == digest:
            return kb
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
        pass
    kb = build_knowledge(raw, digest)
    _write_cache(path, kb)
    return kb


def _write_cache(path: Path, kb: KnowledgeBase) -> None:
    """Write atomically and drop older caches; a cache that cannot be written is skipped."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("kb-*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(kb, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return


def parse_yaml(raw: dict[str, bytes]) -> dict[str, Any]:
    """Parse each file; YAML anchors live under keys starting with "x-"."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs: dict[str, Any] = {}
    problems: list[str] = []
    for name, data in raw.items():
        try:
            doc = yaml.load(data, Loader=loader)
        except yaml.YAMLError as exc:
            problems.append(f"{name}.yaml: not valid YAML: {exc}")
            continue
        if not isinstance(doc, dict):
            problems.append(f"{name}.yaml: the top level must be a mapping")
            continue
        docs[name] = {k: v for k, v in doc.items() if not str(k).startswith("x-")}
    if problems:
        raise KnowledgeError(problems)
    return docs


def build_knowledge(raw: dict[str, bytes] | None = None, digest: str = "") -> KnowledgeBase:
    """Validate the YAML against the schema and compile it; raise KnowledgeError."""
    from charley.knowledge.compile import compile_knowledge

    raw = raw if raw is not None else read_data()
    return compile_knowledge(parse_yaml(raw), digest or digest_of(raw))
