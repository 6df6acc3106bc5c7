"""charley: a local-first muscle spasm checker, care guide and cramp diary.

>>> from charley import assess
>>> assess("my calf cramped for two minutes last night and eased with stretching").triage.level
'self_care'

`assess` and `parse` are bound here eagerly: they share their names with
the modules that define them, and a lazy lookup would hand out the module
once anything had imported it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from charley.errors import CharleyError, InputError, KnowledgeError
from charley.findings import Finding, Findings
from charley.parse import parse

from charley.assess import Assessment, assess  # isort: skip

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
