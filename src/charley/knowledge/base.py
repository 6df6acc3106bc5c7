"""The knowledge base as the engine uses it: validated, compiled, indexed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charley.knowledge.conditions import Cond, Screen
from charley.knowledge.lexicon import Lexicon
from charley.knowledge.schema import FindingDef, Kind, Language, Profile, Source, Triage


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything charley knows, ready to use.

    `conds` holds every compiled condition, keyed "<section>:<id>"
    (for example "rule:chest_pain", "kind:cramp", "relief:calf_stretch");
    `screens` holds the same conditions by section ("rule", "kind", "relief"…)
    with their items, in written order, for finding the ones that hold.
    """

    digest: str
    sources: dict[str, Source]
    findings: dict[str, FindingDef]
    language: Language
    triage: Triage
    kinds: dict[str, Kind]
    profile: Profile
    conds: dict[str, Cond]
    screens: dict[str, Screen[Any]]
    implies: dict[str, tuple[str, ...]]
    lexicon: Lexicon

    def cond(self, section: str, item_id: str) -> Cond:
        return self.conds[f"{section}:{item_id}"]
