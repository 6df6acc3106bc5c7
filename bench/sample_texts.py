"""Descriptions the benchmarks send: the practice vignettes when ../shared is
beside the repo, else a few built-in ones."""

from __future__ import annotations

import json
from pathlib import Path

VIGNETTES = Path(__file__).resolve().parent.parent.parent / "shared" / "vignettes" / "dev.jsonl"
FALLBACK_TEXTS = [
    "My left calf cramped last night for about two minutes and eased when I stretched it.",
    "I take a statin and my thighs ache; my urine is a normal colour.",
    "Crushing chest pain and my left arm is cramping.",
    "My eyelid has been twitching for four days; lots of coffee, no weakness.",
    "My back went into spasm when I lifted a box this morning; no numbness, I can walk.",
    "After a long run in the heat my thighs seized up and I feel dizzy and sick.",
]


def texts() -> list[str]:
    if VIGNETTES.is_file():
        lines = VIGNETTES.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["text"] for line in lines if line]
    return FALLBACK_TEXTS
