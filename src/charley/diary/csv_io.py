"""The diary as CSV, one row per episode: for spreadsheets, backups and moving diaries.

Import checks every row before it returns anything, so a bad file is refused
whole, with the line and the field, and `Diary.add_many` then writes all or
nothing. Lists share one cell: sites as `calf:left;foot:unknown`, remedies as
`stretching:3;massage:2` (a `\\` escapes a `;`, `:` or `\\` inside a name).
Empty cells mean "not recorded": an empty feel, trigger or text reads back as
None. Open files with `newline=""` so that line breaks inside notes survive.

The `id` column is the episode's public id: importing a file whose episodes
are already in the diary skips them. Files without it (older exports, hand
written ones) import as new episodes.

A cell that a spreadsheet would take for a formula (it starts with `=`, `+`,
`-`, `@`, a tab or a carriage return) is written with a single quote before
it, as OWASP recommends against CSV injection: "=1+1" is written "'=1+1". A
cell that starts with quotes and then one of those gets one more quote, so
reading strips exactly the quote charley added and gives the text back as it
was ("-5 degrees felt" and "'=x" alike).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from charley.diary.entries import EpisodeIn, ImportedEpisode, episode_in, listing
from charley.diary.store import Diary, SavedEpisode
from charley.errors import InputError

if TYPE_CHECKING:
    from _csv import Reader

COLUMNS = (
    "id",
    "started_at",
    "sites",
    "duration_seconds",
    "severity",
    "feel",
    "trigger",
    "remedies",
    "notes",
    "text",
    "at_night",
    "after_exercise",
    "woke",
    "level",
)
REQUIRED = ("started_at", "sites")
TRIMMED = ("id", "started_at", "duration_seconds", "severity", "at_night", "after_exercise", "woke")
IGNORED = ("level",)  # the assessment's level: shown for reading, not imported
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""
PROGRESS_EVERY = 1000


def neutralise(cell: str) -> str:
    """`cell` as a spreadsheet will not run it: a quote before a formula's first
    character, and before any quotes that already lead up to one."""
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """The cell as it was before `neutralise`: one leading quote removed, only
    where `neutralise` would have put it."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def export_csv(
    diary: Diary,
    out: TextIO,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the header and one row per episode in [start, end); return how many rows.

    `progress` is called with the rows written so far, every thousand rows and at the end.
    """
    # CRLF, as RFC 4180 has it: the writer then quotes every cell holding a CR or LF;
    # with "\n" a lone carriage return in a note went out bare and split the row.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for episode in diary.iter(start=start, end=end):
        writer.writerow(_cells(episode))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)
    return count


ROWS_PER_PIECE = 500


def iter_csv(
    diary: Diary, *, start: datetime | None = None, end: datetime | None = None
) -> Iterator[str]:
    """The same text as `export_csv`, in pieces of ROWS_PER_PIECE rows (the header
    first), read from the diary as they are sent: for streaming a large diary."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for count, episode in enumerate(diary.iter(start=start, end=end), start=1):
        writer.writerow(_cells(episode))
        if count % ROWS_PER_PIECE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cells(episode: SavedEpisode) -> list[str]:
    """One episode's row, every cell safe to open in a spreadsheet."""
    return [neutralise(cell) for cell in _plain_cells(episode)]


def _plain_cells(episode: SavedEpisode) -> list[str]:
    # Local time with its offset reads naturally in a spreadsheet and is still one instant.
    return [
        episode.id,
        episode.started_at.astimezone().isoformat(),
        _join([site, side] for site, side in episode.sites),
        "" if episode.duration_seconds is None else _number(episode.duration_seconds),
        "" if episode.severity is None else str(episode.severity),
        episode.feel or "",
        episode.trigger or "",
        _join([remedy, str(relief)] for remedy, relief in episode.remedies),
        episode.notes,
        episode.text or "",
        _flag(episode.at_night),
        _flag(episode.after_exercise),
        _flag(episode.woke),
        episode.level or "",
    ]


