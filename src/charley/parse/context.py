"""Context: is a finding negated, past history, a relative's, or only a worry?

After medspaCy's ConText: a cue changes findings within `max_scope` words
after it (forward) or before it (backward), unless a terminator ("but",
"except", "apart from"), a comma or the end of a sentence comes between.
History cues reach to the edge of the clause, because "I had a blood clot
in my left leg after an operation in 2015" puts every part of that clause in
the past. A cue may be limited to some groups of findings: "my mum has"
makes a condition a relative's, but "my mum has a stiff neck" is about the
person charley is asked about.

One negation covers a whole coordinated list, commas and all, when the list
is closed by "or" or "nor": "no headache, chest pain, tingling or
swelling". Without that closing word a comma ends the negation ("No chest
pain, left calf cramp"), erring towards keeping a finding present.
"""

from __future__ import annotations

from typing import NamedTuple

from charley.knowledge.lexicon import BOUNDARY, Match

HISTORY_SCOPE = 25
LIST_SCOPE = 24
LIST_CLOSERS = frozenset({"or", "nor"})


class Cue(NamedTuple):
    category: str
    direction: str
    first: int
    last: int
    groups: frozenset[str]


class Read(NamedTuple):
    """A finding phrase, or a word of a class, as read in its context."""

    kind: str  # "finding" or "class"
    finding: str  # the finding id, or the class id
    state: str
    context: str
    first: int
    last: int
    anchors: tuple[int, ...]


def read_context(
    words: list[str],
    commas: list[bool],
    matches: list[Match],
    max_scope: int,
    *,
    groups: dict[str, str] | None = None,
    joiners: frozenset[str] = frozenset(),
    comment: frozenset[str] = frozenset(),
) -> list[Read]:
    """Apply the cues in `matches` to the finding phrases and class words in it.

    `commas[i]` says a comma stood before word i: it ends the reach of a
    negation or a worry, unless the words from there on are a list closed
    by "or"/"nor"; it does not end a history clause. `groups` maps a finding
    id to its group, for cues limited to some groups (their payload reads
    "forward:condition,medicine"); `joiners` are the little words a list may
    hold besides findings ("any", "or", "my").
    """
    groups = groups or {}
    stop_history = [w in BOUNDARY for w in words]
    stop_all = [b or c for b, c in zip(stop_history, commas, strict=True)]
    stop_term = list(stop_history)  # terminators and sentence ends, not commas
    member = [w in joiners for w in words]
    pronoun_stop = [False] * len(words)  # a one-word terminator with no comma before it
    cues: list[Cue] = []
    phrases: list[tuple[Match, tuple[str, str, str]]] = []
    for m in matches:
        found = [p for p in m.payloads if p[0] in ("finding", "class")]
        if found:
            # a phrase can be a word of a class and a cue at once: "arms
            # feel normal" says the arms are fine and sets them apart
            phrases.extend((m, p) for p in found)
            for a in m.anchors:
                member[a] = True
        for kind, category, how in m.payloads:
            if kind == "cue" and category != "pseudo":
                direction, _, only = how.partition(":")
                limit = frozenset(only.split(",")) if only else frozenset()
                cues.append(Cue(category, direction, m.first, m.last, limit))
            elif kind == "term":
                for a in m.anchors:
                    if category == "history":
                        stop_history[a] = True
                    else:
                        stop_all[a] = True
                        stop_term[a] = True
                        pronoun_stop[a] = len(m.anchors) == 1 and not commas[a]
    # "has gone" ends a complaint ("the pain has gone"), but "my foot has gone
    # white" says what it has become: a backward negation followed at once by a
    # finding or class word describes, it does not negate.
    covered = {i for m, _ in phrases for i in range(m.first, m.last + 1)}
    cues = [
        c
        for c in cues
        if not (
            c.category == "negated"
            and c.direction == "backward"
            and not c.groups  # "neck turns fine, wee…" says the part is fine
            and _describes(words, c.last + 1, covered)
        )
    ]
    # Prefix counts make "is anything in between a stop?" a subtraction.
    pre_all = _prefix(stop_all)
    pre_hist = _prefix(stop_history)

    def clear(pre: list[int], lo: int, hi: int) -> bool:
        return lo >= hi or pre[hi] - pre[lo] == 0

    list_end = {
        cue.last: _list_end(words, commas, stop_term, member, cue.last + 1)
        for cue in cues
        if cue.category == "negated" and cue.direction == "forward"
    }

    out: list[Read] = []
    for m, (kind, finding, state) in phrases:
        context = "current"
        negated = False
        group = groups.get(finding, "") if kind == "finding" else ""
        for cue in cues:
            if cue.groups and group not in cue.groups:
                continue
            history = cue.category == "history"
            scope = HISTORY_SCOPE if history else max_scope
            pre = pre_hist if history else pre_all
            if cue.direction == "forward":
                # a comma right before the finding also ends the scope; a
                # pronoun right after a worry or history cue does not ("what
                # if I get", "years ago I had"), after a negation it does
                start = cue.last + 1
                if cue.category != "negated" and start < len(words) and pronoun_stop[start]:
                    start += 1
                hit = cue.last < m.first <= cue.last + scope and clear(pre, start, m.first + 1)
                if not hit and cue.category == "negated":
                    hit = cue.last < m.first and m.last < list_end.get(cue.last, -1)
            else:
                # looking back, a comma ends a history cue's reach unless the
                # cue is a clause of its own that comments on the one before
                # ("a clot, but that was years ago", "a bug, all better now"):
                # in "back spasms for years, had physio in 2019" the year is
                # the physio's, not the spasms'
                # …unless what stands between is a list of findings ("cold,
                # white and numb, years ago")
                own = _comments_on_before(words, commas, cue.first, comment) or all(
                    member[k] for k in range(m.last + 1, cue.first)
                )
                back = pre if own else pre_all
                hit = cue.first > m.last >= cue.first - scope and clear(
                    back, m.last + 1, cue.first + 1
                )
            if not hit:
                continue
            if cue.category == "negated":
                negated = True
            elif history:
                context = "history"
            elif cue.category == "family":
                context = "family"
            elif cue.category == "hypothetical" and context == "current":
                context = "hypothetical"
        if negated:
            state = "absent"
        out.append(Read(kind, finding, state, context, m.first, m.last, m.anchors))
    return out


