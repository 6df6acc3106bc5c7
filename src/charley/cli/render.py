"""A readable answer in the terminal (Rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from charley.assessment import Assessment, Cited

STYLE = {
    "emergency_ambulance": "bold white on red",
    "emergency": "bold white on dark_orange3",
    "consultation_24": "bold black on yellow",
    "consultation": "bold white on blue",
    "self_care": "bold white on green",
}
HEADLINE = {
    "emergency_ambulance": "CALL EMERGENCY SERVICES NOW",
    "emergency": "GO TO AN EMERGENCY DEPARTMENT NOW",
    "consultation_24": "SEE A DOCTOR WITHIN 24 HOURS",
    "consultation": "BOOK AN APPOINTMENT WITH A DOCTOR",
    "self_care": "YOU CAN MANAGE THIS AT HOME",
}


def _refs(citations: tuple[Cited, ...]) -> str:
    names = []
    for c in citations:
        name = c.source.id.split("_")[0] if c.source.kind == "article" else c.source.publisher
        if name not in names:
            names.append(name)
    return "[" + ", ".join(names) + "]"


def _section(title: str, lines: list[Text]) -> list[Text]:
    if not lines:
        return []
    return [Text(""), Text(title, style="bold underline"), *lines]


def render(a: Assessment, console: Console) -> None:
    level = a.triage.level
    banner = Text(f" {HEADLINE[level]} ", style=STYLE[level])
    parts: list[Text] = [banner, Text(a.triage.label, style="bold")]
    if not a.in_scope:
        parts.append(Text("This is not a muscle problem charley can assess.", style="bold"))

    why: list[Text] = []
    for r in a.triage.reasons:
        why.append(Text(f"• {r.statement}"))
        if r.findings:
            why.append(Text(f"    because: {', '.join(r.findings)}", style="dim"))
        for c in r.citations:
            why.append(Text(f"    source {c.short()}", style="italic dim"))
    parts += _section("Why", why)
    urgent = level in ("emergency", "emergency_ambulance")
    parts += _section(
        "What it most likely is",
        [
            Text(f"{i}. {k.label} (ICD-10 {k.icd10}) {_refs(k.citations)}")
            for i, k in enumerate(a.kinds[:3], 1)
        ],
    )
    parts += _section(
        "What may be behind it",
        [Text(f"• {c.label}: {c.why} {_refs(c.citations)}") for c in a.causes],
    )
    parts += _section(
        "While you wait" if urgent else "What to do now",
        [Text(f"• {r.text} {_refs(r.citations)}") for r in a.relief],
    )
    parts += _section(
        "How to prevent it", [Text(f"• {p.text} {_refs(p.citations)}") for p in a.prevention]
    )
    parts += _section("Whom to see", [Text(f"• {s.label}: {s.text}") for s in a.see])
    parts += _section(
        "Questions that could change this answer",
        [Text(f"• {q.text}", style="bold") for q in a.questions],
    )
    # The diary's figures are counted, not said: they get a line of their own.
    diary = [f.evidence or f.id for f in a.findings.items if f.id.startswith("diary.")]
    present = [
        f.evidence or f.id
        for f in a.findings.items
        if f.state == "present" and f.context == "current" and not f.id.startswith("diary.")
    ]
    absent = [f.evidence or f.id for f in a.findings.items if f.state == "absent"]
    past = [f.evidence or f.id for f in a.findings.items if f.context != "current"]
    understood = []
    if present:
        understood.append(Text(f"said: {'; '.join(present)}"))
    if absent:
        understood.append(Text(f"ruled out: {'; '.join(absent)}"))
    if past:
        understood.append(
            Text(f"past, a worry or a relative's (not counted now): {'; '.join(past)}")
        )
    if diary:
        understood.append(Text(f"from your diary: {'; '.join(diary)}"))
    parts += _section("What charley understood", understood)
    parts += _section(
        "Get help if",
        [Text(f"• {s.text} {_refs(s.citations)}", style="bold") for s in a.safety_net],
    )
    console.print(Panel(Group(*parts), border_style=STYLE[level].split()[-1], expand=False))
    console.print(Padding(Text(a.disclaimer, style="dim"), (0, 1)))
