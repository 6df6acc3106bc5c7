"""`charley guide [TOPIC]`: the care guide in the terminal, each sentence
followed by its sources (the title and quote of an article, or a guidance
source's title and charley's summary of it)."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from charley.cli.output import error, to_json


def guide(
    topic: Annotated[
        str | None, typer.Argument(metavar="TOPIC", help="A topic id (see --list); all if none.")
    ] = None,
    list_topics: Annotated[
        bool, typer.Option("--list", help="List the topics' ids and titles.")
    ] = False,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the topics with statements and citations.")
    ] = False,
    pager: Annotated[
        bool,
        typer.Option("--pager/--no-pager", help="Page long output on a terminal (default)."),
    ] = True,
) -> None:
    """Read the care guide: what a spasm is, causes, relief, when to get help...

    Every sentence is followed by its sources. Long output is paged on a
    terminal (--no-pager to turn it off).

    Example: charley guide relief
    """
    from charley.guide import guide_topics
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    topics = guide_topics(kb)
    if list_topics:
        width = max(len(t.id) for t in topics)
        for t in topics:
            print(f"{t.id:<{width}}  {t.title}")
        return
    if topic is not None:
        chosen = tuple(t for t in topics if t.id == topic)
        if not chosen:
            known = ", ".join(t.id for t in topics)
            raise typer.Exit(error(f"unknown topic {topic!r}; the topics are: {known}"))
        topics = chosen
    if json_out:
        from charley.guide import topic_dict

        print(to_json({"topics": [topic_dict(t, kb) for t in topics]}))
        return
    _print(topics, kb, page=pager and sys.stdout.isatty())


def _print(topics: Any, kb: Any, *, page: bool) -> None:
    from rich.console import Console, Group
    from rich.padding import Padding
    from rich.text import Text

    from charley.cli.render import _bullet, _source
    from charley.guide import statement_dict

    parts: list[Any] = []
    for t in topics:
        parts.append(Text(f"{t.title}  (charley guide {t.id})", style="bold reverse"))
        parts.append(Text(t.intro, style="italic"))
        for g in t.groups:
            if g.title:
                parts.append(Text(""))
                parts.append(Text(g.title, style="bold underline"))
            for s in g.statements:
                data = statement_dict(s, kb)
                words = f"{s.label}: {s.text}" if s.section == "disagreements" else s.text
                parts.append(_bullet(words))
                parts += [_source(c) for c in data["citations"]]
        parts.append(Text(""))
    console = Console()
    body = Padding(Group(*parts), (0, 1))
    if page:
        lines = console.render_lines(body, console.options, pad=False)
        if len(lines) > console.height:
            with console.pager(styles=True):
                console.print(body)
            return
    console.print(body)


def register(app: typer.Typer) -> None:
    app.command()(guide)
