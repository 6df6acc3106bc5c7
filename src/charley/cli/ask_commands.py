"""`charley ask`: a question answered from charley's sources, each with its citation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from charley.cli.output import error, to_json

if TYPE_CHECKING:
    from rich.console import Console

    from charley.ask import Answer


def ask(
    question: Annotated[list[str], typer.Argument(help="Your question, in your own words.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    limit: Annotated[
        int, typer.Option(metavar="N", min=1, max=10, help="At most this many statements.")
    ] = 3,
) -> None:
    """Answer a question about cramps, spasms or twitches from charley's sources.

    Each answer is a statement in charley's words, then the source it comes
    from and its words. A question that describes your own symptoms is
    answered by the checker too; in an emergency, only by the checker.

    Example: charley ask "what helps cramps at night?"
    """
    from rich.console import Console as RichConsole

    from charley.ask import MAX_QUESTION, checker
    from charley.ask import ask as run_ask
    from charley.errors import CharleyError

    text = " ".join(question).strip()
    if not text:
        raise typer.Exit(error("the question is empty"))
    if len(text) > MAX_QUESTION:
        raise typer.Exit(
            error(f"the question is {len(text)} characters; the limit is {MAX_QUESTION}")
        )
    try:
        answer = run_ask(text, limit=limit)
    except CharleyError as exc:
        raise typer.Exit(error(str(exc))) from None
    if json_out:
        print(to_json(answer.to_dict()))
        return
    console = RichConsole()
    _show(answer, console)
    if answer.triage is not None:
        from charley.cli.render import render

        assessment = checker(text)
        if assessment is not None:
            render(assessment, console)


def _show(answer: Answer, console: Console) -> None:
    """The message, then each statement as a short paragraph with its sources."""
    from rich.padding import Padding
    from rich.text import Text

    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    console.print(Text(answer.message, style="bold"))
    for s in answer.statements:
        console.print()
        console.print(Text(s.label[:1].upper() + s.label[1:], style="bold"))
        console.print(Text(s.text))
        for c in s.citations:
            src = kb.sources.get(c.source)
            title = src.title if src else c.source
            words = f"“{c.quote}”" if c.quote else c.summary
            console.print(Padding(Text(f"{title}: {words}", style="italic dim"), (0, 0, 0, 4)))


def register(app: typer.Typer) -> None:
    app.command()(ask)
