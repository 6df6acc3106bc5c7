"""The knowledge base as the engine uses it: validated, compiled, indexed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charley.knowledge.conditions import Screen
from charley.knowledge.lexicon import Lexicon
from charley.knowledge.schema import (
    Composition,
    FindingDef,
    Guide,
    Kind,
    Language,
    Profile,
    Source,
    Triage,
)
from charley.knowledge.tolerance import Tolerance

# the pseudo finding an answer carries when the description is out of scope
SCOPE_OUT = "scope.out"


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything charley knows, ready to use.

    `screens` holds every compiled condition by section ("rule", "kind",
    "relief"…) with its item, in written order, for finding the ones that hold.
    """

    digest: str
    sources: dict[str, Source]
    findings: dict[str, FindingDef]
    language: Language
    triage: Triage
    kinds: dict[str, Kind]
    profile: Profile
    screens: dict[str, Screen[Any]]
    implies: dict[str, tuple[str, ...]]
    lexicon: Lexicon
    tolerance: Tolerance
    # each composition with its parts, (class id, how its word must read), and
    # the set of classes it needs, so a text without one of them skips it at once
    compositions: tuple[tuple[Composition, tuple[tuple[str, str], ...], frozenset[str]], ...]
    groups: dict[str, str]  # finding id -> group
    class_of: dict[str, tuple[str, ...]]  # finding id -> the classes it counts for
    # TRIAGE.md "Out of scope": (a muscle problem, not a muscle problem after all)
    scope: tuple[Any, Any] = (None, None)
    # when each question of the interview is worth asking (triage.interview_when)
    asked_when: dict[str, Any] = field(default_factory=dict)
    # the care guide's topics (guide.yaml)
    guide: Guide | None = None
