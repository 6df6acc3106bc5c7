"""The one family of errors charley raises.

The library raises these and never prints; the CLI turns them into a
one-line message and exit code 2, the web layer into HTTP status codes.

    CharleyError
    ├── InputError          bad text, findings or episode from the user
    │   └── UnknownFindingError   a finding id that is not in the vocabulary
    ├── NotFoundError       no such episode (or not this person's)
    ├── DiaryError          the diary cannot be opened, read or written
    └── KnowledgeError      the knowledge files are invalid or inconsistent
"""

from __future__ import annotations


class CharleyError(Exception):
    """Base class of every error charley raises on purpose."""


class InputError(CharleyError, ValueError):
    """The user's input cannot be assessed (empty, too long, undecodable, malformed)."""


class UnknownFindingError(InputError):
    """A structured finding names an id that charley's vocabulary does not have."""


class NotFoundError(CharleyError, LookupError):
    """The thing asked for does not exist, or belongs to someone else."""


class DiaryError(CharleyError):
    """The diary cannot be opened, read or written."""


class KnowledgeError(CharleyError):
    """The knowledge base failed validation; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n{shown}{more}")
