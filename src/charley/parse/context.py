"""Context: is a finding negated, past history, or only a worry?

After medspaCy's ConText: a cue changes findings within `max_scope` words
after it (forward) or before it (backward), unless a terminator or the end
of a sentence comes between. History cues reach to the edge of the clause,
because "I had a blood clot in my left leg after an operation in 2015"
puts every part of that clause in the past.
"""

from __future__ import annotations

from typing import NamedTuple

from charley.knowledge.lexicon import BOUNDARY, Match

HISTORY_SCOPE = 25


class Cue(NamedTuple):
    category: str
    direction: str
    first: int
    last: int


class Read(NamedTuple):
    """A finding phrase as read in its context."""

    finding: str
    state: str
    context: str
    first: int
    last: int
    anchors: tuple[int, ...]


def read_context(
    words: list[str], commas: list[bool], matches: list[Match], max_scope: int
) -> list[Read]:
    """Apply the cues in `matches` to the finding phrases in `matches`.

    `commas[i]` says a comma stood before word i: it ends the reach of a
    negation or a worry ("No chest pain, left calf cramp"), erring towards
    keeping a finding present; it does not end a history clause.
    """
    stop_history = [w in BOUNDARY for w in words]
    stop_all = [b or c for b, c in zip(stop_history, commas, strict=True)]
    cues: list[Cue] = []
    phrases: list[tuple[Match, tuple[str, str]]] = []
    for m in matches:
        found = [(p[1], p[2]) for p in m.payloads if p[0] == "finding"]
        if found:
            phrases.extend((m, f) for f in found)
            continue
        for kind, category, direction in m.payloads:
            if kind == "cue" and category != "pseudo":
                cues.append(Cue(category, direction, m.first, m.last))
            elif kind == "term":
                for a in m.anchors:
                    if category == "history":
                        stop_history[a] = True
                    else:
                        stop_all[a] = True
    # Prefix counts make "is anything in between a stop?" a subtraction.
    pre_all = _prefix(stop_all)
    pre_hist = _prefix(stop_history)

    def clear(pre: list[int], lo: int, hi: int) -> bool:
        return lo >= hi or pre[hi] - pre[lo] == 0

    out: list[Read] = []
    for m, (finding, state) in phrases:
        context = "current"
        negated = False
        for cue in cues:
            history = cue.category == "history"
            scope = HISTORY_SCOPE if history else max_scope
            pre = pre_hist if history else pre_all
            if cue.direction == "forward":
                # a comma right before the finding also ends the scope
                hit = cue.last < m.first <= cue.last + scope and clear(
                    pre, cue.last + 1, m.first + 1
                )
            else:
                hit = cue.first > m.last >= cue.first - scope and clear(
                    pre, m.last + 1, cue.first + 1
                )
            if not hit:
                continue
            if cue.category == "negated":
                negated = True
            elif history:
                context = "history"
            elif cue.category == "hypothetical" and context == "current":
                context = "hypothetical"
        if negated:
            state = "absent"
        out.append(Read(finding, state, context, m.first, m.last, m.anchors))
    return out


def _prefix(flags: list[bool]) -> list[int]:
    pre = [0]
    for f in flags:
        pre.append(pre[-1] + (1 if f else 0))
    return pre
