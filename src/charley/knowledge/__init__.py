"""charley's knowledge: sources, findings, triage rules, kinds and the condition profile.

The facts live in YAML files inside this package (`data/`); this package
validates, compiles and caches them. Code elsewhere holds no medical fact.
"""

from charley.knowledge.base import KnowledgeBase
from charley.knowledge.loader import build_knowledge, load_knowledge

__all__ = ["KnowledgeBase", "build_knowledge", "load_knowledge"]
