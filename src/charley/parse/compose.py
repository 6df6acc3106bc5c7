"""Compose findings from words of several classes near each other.

A red flag is often told by its effect, not named: "my pee came out the
colour of cola", "the wee is dark brown", "only passed a tiny bit of urine".
Listing every such sentence as a phrase fails on the next one. Instead the
knowledge (`concepts.yaml`) names classes of words (a body fluid, a dark
colour, a little amount) and compositions: dark urine is a word of the
fluid class and a word of the colour class within a few words of each other
in one sentence, in any order.

A composed finding takes its context from its words: if a plain part is
negated ("my wee isn't dark") the finding is absent; if a part is past
history or a worry, so is the finding. A composition of two or more parts
takes the place of the single-word findings it is built from, as a longer
phrase does: "my chest feels tight" is chest pain, not muscle stiffness.
"""

from __future__ import annotations

from charley.knowledge.lexicon import BOUNDARY
from charley.knowledge.schema import Composition
from charley.parse.context import Read

# never replaced by a composition: where, which side, numbers, and what a
# person takes or has ("gave me Reglan" is a new medicine and still Reglan)
KEPT_GROUPS = frozenset({"site", "side", "quantity", "medicine", "condition", "person"})
Part = tuple[str, str]  # class id, and how its word must read: "plain", "not" or "any"


def compose(
    words: list[str],
    reads: list[Read],
    compositions: tuple[tuple[Composition, tuple[Part, ...], frozenset[str]], ...],
    groups: dict[str, str],
    class_of: dict[str, tuple[str, ...]],
    clause_breaks: frozenset[int] = frozenset(),
) -> list[Read]:
    """The finding reads, with composed findings added and the findings they
    replace taken out; class words are dropped. A composition's words stand
    in one clause: sentence ends and `clause_breaks` (commas, "but") part them.
    """
    by_class: dict[str, list[Read]] = {}
    for r in reads:
        if r.kind == "class":
            by_class.setdefault(r.finding, []).append(r)
        else:
            for cls in class_of.get(r.finding, ()):
                by_class.setdefault(cls, []).append(r._replace(kind="class", finding=cls))
    findings = [r for r in reads if r.kind == "finding"]
    if not by_class:
        return findings
    clause = _clauses(words, clause_breaks)
    sentence = _clauses(words, frozenset())
    composed: list[Read] = []
    replaced: set[int] = set()
    replaced_all: set[int] = set()
    present = by_class.keys()
    for comp, parts, needed in compositions:
        if not needed <= present:
            continue
        where = sentence if comp.within == "sentence" else clause
        for chosen in _matches(parts, by_class, where, comp.window):
            state = comp.state
            plain = [r for r, (_, mode) in zip(chosen, parts, strict=True) if mode == "plain"]
            if any(r.state == "absent" for r in plain):
                if state == "absent":
                    continue  # "breathing is not fine" says nothing either way
                state = "absent"
            context = next((r.context for r in chosen if r.context != "current"), "current")
            anchors = tuple(sorted({a for r in chosen for a in r.anchors}))
            first, last = anchors[0], anchors[-1]
            composed.extend(
                Read("finding", fid, state, context, first, last, anchors) for fid in comp.sets
            )
            if comp.state == "absent":
                replaced_all.update(anchors)  # "my neck is fine": not a neck complaint
            elif len(parts) > 1 and state == "present" and comp.replaces:
                replaced.update(anchors)
            break  # one reading of each composition is enough
    kept = [
        r
        for r in findings
        if not set(r.anchors) <= replaced_all
        and (groups.get(r.finding, "") in KEPT_GROUPS or not set(r.anchors) <= replaced)
    ]
    return kept + composed


def _matches(
    parts: tuple[Part, ...],
    by_class: dict[str, list[Read]],
    sentence: list[int],
    window: int,
) -> list[tuple[Read, ...]]:
    """Ways to take one word of each part's class in one clause, each at most
    `window` words from the others, each word used once; leftmost first."""
    out: list[tuple[Read, ...]] = []
    (first_class, first_mode), rest = parts[0], parts[1:]
    for r0 in by_class[first_class]:
        if first_mode == "not" and r0.state != "absent":
            continue
        chosen = [r0]
        lo, hi = r0.first, r0.last
        for cls, mode in rest:
            pick = None
            for r in by_class[cls]:
                if mode == "not" and r.state != "absent":
                    continue
                if sentence[r.first] != sentence[r0.first] or any(r is c for c in chosen):
                    continue
                if max(r.first - hi, lo - r.last) - 1 > window:
                    continue  # more than `window` words between it and the others
                if any(set(r.anchors) & set(c.anchors) for c in chosen):
                    continue
                pick = r
                break
            if pick is None:
                break
            chosen.append(pick)
            lo, hi = min(lo, pick.first), max(hi, pick.last)
        else:
            out.append(tuple(chosen))
    return out


def _clauses(words: list[str], breaks: frozenset[int]) -> list[int]:
    """The clause number of each word."""
    out: list[int] = []
    n = 0
    for i, w in enumerate(words):
        if w in BOUNDARY or i in breaks:
            n += 1
        out.append(n)
    return out
