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

import gc
import os
import pickle
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from charley.errors import KnowledgeError
from charley.knowledge.base import KnowledgeBase

if TYPE_CHECKING:
    from pathlib import Path

try:  # blake2 without loading OpenSSL (hashlib's import costs ~6 ms of every start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always builds _blake2
    from hashlib import blake2b

DATA_FILES = ("sources", "findings", "language", "concepts", "kinds", "triage", "profile", "guide")
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


# Plain os.path on the start-up path: pathlib (with urllib and ipaddress) and
# importlib.resources cost about 20 ms to import, a tenth of `charley assess`.
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def data_dir() -> Path:
    """The folder of the packaged YAML files."""
    from pathlib import Path

    return Path(PACKAGE_DIR) / "data"


def _cache_folder() -> str:
    override = os.environ.get("CHARLEY_CACHE_DIR")
    if override:
        return override
    home = os.path.expanduser("~")
    if sys.platform == "win32":  # pragma: no cover - not tested on this platform
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, "charley", "Cache")
    if sys.platform == "darwin":  # pragma: no cover
        return os.path.join(home, "Library", "Caches", "charley")
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "charley")


def cache_dir() -> Path:
    """Where the compiled knowledge is cached (CHARLEY_CACHE_DIR overrides)."""
    from pathlib import Path

    return Path(_cache_folder())


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def read_data(folder: Path | str | None = None) -> dict[str, bytes]:
    base = os.fspath(folder) if folder is not None else os.path.join(PACKAGE_DIR, "data")
    return {name: _read(os.path.join(base, f"{name}.yaml")) for name in DATA_FILES}


def digest_of(raw: dict[str, bytes]) -> str:
    from charley import __version__

    h = blake2b(f"{CACHE_FORMAT}|{__version__}|{sys.version}".encode(), digest_size=16)
    for name in DATA_FILES:
        h.update(name.encode())
        h.update(raw[name])
    for module in COMPILER_MODULES:
        h.update(module.encode())
        h.update(_read(os.path.join(PACKAGE_DIR, module)))
    return h.hexdigest()[:20]


@cache
def load_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, from the cache when it is current."""
    raw = read_data()
    digest = digest_of(raw)
    path = os.path.join(_cache_folder(), f"kb-{digest}.pickle")
    try:
        # the collector would walk the half-built object graph again and
        # again while tens of thousands of objects are unpickled
        gc.disable()
        try:
            with open(path, "rb") as f:
                kb = pickle.load(f)
        finally:
            gc.enable()
        if isinstance(kb, KnowledgeBase) and kb.digest == digest:
            return kb
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
        pass
    kb = build_knowledge(raw, digest)
    _write_cache(path, kb)
    return kb


def _write_cache(path: str, kb: KnowledgeBase) -> None:
    """Write atomically and drop older caches; a cache that cannot be written is skipped."""
    import tempfile
    from pathlib import Path

    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("kb-*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".kb-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(kb, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return


def parse_yaml(raw: dict[str, bytes]) -> dict[str, Any]:
    """Parse each file; YAML anchors live under keys starting with "x-"."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc,valid-type]
        """A key written twice in one mapping is a mistake, not "the last one wins"."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} is written twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep)

    loader = StrictLoader
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