def _number(value: float) -> str:
    """Whole seconds without ".0"; otherwise Python's shortest exact form."""
    return str(int(value)) if value.is_integer() else repr(value)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _escape(part: str) -> str:
    return part.replace("\\", "\\\\").replace(";", "\\;").replace(":", "\\:")


def _join(items: Iterable[list[str]]) -> str:
    return ";".join(":".join(_escape(part) for part in item) for item in items)


def _split(cell: str) -> list[list[str]]:
    """`a:1;b:2` → [["a", "1"], ["b", "2"]], honouring `\\` escapes; empty items dropped."""
    items: list[list[str]] = []
    parts: list[str] = []
    chars: list[str] = []
    escaped = False
    for char in cell + ";":
        if escaped:
            chars.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ":;":
            parts.append("".join(chars).strip())
            chars = []
            if char == ";":
                if any(parts):
                    items.append(parts)
                parts = []
        else:
            chars.append(char)
    return items


def read_csv(data: str, *, progress: Callable[[int], None] | None = None) -> list[EpisodeIn]:
    """Parse and validate every row; raise InputError naming line and field. Writes nothing.

    Each episode is an `ImportedEpisode`, with its id when the file has one.
    `progress` is called with the rows read so far, every thousand rows.
    """
    reader = csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline=""), strict=True)
    records = _records(reader)
    try:
        _, header = next(records)
    except StopIteration:
        raise InputError(
            f"the CSV file is empty; its first line should be the header: {','.join(COLUMNS)}"
        ) from None
    columns = _columns(header)
    entries: list[EpisodeIn] = []
    problems: list[str] = []
    for line, record in records:
        if not record:  # a blank line
            continue
        if len(record) != len(columns):
            problems.append(f"line {line}: expected {len(columns)} fields, found {len(record)}")
            continue
        try:
            cells = dict(zip(columns, (restore(cell) for cell in record), strict=True))
            entries.append(episode_in(_mapping(cells), model=ImportedEpisode))
        except InputError as exc:
            problems.append(f"line {line}: {exc}")
        if progress is not None and (len(entries) + len(problems)) % PROGRESS_EVERY == 0:
            progress(len(entries) + len(problems))
    if problems:
        raise InputError(listing(problems, what="problem(s)"))
    return entries


def _records(reader: Reader) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (notes may span several lines)."""
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"line {line}: the CSV cannot be read: {exc}") from None
        yield line, record
        line = reader.line_num + 1


def _columns(header: list[str]) -> list[str]:
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise InputError(
            f"line 1: unknown column(s) {', '.join(repr(n) for n in unknown)}; "
            f"the header should be: {','.join(COLUMNS)}"
        )
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InputError(f"line 1: column(s) given twice: {', '.join(twice)}")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise InputError(
            f"line 1: missing column(s) {', '.join(missing)}; "
            f"the header should be: {','.join(COLUMNS)}"
        )
    return names


def _mapping(cells: dict[str, str]) -> dict[str, Any]:
    """Cells to the mapping `episode_in` checks; empty cells are left out (not recorded)."""
    data: dict[str, Any] = {}
    for name, value in cells.items():
        cell = value.strip() if name in TRIMMED else value
        if cell != "" and name not in IGNORED:
            data[name] = cell
    data["sites"] = [_site(item) for item in _split(cells.get("sites", ""))]
    if "remedies" in data:
        data["remedies"] = [_remedy(item) for item in _split(data["remedies"])]
    return data


def _site(item: list[str]) -> dict[str, str]:
    if len(item) == 1:
        return {"site": item[0]}
    if len(item) == 2:
        return {"site": item[0], "side": item[1]}
    raise InputError(f"sites: {':'.join(item)!r} should be site or site:side")


def _remedy(item: list[str]) -> dict[str, str]:
    if len(item) != 2:
        raise InputError(f"remedies: {':'.join(item)!r} should be remedy:relief (relief 0–4)")
    return {"remedy": item[0], "relief": item[1]}
