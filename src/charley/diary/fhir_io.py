"""The diary as FHIR R4: a Bundle (type "collection") of Observations, one per episode.

So that a clinic's system can read the diary, and a diary can come back from one.
fhir.resources 8 has R5 at its top level and R4B (4.3.0) under
`fhir.resources.R4B`, but no plain R4. Bundle and Observation did not change
between R4 and R4B for the elements used here, so the R4B models check what is
written and read, and the JSON is valid R4.

One Observation per episode:

- code: ICD-10-CM R25.2 "Cramp and spasm"; effectiveDateTime: when it started;
- bodySite: text naming every site and side (FHIR allows one bodySite, so each
  site is also a component, `site:side`, the form the CSV uses);
- components: duration (seconds, UCUM "s"), severity (LOINC 72514-3, 0–10),
  feel, trigger, each remedy (its name as the code's text, relief 0–4 as the
  value), at night, after exercise, woke, and the person's own words;
  charley's own codes are in the `urn:charley:episode` system;
- note: the free notes;
- identifier: the episode's public id, in the `urn:charley:episode-id` system
  (the entry's fullUrl is `urn:uuid:` and the same id). An import skips an
  Observation whose id the diary already holds; one without it is new.

Import checks the whole Bundle and every Observation before returning anything.
Empty feel, trigger and text are left out (FHIR strings cannot be empty) and
read back as None.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.quantity import Quantity
from pydantic import ValidationError

from charley.diary.csv_io import PROGRESS_EVERY
from charley.diary.entries import EpisodeIn, ImportedEpisode, episode_in, listing
from charley.diary.store import Diary, SavedEpisode
from charley.errors import DiaryError, InputError

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
EPISODE = "urn:charley:episode"
EPISODE_ID = "urn:charley:episode-id"
CRAMP = "R25.2"
SEVERITY = "72514-3"
BUNDLE_TYPES = (
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
)
VOID = ("entered-in-error", "cancelled")
SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400}

# charley's component codes: (code, display)
SITE = ("site", "Body site and side")
DURATION = ("duration", "Duration of the cramp")
FEEL = ("feel", "What it felt like")
TRIGGER = ("trigger", "What set it off")
REMEDY = ("remedy-relief", "Relief from a remedy, 0 (none) to 4 (complete)")
AT_NIGHT = ("at-night", "At night")
AFTER_EXERCISE = ("after-exercise", "After exercise")
WOKE = ("woke", "Woke the person")
TEXT = ("text", "The person's own words")
FLAGS = {AT_NIGHT[0]: "at_night", AFTER_EXERCISE[0]: "after_exercise", WOKE[0]: "woke"}
STRINGS = {FEEL[0]: "feel", TRIGGER[0]: "trigger", TEXT[0]: "text"}


# -- export -------------------------------------------------------------------


def export_fhir(
    diary: Diary,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The episodes in [start, end) as a Bundle, checked by the fhir.resources models.

    `progress` is called with the episodes written so far, every thousand and at the end.
    """
    entries = []
    for episode in diary.iter(start=start, end=end):
        entries.append({"fullUrl": f"urn:uuid:{episode.id}", "resource": _observation(episode)})
        if progress is not None and len(entries) % PROGRESS_EVERY == 0:
            progress(len(entries))
    raw: dict[str, Any] = {"resourceType": "Bundle", "type": "collection"}
    if entries:  # FHIR JSON has no empty arrays
        raw["entry"] = entries
    try:
        bundle = Bundle.model_validate(raw)
    except (ValueError, TypeError, LookupError) as exc:
        raise DiaryError(f"the diary could not be written as FHIR: {_problem(exc)}") from None
    result: dict[str, Any] = bundle.model_dump(mode="json", exclude_none=True)
    if progress is not None:
        progress(len(entries))
    return result


ENTRIES_PER_PIECE = 200


