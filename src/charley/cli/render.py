"""The answer in the terminal (Rich): the care card of `charley.card`.

Short by default, about 20 lines: the instruction, what to do now, whom to
see, when to get help and what it could be. `--full` adds what may be behind
it, how to prevent it, and why charley says so with every source (by title),
the ICD-10 codes and what charley understood.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from charley.assessment import Assessment
from charley.card import CareCard, care_card

STYLE = {
    "emergency_ambulance": "bold white on red",
    "emergency": "bold white on dark_orange3",
    "consultation_24": "bold black on yellow",
    "consultation": "bold white on blue",
    "self_care": "bold white on green",
}
Item = Mapping[str, Any]


def _section(title: str, lines: Sequence[RenderableType], *, gap: bool = False) -> list[Any]:
    if not lines:
        return []
    return [*([Text("")] if gap else []), Text(title, style="bold underline"), *lines]


def _bullet(text: str, style: str = "", mark: str = "•") -> Table:
    """One item with a hanging indent, so a wrapped line stays under its words."""
    row = Table.grid(padding=(0, 1))
    row.add_column(width=len(mark), no_wrap=True)
    row.add_column()
    row.add_row(mark, Text(text, style=style))
    return row


def _bullets(items: tuple[Item, ...], key: str = "text", style: str = "") -> list[Any]:
    return [_bullet(str(item[key]), style) for item in items]


def _source(c: Item) -> Padding:
    """One citation for people: the source's title and its words, never a file name."""
    from charley.knowledge import load_knowledge

    src = load_knowledge().sources.get(c["source"])
    title = src.title if src else c["source"]
    publisher = f", {src.publisher}" if src and src.publisher else ""
    words = f"“{c['quote']}”" if c.get("kind") == "article" else str(c["summary"])
    return Padding(Text(f"{words} ({title}{publisher})", style="italic dim"), (0, 0, 0, 4))


def _why(card: CareCard) -> list[RenderableType]:
    from charley.knowledge import load_knowledge

    labels = {fid: f.label for fid, f in load_knowledge().findings.items()}
    lines: list[RenderableType] = []
    for r in card.reasons:
        lines.append(_bullet(r["statement"]))
        if r.get("findings"):
            said = "; ".join(f"{labels.get(f, f)} [{f}]" for f in r["findings"])
            lines.append(Padding(Text(f"because you said: {said}", style="dim"), (0, 0, 0, 4)))
        lines += [_source(c) for c in r.get("citations", ())]
    for title, items in card.sourced:
        lines.append(Text(title, style="bold"))
        for item in items:
            lines.append(_bullet(str(item.get("text") or item.get("label"))))
            lines += [_source(c) for c in item.get("citations", ())]
    return lines


def _understood(a: Assessment) -> list[Text]:
    # The diary's figures are counted, not said: they get a line of their own.
    items = a.findings.items
    diary = [f.evidence or f.id for f in items if f.id.startswith("diary.")]
    present = [
        f"{f.evidence or f.id} [{f.id}]"
        for f in items
        if f.state == "present" and f.context == "current" and not f.id.startswith("diary.")
    ]
    absent = [f"{f.evidence or f.id} [{f.id}]" for f in items if f.state == "absent"]
    past = [f"{f.evidence or f.id} [{f.id}]" for f in items if f.context != "current"]
    lines = []
    if present:
        lines.append(Text(f"said: {'; '.join(present)}"))
    if absent:
        lines.append(Text(f"ruled out: {'; '.join(absent)}"))
    if past:
        lines.append(Text(f"past, a worry or a relative's (not counted now): {'; '.join(past)}"))
    if diary:
        lines.append(Text(f"from your diary: {'; '.join(diary)}"))
    return lines


def render(a: Assessment, console: Console, *, full: bool = False) -> None:
    """Print the care card; `full` adds causes, prevention, reasons and sources."""
    card = care_card(a.to_dict())
    style = STYLE[card.level]
    head = Text(f" {card.heading.upper()} ", style=style)
    head.append(f"  urgency {card.rank} of 5: {card.urgency}", style="dim")
    parts: list[Any] = [head, Text(card.meaning, style="bold")]
    if not card.in_scope:
        parts.append(Text("This is not a muscle problem charley can assess.", style="bold"))

    steps = card.do_now + (card.more_to_do if full else ())
    parts += _section(card.do_now_title, _bullets(steps))
    if full:
        parts += _section(
            "Whom to see",
            [_bullet(f"{s['label'][:1].upper()}{s['label'][1:]}: {s['text']}") for s in card.see],
        )
    else:
        names = ", ".join(s["label"] for s in card.see)
        parts += _section("Whom to see", [_bullet(names[:1].upper() + names[1:])] if names else [])
    parts += _section("Get help if", _bullets(card.safety_net, style="bold"))
    questions = card.questions if full else card.shown_questions
    parts += _section("What could change this answer", _bullets(questions, style="bold"))
    kinds = card.could_be if full else card.shown_kinds
    parts += _section(
        "What it could be",
        [
            _bullet(k["label"] + (f" (ICD-10 {k['icd10']})" if full else ""), mark=f"{i}.")
            for i, k in enumerate(kinds, 1)
        ],
    )
    if full:
        parts += _section(
            "What may be behind it", [_bullet(f"{c['label']}: {c['why']}") for c in card.causes]
        )
        parts += _section("How to prevent it", _bullets(card.prevention))
        parts += _section("Why charley says this", _why(card), gap=True)
        parts += _section("What charley understood", _understood(a), gap=True)
    console.print(Panel(Group(*parts), border_style=style.split()[-1], expand=False))
    if full:
        console.print(Padding(Text(card.disclaimer, style="dim"), (0, 1)))
    else:
        n = len(card.more_to_do)
        more = f"{n} more step{'s' if n > 1 else ''}, " if n else ""
        console.print(
            Padding(
                Text(f"Not a diagnosis. {more}why and every source: add --full.", style="dim"),
                (0, 1),
            )
        )
    _guide(card, console, full=full)


def _guide(card: CareCard, console: Console, *, full: bool) -> None:
    """The care guide's topics for this answer, last (after the card's first
    screen): one line on the short card, each link's words with --full."""
    if not card.guide:
        return
    if not full:
        commands = ", ".join(f"charley guide {link.topic}" for link in card.guide)
        console.print(Padding(Text(f"Read more in the care guide: {commands}"), (0, 1)))
        return
    lines: list[RenderableType] = [Text("Read more in the care guide:", style="bold")]
    lines += [_bullet(f"{link.label}: charley guide {link.topic}") for link in card.guide]
    console.print(Padding(Group(*lines), (0, 1)))
