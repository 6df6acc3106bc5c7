"""A diary episode from a description: "left calf cramp at 3am, 5 minutes, stretching helped a lot".

The description is read by the same parser as `charley assess`; this module
only maps its findings onto the diary's fields. How much a remedy helped is
recorded only when the words say so.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from charley.diary.when import when_from_text
from charley.findings import Findings

if TYPE_CHECKING:
    from charley.diary.entries import EpisodeIn

# How much something helped, 0 (not at all) to 4 (completely), by finding.
RELIEF_WORDS = {
    "relief.helped_fully": 4,
    "relief.helped_lot": 3,
    "relief.eased": 3,
    "relief.helped_some": 2,
    "relief.not_eased": 0,
}
REMEDIES = {
    "relief.stretching": "stretching",
    "relief.massage": "massage",
    "relief.heat_or_ice": "heat or ice",
    "relief.fluids": "fluids",
    "relief.rest": "rest",
}
FEELS = {
    "symptom.twitch": "twitch",
    "feel.knot": "knot",
    "feel.hard": "hard",
    "feel.twisting": "twisting",
    "symptom.cramp": "cramp",
    "symptom.stiffness": "stiff",
}


def episode_from_findings(findings: Findings, text: str, now: datetime) -> dict[str, Any]:
    """Fields for `episode_in`, from parsed findings; unknown fields are left out."""
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    present = [f for f in findings.items if f.state == "present" and f.context == "current"]
    ids = {f.id for f in present}
    side = (
        "both"
        if "side.both" in ids
        else "left"
        if "side.left" in ids
        else "right"
        if "side.right" in ids
        else "unknown"
    )
    sites = [f.id.removeprefix("site.") for f in present if f.id.startswith("site.")]
    implied = {i for s in sites for i in kb.implies.get(f"site.{s}", ())}
    sites = [s for s in dict.fromkeys(sites) if f"site.{s}" not in implied]
    entry: dict[str, Any] = {
        "started_at": (when_from_text(text, now) or now).isoformat(),
        "sites": [{"site": s, "side": side} for s in sites],
        "text": text,
    }
    values = {f.id: f.value for f in present if f.value is not None}
    if "episode.minutes" in values:
        entry["duration_seconds"] = round(float(values["episode.minutes"]) * 60, 1)
    if "pain.severity" in values:
        entry["severity"] = int(values["pain.severity"])
    feel = next((name for fid, name in FEELS.items() if fid in ids), None)
    if feel:
        entry["feel"] = feel
    triggers = [kb.findings[i].label for i in sorted(ids) if i.startswith("trigger.")]
    if triggers:
        entry["trigger"] = "; ".join(triggers)[:200]
    amount = next((v for fid, v in RELIEF_WORDS.items() if fid in ids), None)
    if amount is not None:
        entry["remedies"] = [
            {"remedy": name, "relief": amount} for fid, name in REMEDIES.items() if fid in ids
        ]
    entry["after_exercise"] = "trigger.exercise" in ids
    if "timing.night" in ids:
        entry["at_night"] = True
    entry["woke"] = "sleep.disturbed" in ids or "woke" in text.lower()
    return entry


FILLED = (
    "duration_seconds",
    "severity",
    "feel",
    "trigger",
    "remedies",
    "at_night",
    "after_exercise",
    "woke",
)
"""What an episode's words can fill in when a request leaves it out."""


def fill_from_words(entry: EpisodeIn) -> EpisodeIn:
    """`entry` with the fields it leaves out filled from its words, as `charley log`
    and the page fill them: "3 minutes, woke me up" gives a duration and woke.

    Only what the words say is filled (a "no" is not: woke stays False, not said);
    what the request gave always wins. A figure from the words that the diary
    could not take (a cramp of 40 days) is left out rather than refused: the words
    are kept in `text` either way.
    """
    from charley.diary.entries import episode_in
    from charley.errors import InputError
    from charley.parse import parse

    if not entry.text or not entry.text.strip():
        return entry
    said = episode_from_findings(parse(entry.text), entry.text, entry.started_at)
    data = entry.model_dump(exclude_unset=True)
    filled = False
    for name in FILLED:
        value = said.get(name)
        if name in entry.model_fields_set or value in (None, [], False):
            continue
        try:
            episode_in({**data, name: value})
        except InputError:
            continue
        data[name] = value
        filled = True
    return episode_in(data) if filled else entry