def iter_fhir(
    diary: Diary, *, start: datetime | None = None, end: datetime | None = None
) -> Iterator[str]:
    """The same Bundle as `export_fhir`, as JSON text in pieces of ENTRIES_PER_PIECE
    entries, read from the diary as they are sent: a large diary is never held whole
    in memory. Each Observation is checked by the fhir.resources model on its own
    (the Bundle around them is fixed text)."""
    head = '{"resourceType":"Bundle","type":"collection"'
    pieces: list[str] = []
    for count, episode in enumerate(diary.iter(start=start, end=end)):
        try:
            observation = Observation.model_validate(_observation(episode))
        except (ValueError, TypeError, LookupError) as exc:
            raise DiaryError(f"the diary could not be written as FHIR: {_problem(exc)}") from None
        resource = observation.model_dump(mode="json", exclude_none=True)
        entry = {"fullUrl": f"urn:uuid:{episode.id}", "resource": resource}
        pieces.append(("," if count else ',"entry":[') + json.dumps(entry, ensure_ascii=False))
        if len(pieces) == ENTRIES_PER_PIECE:
            yield head + "".join(pieces)
            head, pieces = "", []
    yield head + "".join(pieces) + ("]}" if pieces or not head else "}")


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _component(code: tuple[str, str], **value: Any) -> dict[str, Any]:
    return {"code": _coding(EPISODE, *code), **value}


def _observation(episode: SavedEpisode) -> dict[str, Any]:
    components = [_component(SITE, valueString=f"{site}:{side}") for site, side in episode.sites]
    if episode.duration_seconds is not None:
        quantity = {"value": episode.duration_seconds, "unit": "s", "system": UCUM, "code": "s"}
        components.append(_component(DURATION, valueQuantity=quantity))
    if episode.severity is not None:
        severity = _coding(LOINC, SEVERITY, "Pain severity - 0-10 verbal numeric rating [Score]")
        components.append({"code": severity, "valueInteger": episode.severity})
    if episode.feel:
        components.append(_component(FEEL, valueString=episode.feel))
    if episode.trigger:
        components.append(_component(TRIGGER, valueString=episode.trigger))
    for remedy, relief in episode.remedies:
        # The remedy's name is the code's text: "relief from stretching".
        code = _coding(EPISODE, *REMEDY)
        del code["text"]
        if remedy:
            code["text"] = remedy
        components.append({"code": code, "valueInteger": relief})
    components.append(_component(AT_NIGHT, valueBoolean=episode.at_night))
    components.append(_component(AFTER_EXERCISE, valueBoolean=episode.after_exercise))
    components.append(_component(WOKE, valueBoolean=episode.woke))
    if episode.text:
        components.append(_component(TEXT, valueString=episode.text))
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [{"system": EPISODE_ID, "value": episode.id}],
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": _coding(ICD10, CRAMP, "Cramp and spasm") | {"text": "Muscle cramp"},
        "effectiveDateTime": episode.started_at.astimezone().isoformat(),
        "bodySite": {"text": "; ".join(_site_text(site, side) for site, side in episode.sites)},
        "component": components,
    }
    if episode.notes:
        observation["note"] = [{"text": episode.notes}]
    return observation


def _site_text(site: str, side: str) -> str:
    name = site.replace("_", " ")
    return f"{name} (side unknown)" if side == "unknown" else f"{name}, {side}"


# -- import -------------------------------------------------------------------


def read_fhir(data: str, *, progress: Callable[[int], None] | None = None) -> list[EpisodeIn]:
    """Check the Bundle and every Observation; raise InputError if any is wrong. Writes nothing.

    Each episode is an `ImportedEpisode`, with its id when the Observation has
    charley's identifier. `progress` is called with the entries read so far,
    every thousand entries.
    """
    try:
        raw = json.loads(data)
        too_deep = _too_deep(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"the FHIR file is not JSON: {exc}") from None
    except RecursionError:  # the parser's own limit, far deeper than MAX_DEPTH
        too_deep = True
    if too_deep:
        raise InputError(f"the FHIR file is nested more than {MAX_DEPTH} levels deep")
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        raise InputError('not a FHIR Bundle: expected a JSON object with "resourceType": "Bundle"')
    try:
        bundle = Bundle.model_validate(raw)
    except (ValueError, TypeError, LookupError) as exc:
        raise InputError(f"not a valid FHIR R4 Bundle: {_problem(exc)}") from None
    if bundle.type not in BUNDLE_TYPES:
        raise InputError(
            f"not a valid FHIR R4 Bundle: type {bundle.type!r} is not one of "
            f"{', '.join(BUNDLE_TYPES)}"
        )
    entries: list[EpisodeIn] = []
    problems: list[str] = []
    for index, entry in enumerate(bundle.entry or []):
        if not isinstance(entry.resource, Observation) or entry.resource.status in VOID:
            continue  # a Patient or the like, or an Observation withdrawn: not an episode
        try:
            entries.append(episode_in(_mapping(entry.resource), model=ImportedEpisode))
        except InputError as exc:
            problems.append(f"entry {index}: {exc}")
        if progress is not None and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1)
    if problems:
        raise InputError(listing(problems, what="problem(s)"))
    return entries


