"""The `charley` command.

`charley assess --json "TEXT"` is the path scripts call most, so it skips
Typer and Rich (about 60 ms of imports on these machines) and answers with
the standard library alone; every other command goes through the Typer app.
Both paths share `charley.cli.output`, so their output is identical.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    text = _fast_json_text(args)
    if text is not None:
        from charley.cli.output import assess_json

        sys.exit(assess_json(text))
    from charley.cli.app import run

    run(args)


def _fast_json_text(args: list[str]) -> str | None:
    """The text of exactly `assess --json TEXT` (either order), else None."""
    if len(args) != 3 or args[0] != "assess" or "--json" not in args[1:]:
        return None
    text = args[2] if args[1] == "--json" else args[1]
    return None if text.startswith("-") else text
