"""Where a statement or a group sits in the care guide, and the guide's links
for an answer ("Read more about ordinary muscle cramp").

Kept apart from charley.guide so the answer card can link to the guide from
the knowledge alone (guide.yaml is compiled into it): nothing here loads the
statements or anything the `charley assess` path does not already load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from charley.knowledge.base import KnowledgeBase
from charley.knowledge.schema import GuideTopic

HOME_CARE = ("self_care", "consultation")


@dataclass(frozen=True, slots=True)
class GuideLink:
    """A link into the guide: the topic (for `charley guide TOPIC`), the anchor
    on /guide, and the words of the link."""

    topic: str
    anchor: str
    label: str

    def to_dict(self) -> dict[str, str]:
        return {"topic": self.topic, "anchor": self.anchor, "label": self.label}


def slug(text: str) -> str:
    return text.replace(".", "-").replace("_", "-")


def statement_anchor(statement_id: str) -> str:
    """The anchor of one statement on /guide: "kinds.cramp" -> "s-kinds-cramp"."""
    return f"s-{slug(statement_id)}"


def section_anchor(topic_id: str, section: str) -> str:
    return f"{topic_id}-{slug(section)}"


def site_anchor(topic_id: str, site: str | None) -> str:
    return f"{topic_id}-{slug(site) if site else 'any'}"


def level_anchor(topic_id: str, level: str, *, waiting: bool = False) -> str:
    return f"{topic_id}-{'waiting-' if waiting else ''}{slug(level)}"


def topic_of(kb: KnowledgeBase, section: str) -> GuideTopic | None:
    """The topic that shows a section of the statements ("kinds", "relief"...)."""
    if kb.guide is None:
        return None
    if section == "disagreements":
        return None
    for topic in kb.guide.topics:
        if any(p.section == section for p in topic.parts):
            return topic
    return None


def positive_leaves(when: Any) -> list[str]:
    """The finding ids a condition asks to be present, in written order
    (not those under `not`, `absent`, `unknown` or `history`)."""
    if when is None:
        return []
    if isinstance(when, str):
        return [when]
    if isinstance(when, dict) and len(when) == 1:
        ((key, body),) = when.items()
        if key in ("all", "any") and isinstance(body, list):
            return [leaf for part in body for leaf in positive_leaves(part)]
        if key == "present" and isinstance(body, str):
            return [body]
    return []


def site_of(when: Any) -> str | None:
    """The body part a condition names first ("site.calf"), or None."""
    return next((leaf for leaf in positive_leaves(when) if leaf.startswith("site.")), None)


def _lower_first(label: str) -> str:
    """ "Ordinary muscle cramp" -> "ordinary muscle cramp"; "ALS" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def links_for(answer: Mapping[str, Any], kb: KnowledgeBase) -> tuple[GuideLink, ...]:
    """The guide's topics that fit an answer (the JSON of Assessment.to_dict()):
    what it most likely is, then relief for the body part at the home-care
    levels, or when to get help at the others."""
    out: list[GuideLink] = []
    level = str(answer["triage"]["level"])
    kinds = answer.get("kinds") or ()
    kinds_topic = topic_of(kb, "kinds")
    if kinds and kinds_topic is not None and kinds[0].get("id") in kb.kinds:
        kind = kb.kinds[kinds[0]["id"]]
        out.append(
            GuideLink(
                kinds_topic.id,
                statement_anchor(f"kinds.{kind.id}"),
                f"Read more about {_lower_first(kind.label)}",
            )
        )
    relief_topic = topic_of(kb, "relief")
    help_topic = topic_of(kb, "warning_signs")
    relief_ids = [str(r.get("id")) for r in answer.get("relief") or ()]
    if level in HOME_CARE and relief_ids and relief_topic is not None:
        facts = {f.id: f for f in kb.profile.relief}
        sites = [site_of(facts[i].when) for i in relief_ids if i in facts]
        site = next((s for s in sites if s), None)
        if site and site in kb.findings:
            label = f"Read more about easing a cramp in the {kb.findings[site].label}"
        else:
            label = "Read more about what helps a cramp"
        out.append(GuideLink(relief_topic.id, site_anchor(relief_topic.id, site), label))
    elif level not in HOME_CARE and help_topic is not None:
        out.append(
            GuideLink(
                help_topic.id,
                level_anchor(help_topic.id, level),
                "Read more about when to get help",
            )
        )
    return tuple(out)