DEGREE = frozenset(
    {
        "all",
        "really",
        "very",
        "quite",
        "so",
        "a",
        "bit",
        "little",
        "totally",
        "completely",
        "pretty",
        "rather",
        "kind",
        "sort",
        "of",
        "more",
        "even",
        "the",
    }
)


def _comments_on_before(
    words: list[str], commas: list[bool], first: int, comment: frozenset[str]
) -> bool:
    """Is the cue at `first` a clause of its own about what came before ("a
    clot, but that was years ago", "went red, that was in 2019"): only little
    words stand between it and the comma or "but" that opens its clause?"""
    i = first
    while i > 0 and not commas[i] and words[i] not in ("but", "and"):
        if words[i - 1] not in comment and words[i - 1] not in ("but", "and"):
            return False
        i -= 1
    return i > 0 or commas[i]


def _describes(words: list[str], start: int, covered: set[int]) -> bool:
    """Does a finding or class word follow at `start`, past words of degree
    ("has gone all blue")?"""
    j = start
    while j < len(words) and words[j] in DEGREE:
        j += 1
    return j in covered


def _list_end(
    words: list[str], commas: list[bool], stop: list[bool], member: list[bool], start: int
) -> int:
    """Where a negated list that starts at `start` ends (exclusive), or -1
    when the words there are not a list closed by "or"/"nor"."""
    crossed = closed = False
    j = start
    limit = min(len(words), start + LIST_SCOPE)
    while j < limit and not stop[j] and member[j]:
        if commas[j] and j > start:
            if closed:
                break
            crossed = True
        if words[j] in LIST_CLOSERS and crossed:
            closed = True
        j += 1
    return j if closed else -1


def _prefix(flags: list[bool]) -> list[int]:
    pre = [0]
    for f in flags:
        pre.append(pre[-1] + (1 if f else 0))
    return pre