MAX_DEPTH = 64
"""Objects and arrays within each other. A Bundle of Observations is about 8 deep;
the models check nested data recursively, and too deep ends in RecursionError."""


def _too_deep(value: object) -> bool:
    """Whether JSON data nests more than MAX_DEPTH levels (walked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _problem(exc: Exception) -> str:
    """One line out of the validators' multi-line messages."""
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or 'Bundle'}: "
            + " ".join(str(err["msg"]).removeprefix("Value error, ").split())
            for err in errors
        ]
        return listing(parts)
    if isinstance(exc, KeyError):
        return f"unknown resource type ({exc.args[0]})"
    return " ".join(str(exc).split())


def _codes(concept: CodeableConcept | None) -> set[tuple[str | None, str | None]]:
    return {(c.system, c.code) for c in (concept.coding or [])} if concept else set()


def _mapping(obs: Observation) -> dict[str, Any]:
    """An Observation to the mapping `episode_in` checks; InputError names what is wrong."""
    if (ICD10, CRAMP) not in _codes(obs.code):
        raise InputError(f"code: not a muscle cramp (needs ICD-10-CM {CRAMP} in {ICD10})")
    started = obs.effectiveDateTime
    if started is None:
        raise InputError("effectiveDateTime: missing; every episode needs its start")
    if not isinstance(started, datetime):
        raise InputError(f"effectiveDateTime: {started} needs a time of day, not only a date")
    data: dict[str, Any] = {"started_at": started, "sites": [], "remedies": []}
    ids = [i.value for i in (obs.identifier or []) if i.system == EPISODE_ID]
    if len(ids) > 1:
        raise InputError(f"identifier: more than one in {EPISODE_ID}")
    if ids:
        data["id"] = ids[0]
    for number, component in enumerate(obs.component or []):
        try:
            _read_component(component, data)
        except InputError as exc:
            raise InputError(f"component {number}: {exc}") from None
    notes = [note.text for note in (obs.note or []) if note.text]
    if notes:
        data["notes"] = "\n\n".join(notes)
    return data


def _read_component(component: ObservationComponent, data: dict[str, Any]) -> None:
    codes = _codes(component.code)
    if (LOINC, SEVERITY) in codes:
        _once(data, "severity", _integer(component, "severity"))
        return
    code = next((c for system, c in codes if system == EPISODE), None)
    if code == SITE[0]:
        site, _, side = _string(component, "site").partition(":")
        data["sites"].append({"site": site, "side": side} if side else {"site": site})
    elif code == DURATION[0]:
        _once(data, "duration_seconds", _seconds(component.valueQuantity))
    elif code in STRINGS:
        _once(data, STRINGS[code], _string(component, STRINGS[code]))
    elif code == REMEDY[0]:
        relief = _integer(component, "relief")
        data["remedies"].append({"remedy": component.code.text or "", "relief": relief})
    elif code in FLAGS:
        if component.valueBoolean is None:
            raise InputError(f"{FLAGS[code]}: needs valueBoolean")
        _once(data, FLAGS[code], bool(component.valueBoolean))
    # Components charley does not know are left alone: they are someone else's data.


def _once(data: dict[str, Any], key: str, value: object) -> None:
    if key in data:
        raise InputError(f"{key}: given twice")
    data[key] = value


def _string(component: ObservationComponent, name: str) -> str:
    if component.valueString is None:
        raise InputError(f"{name}: needs valueString")
    return str(component.valueString)


def _integer(component: ObservationComponent, name: str) -> int:
    if component.valueInteger is None:
        raise InputError(f"{name}: needs valueInteger")
    return int(component.valueInteger)


def _seconds(quantity: Quantity | None) -> float:
    if quantity is None or quantity.value is None:
        raise InputError("duration_seconds: needs valueQuantity with a value")
    unit = quantity.code or quantity.unit or "s"
    if unit not in SECONDS:
        raise InputError(f"duration_seconds: unit {unit!r} is not one of {', '.join(SECONDS)}")
    value = Decimal(quantity.value)
    return float(value) if unit == "s" else float(value * SECONDS[unit])
