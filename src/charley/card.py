"""The care card: an answer laid out for a person in a hurry.

The heading is the instruction ("Call 999 now"), then one action, then what
to do now (or while waiting), whom to see, when to get help, and what it
could be. Why charley says so, with every source, comes last and folded. The
page and the terminal both show this card, so they say the same things in
the same order.

It is built from the answer's JSON (the contract of PRODUCT.md), so a
fresh answer and one saved in the diary look alike.

>>> from charley import assess
>>> card = care_card(assess("my calf cramped for a minute and eased").to_dict())
>>> card.heading
'You can look after this at home'
>>> [link.label for link in card.guide]
['Read more about ordinary muscle cramp', 'Read more about easing a cramp in the calf']
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from charley.guide_links import GuideLink, links_for

DEFAULT_EMERGENCY_NUMBER = "999"
EMERGENCY_NUMBER_ENV = "CHARLEY_EMERGENCY_NUMBER"
_NUMBER = re.compile(r"\d{2,6}")
URGENT = ("emergency", "emergency_ambulance")

# Only a few steps are shown first: a frightened person needs one thing to do,
# not seven. The rest stay one click away.
FIRST_STEPS = 3
HEADINGS = {
    "emergency_ambulance": "Call {number} now",
    "emergency": "Go to A&E now",
    "consultation_24": "Get an appointment today",
    "consultation": "Book an appointment",
    "self_care": "You can look after this at home",
}
# What the heading means, in a sentence that does not repeat it.
MEANINGS = {
    "emergency_ambulance": "Ask for an ambulance. Do this first; the rest can wait.",
    "emergency": "Go to the nearest A&E (emergency department). "
    "If you cannot get there safely, call {number}.",
    "consultation_24": "See a doctor within 24 hours.",
    "consultation": "See a doctor in the coming days. It is not urgent.",
    "self_care": "You can manage this yourself. Here is how.",
}
RANKS = {
    "emergency_ambulance": (5, "most urgent"),
    "emergency": (4, "very urgent"),
    "consultation_24": (3, "urgent"),
    "consultation": (2, "not urgent"),
    "self_care": (1, "least urgent"),
}


def emergency_number(value: str | None = None) -> str:
    """The number to call: `value`, else $CHARLEY_EMERGENCY_NUMBER, else 999.

    Only 2 to 6 digits are taken, so a typo cannot put a wrong link on the
    card; anything else falls back to the default."""
    raw = (value if value is not None else os.environ.get(EMERGENCY_NUMBER_ENV, "")).strip()
    return raw if _NUMBER.fullmatch(raw) else DEFAULT_EMERGENCY_NUMBER


@dataclass(frozen=True, slots=True)
class Action:
    """The one thing to do first: a link (tel: for the ambulance) with its words."""

    label: str
    href: str


@dataclass(frozen=True, slots=True)
class CareCard:
    level: str
    heading: str
    meaning: str
    rank: int
    urgency: str
    urgent: bool
    in_scope: bool
    action: Action | None
    do_now_title: str
    do_now: tuple[Mapping[str, Any], ...]
    more_to_do: tuple[Mapping[str, Any], ...]
    see: tuple[Mapping[str, Any], ...]
    safety_net: tuple[Mapping[str, Any], ...]
    could_be: tuple[Mapping[str, Any], ...]
    causes: tuple[Mapping[str, Any], ...]
    prevention: tuple[Mapping[str, Any], ...]
    questions: tuple[Mapping[str, Any], ...]
    reasons: tuple[Mapping[str, Any], ...]
    findings: tuple[Mapping[str, Any], ...]
    disclaimer: str
    # "Read more in the care guide": the topics that fit this answer
    guide: tuple[GuideLink, ...] = ()

    @property
    def shown_kinds(self) -> tuple[Mapping[str, Any], ...]:
        """At the emergency levels only the possibility the level is about;
        the rest stay in the JSON and in "Why"."""
        return self.could_be[:1] if self.urgent else self.could_be[:3]

    @property
    def shown_questions(self) -> tuple[Mapping[str, Any], ...]:
        """No answer can lower an emergency, so its card asks nothing."""
        return () if self.urgent else self.questions

    @property
    def sourced(self) -> tuple[tuple[str, tuple[Mapping[str, Any], ...]], ...]:
        """Each part of the card by its title, with its details and sources, for "Why"."""
        parts = (
            (self.do_now_title, self.do_now + self.more_to_do),
            ("Whom to see", self.see),
            ("Get help if", self.safety_net),
            ("What it could be", self.could_be),
            ("What may be behind it", self.causes),
            ("How to prevent it", self.prevention),
        )
        return tuple((title, items) for title, items in parts if items)


def care_card(answer: Mapping[str, Any], number: str | None = None) -> CareCard:
    """The care card for one answer (the JSON of `Assessment.to_dict()`)."""
    triage = answer["triage"]
    level = triage["level"]
    number = emergency_number(number)
    urgent = level in URGENT
    relief = tuple(answer.get("relief") or ())
    action = Action(f"Call {number}", f"tel:{number}") if level == "emergency_ambulance" else None
    rank, urgency = RANKS[level]
    return CareCard(
        level=level,
        heading=HEADINGS[level].format(number=number),
        meaning=MEANINGS[level].format(number=number),
        rank=rank,
        urgency=urgency,
        urgent=urgent,
        in_scope=bool(answer.get("in_scope", True)),
        action=action,
        do_now_title="While you wait" if urgent else "What to do now",
        do_now=relief[:FIRST_STEPS],
        more_to_do=relief[FIRST_STEPS:],
        see=tuple(answer.get("see") or ()),
        safety_net=tuple(answer.get("safety_net") or ()),
        could_be=tuple(answer.get("kinds") or ()),
        causes=tuple(answer.get("causes") or ()),
        prevention=tuple(answer.get("prevention") or ()),
        questions=tuple(answer.get("questions") or ()),
        reasons=tuple(triage.get("reasons") or ()),
        findings=tuple(answer.get("findings") or ()),
        disclaimer=str(answer.get("disclaimer", "")),
        guide=_guide_links(answer),
    )


def _guide_links(answer: Mapping[str, Any]) -> tuple[GuideLink, ...]:
    from charley.knowledge import load_knowledge

    return links_for(answer, load_knowledge())
