"""charley: a local-first muscle spasm checker, care guide and cramp diary.

>>> from charley import assess
>>> assess("my calf cramped for two minutes last night and eased with stretching").triage.level
'self_care'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "CharleyError",
    "Finding",
    "Findings",
    "InputError",
    "KnowledgeError",
    "__version__",
    "assess",
    "parse",
]

if TYPE_CHECKING:
    from charley.assess import Assessment, assess
    from charley.errors import CharleyError, InputError, KnowledgeError
    from charley.findings import Finding, Findings
    from charley.parse import parse

_LAZY = {
    "Assessment": "charley.assess",
    "assess": "charley.assess",
    "CharleyError": "charley.errors",
    "InputError": "charley.errors",
    "KnowledgeError": "charley.errors",
    "Finding": "charley.findings",
    "Findings": "charley.findings",
    "parse": "charley.parse",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so `import charley` stays cheap for the CLI."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'charley' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
