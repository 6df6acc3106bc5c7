"""The Typer application: every `charley` command, each documented by its docstring."""

from __future__ import annotations

import inspect
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from rich.console import Console
from typer.core import TyperArgument, TyperCommand, TyperOption

from charley import __version__
from charley.cli import ask_commands, diary_commands, guide_commands, server_commands
from charley.cli.output import EXIT_DIARY, EXIT_INPUT, error, failure, to_json
from charley.errors import CharleyError, InputError

# Plain help (no boxes), and -h as well as --help on every command.
HELP = {"rich_markup_mode": None, "context_settings": {"help_option_names": ["-h", "--help"]}}

app = typer.Typer(
    name="charley",
    help="charley: a local-first muscle spasm checker, care guide and cramp diary.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    **HELP,  # type: ignore[arg-type]
)
kb_app = typer.Typer(help="Check the knowledge base against its sources.", no_args_is_help=True)
bench_app = typer.Typer(help="Measure how well charley does.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(bench_app, name="bench")
diary_commands.register(app)
server_commands.register(app)
guide_commands.register(app)
ask_commands.register(app)


class _Formatter(Protocol):
    """What help formatting uses of Click's HelpFormatter (Typer ships its own Click)."""

    def write(self, string: str) -> None: ...
    def write_paragraph(self) -> None: ...
    def write_dl(self, rows: list[tuple[str, str]]) -> None: ...
    def section(self, name: str) -> AbstractContextManager[None]: ...


class _Command(TyperCommand):
    """A command whose --help reads as written: the docstring's lines kept (so an
    example stays on one line), and arguments by name (NAME, [TEXT]...) with no
    type hint such as <str>, which Typer adds; an option that takes a value and has
    no metavar of its own is shown with its name, --minutes MINUTES."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperOption) and not param.is_flag and param.metavar is None:
                param.metavar = (param.name or "value").upper()

    def format_help_text(self, ctx: Any, formatter: _Formatter) -> None:
        text = inspect.cleandoc(self.help or "")
        if text:
            formatter.write_paragraph()
            for line in text.splitlines():
                formatter.write(f"  {line}\n" if line else "\n")

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_argument_name(p) for p in self.get_params(ctx) if _is_argument(p)]

    def format_options(self, ctx: Any, formatter: _Formatter) -> None:
        params = self.get_params(ctx)
        arguments = [(_argument_name(p), _argument_help(p)) for p in params if _is_argument(p)]
        options = [r for p in params if not _is_argument(p) and (r := p.get_help_record(ctx))]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _is_argument(param: Any) -> bool:
    return isinstance(param, TyperArgument)


def _argument_name(param: Any) -> str:
    name = param.metavar or (param.name or "").upper()
    if param.nargs != 1:
        name += "..."
    return name if param.required else f"[{name}]"


def _argument_help(param: Any) -> str:
    return str(getattr(param, "help", None) or "")


def _use_plain_help(group: typer.Typer) -> None:
    """Every command and group, however registered, formats its help the same way."""
    for command in group.registered_commands:
        command.cls = _Command
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _use_plain_help(sub.typer_instance)


def _version(show: bool) -> None:
    if show:
        print(f"charley {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show charley's version and exit."
        ),
    ] = False,
) -> None:
    """charley: a local-first muscle spasm checker, care guide and cramp diary.

    Every command has -h / --help with an example. Nothing leaves your machine.
    """


def run(args: list[str]) -> None:
    """Run the app; CharleyError becomes a one-line message and exit code 2 (3 for the diary)."""
    try:
        app(args=args, prog_name="charley", standalone_mode=True)
    except CharleyError as exc:  # pragma: no cover - commands catch their own
        sys.exit(failure(exc))


def _fail(exc: CharleyError) -> typer.Exit:
    return typer.Exit(failure(exc))


@app.command()
def assess(
    text: Annotated[
        list[str] | None, typer.Argument(help="The description, in your own words.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    interview: Annotated[
        bool, typer.Option("--interview", help="Ask questions, even when input is piped.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Show everything: causes, prevention, why, every source, ICD-10 codes.",
        ),
    ] = False,
) -> None:
    """Assess a cramp, spasm or twitch described in words.

    With no text on a terminal, charley asks questions instead, the most
    urgent first. With no text and piped input, it reads the description
    from standard input. The answer is a short care card; --full shows
    why, with every source.

    Example: charley assess "my left calf cramped for 2 minutes last night, stretching helped"
    """
    from charley.inputs import clean_description, decode

    words = " ".join(text or [])
    try:
        if interview or (not words and sys.stdin.isatty()):
            result = _interview(words or None)
        else:
            if not words:
                words = decode(sys.stdin.buffer.read())
            from charley.assess import assess as run_assess

            result = run_assess(clean_description(words))
    except CharleyError as exc:
        raise _fail(exc) from None
    if json_out:
        print(to_json(result.to_dict()))
    else:
        from charley.cli.render import render

        render(result, Console(), full=full)


def _interview(text: str | None):  # type: ignore[no-untyped-def]
    """Ask the questions of `charley.interview` one by one on the terminal.
    The answer at the end never asks again what was already answered."""
    from dataclasses import replace

    from charley.inputs import clean_description
    from charley.interview import UNCLEAR, next_step, read_reply

    console = Console(stderr=True)
    if text is None:
        console.print("Describe the cramp, spasm or twitch in your own words (Enter to skip):")
        line = sys.stdin.readline()
        text = clean_description(line) if line.strip() else None
    answers: dict[str, bool | None] = {}
    while True:
        step = next_step(text=text, answers=answers)
        left = tuple(q for q in step.assessment.questions if q.id not in answers)
        if step.done or step.question is None:
            return replace(step.assessment, questions=left)
        number = f"Question {step.asked + 1}, about {step.remaining - 1} more after it"
        console.print(f"[dim]{number}[/dim]" if step.remaining > 1 else "[dim]Last question[/dim]")
        console.print(f"[bold]{step.question.text}[/bold] [dim](y / n / ? for don't know)[/dim]")
        while True:
            line = sys.stdin.readline()
            if not line:  # the input has ended: answer with what is known
                return replace(step.assessment, questions=left)
            reply = read_reply(line)
            if reply is not UNCLEAR:
                break
            console.print("Please answer y (yes), n (no) or ? (don't know).")
        answers[step.question.id] = reply  # type: ignore[assignment]


@kb_app.command("check")
def kb_check(
    sources: Annotated[
        Path | None,
        typer.Option(metavar="FOLDER", help="Folder of the source articles, to check every quote."),
    ] = None,
    triage: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="TRIAGE.md, to check every policy row has a rule."),
    ] = None,
) -> None:
    """Validate the knowledge base; with --sources, check every quote is verbatim.

    Fails with the full list of problems: a missing citation, a quote not
    found in its source, a TRIAGE.md rule with no implementation.

    Example: charley kb check --sources ../shared/sources --triage ../shared/TRIAGE.md
    """
    from charley.knowledge.check import check_knowledge

    if sources is not None and not sources.is_dir():
        raise typer.Exit(error(f"--sources {sources} is not a folder"))
    if triage is not None and not triage.is_file():
        raise typer.Exit(error(f"--triage {triage} is not a file"))
    report = check_knowledge(sources, triage)
    console = Console()
    if not report.ok:
        console.print(f"[bold red]kb check failed: {len(report.problems)} problem(s)[/bold red]")
        for p in report.problems:
            console.print(f"  - {p}", markup=False, highlight=False)
        raise typer.Exit(1)
    counts = ", ".join(f"{v} {k}" for k, v in report.counts.items())
    checked = []
    if sources is not None:
        checked.append("quotes verbatim")
    if triage is not None:
        checked.append("every TRIAGE.md rule implemented")
    console.print(
        f"[green]kb check passed[/green]: {counts}" + (f"; {', '.join(checked)}" if checked else "")
    )
    lines = report.coverage_lines()
    if lines:
        console.print("Coverage of the articles (cited / (cited + left out)):", highlight=False)
        for line in lines:
            console.print(f"  {line}", markup=False, highlight=False)


@bench_app.command("vignettes")
def bench_vignettes(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="One or more JSON-lines vignette files.")
    ],
    half: Annotated[
        str,
        typer.Option(
            help="all, tuning (odd ids) or locked (even ids): the locked half is scored "
            "but its cases are not listed, so that it stays unseen while tuning."
        ),
    ] = "all",
) -> None:
    """Score charley on clinical vignettes and list each failing case.

    Prints exact-level accuracy, acceptable rate, under- and over-triage
    counts, kind@1 and kind@3, overall and by writing style, and, where the
    file says whether a case is a muscle problem (`in_scope`), how often
    charley agrees. Exits 1 if any case is under-triaged.

    Example: charley bench vignettes ../shared/vignettes/dev.jsonl ../shared/vignettes/dev2.jsonl
    """
    from charley.vignettes import HALVES, load_cases, score

    if half not in HALVES:
        raise _fail(InputError(f"--half must be one of {', '.join(HALVES)}"))
    try:
        cases = [c for f in files for c in load_cases(f) if half in ("all", c.half)]
        if not cases:
            raise InputError(f"no vignettes in the {half} half")
        result = score(cases)
    except CharleyError as exc:
        raise _fail(exc) from None
    n = len(result.outcomes)
    print(f"vignettes: {n}" + ("" if half == "all" else f" ({half} half)"))
    print(f"exact level:     {result.rate('exact'):6.1%}")
    print(f"acceptable:      {result.rate('acceptable'):6.1%}")
    print(f"under-triage:    {result.count('under')}")
    emergencies = sum(o.under and o.case.triage.startswith("emergency") for o in result.outcomes)
    print(f"  of emergencies: {emergencies}")
    print(f"over-triage:     {result.count('over')}")
    print(f"kind@1:          {result.rate('kind_at_1'):6.1%}")
    print(f"kind@3:          {result.rate('kind_at_3'):6.1%}")
    judged = [o for o in result.outcomes if o.case.in_scope is not None]
    if judged:
        agree = sum(o.scope_agrees for o in judged)
        print(f"in scope as the writer said: {agree} of {len(judged)}")
    styles = result.by_style()
    if len(styles) > 1:
        print(f"{'style':16} {'n':>3} {'acceptable':>10} {'under':>5} {'over':>4} {'kind@3':>7}")
        for name, part in styles.items():
            print(
                f"{name:16} {len(part.outcomes):3} {part.rate('acceptable'):10.1%} "
                f"{part.count('under'):5} {part.count('over'):4} {part.rate('kind_at_3'):7.1%}"
            )
    if half != "locked":
        for o in result.failing:
            tag = "UNDER" if o.under else "OVER" if o.over else "KIND"
            print(
                f"  {tag} {o.case.id}: got {o.level} {list(o.kinds[:3])}; "
                f"want {list(o.case.acceptable)} {list(o.case.kinds_ok)}"
            )
    if result.count("under"):
        raise typer.Exit(1)


_use_plain_help(app)

__all__ = ["EXIT_DIARY", "EXIT_INPUT", "app", "run"]
