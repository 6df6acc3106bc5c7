"""What it likely is, what is behind it, what to do, whom to see.

Each list is chosen from the knowledge by the same conditions the rules
use, evaluated on this person's facts plus what triage concluded
(`level.<level>` and `kind.<kind>`), and ranked by the weights in the data.
"""

from __future__ import annotations

from charley.assessment import Advice, CauseAnswer, Cited, KindAnswer, See
from charley.knowledge import KnowledgeBase
from charley.knowledge.base import SCOPE_OUT
from charley.knowledge.conditions import Facts, supporting
from charley.knowledge.schema import LEVELS, Citation, Fact
from charley.triage import TriageResult

MAX_KINDS = 5
MAX_CAUSES = 5
MAX_RELIEF = 7
MAX_PREVENTION = 6
MAX_SAFETY_NET = 5
# TRIAGE.md: from "within 24 hours" up, no home relief or prevention for an
# ordinary cramp; at the emergency levels, what to do while waiting instead
HOME_CARE_LEVELS = ("self_care", "consultation")
EMERGENCY_LEVELS = ("emergency", "emergency_ambulance")
RULE_BONUS = 1000


_CITED: dict[int, tuple[tuple[Citation, ...], tuple[Cited, ...]]] = {}


def cite(kb: KnowledgeBase, citations: tuple[Citation, ...]) -> tuple[Cited, ...]:
    """The citations with their sources resolved. Made once per list: the
    knowledge never changes while it is loaded, and a list belongs to one
    loaded knowledge base (the entry keeps the list, so its id stays its own)."""
    hit = _CITED.get(id(citations))
    if hit is not None and hit[0] is citations:
        return hit[1]
    cited = tuple(Cited(c, kb.sources[c.source]) for c in citations)
    _CITED[id(citations)] = (citations, cited)
    return cited


def labels(kb: KnowledgeBase, ids: tuple[str, ...] | list[str]) -> str:
    names = [kb.findings[i].label if i in kb.findings else i for i in dict.fromkeys(ids)]
    return ", ".join(names)


def rank_kinds(kb: KnowledgeBase, facts: Facts, result: TriageResult) -> tuple[KindAnswer, ...]:
    """Kinds named by fired rules first (by level, then specificity), then by findings."""
    scored: dict[str, tuple[int, str, tuple[str, ...]]] = {}
    for fired in result.fired:
        score = (fired.rank + 1) * RULE_BONUS * 1000 + fired.specificity
        for k in fired.rule.kinds:
            if k not in scored or scored[k][0] < score:
                scored[k] = (score, fired.rule.reason, fired.findings)
    for _, kind, cond in kb.screens["kind"].holding(facts):
        if kind.id not in scored:
            found = tuple(dict.fromkeys(supporting(cond, facts)))
            scored[kind.id] = (kind.weight, f"Suggested by: {labels(kb, found)}.", found)
    order = sorted(scored.items(), key=lambda kv: kv[1][0], reverse=True)[:MAX_KINDS]
    return tuple(
        KindAnswer(
            kid,
            kb.kinds[kid].label,
            kb.kinds[kid].icd10,
            why,
            found,
            cite(kb, kb.kinds[kid].citations),
        )
        for kid, (_, why, found) in order
    )


def _matching(
    kb: KnowledgeBase, section: str, facts_list: tuple[Fact, ...], facts: Facts
) -> list[tuple[Fact, tuple[str, ...]]]:
    holding = {fact.id: cond for _, fact, cond in kb.screens[section].holding(facts)}
    out: list[tuple[Fact, tuple[str, ...]]] = []
    for fact in facts_list:
        if fact.when is None:
            out.append((fact, ()))
            continue
        cond = holding.get(fact.id)
        if cond is not None:
            found = supporting(cond, facts)
            out.append((fact, tuple(f for f in dict.fromkeys(found) if f in kb.findings)))
    return out


def rank_causes(
    kb: KnowledgeBase, facts: Facts, level: str = "self_care"
) -> tuple[CauseAnswer, ...]:
    """Causes this person's findings point to, then the most common ones.
    From "within 24 hours" up, only what the findings point to, and never an
    ordinary cramp's cause beside the dangerous possibility."""
    urgent = level not in HOME_CARE_LEVELS
    ordinary = frozenset(kb.profile.ordinary_causes) if urgent else frozenset()
    matched = [
        (fact, found)
        for fact, found in _matching(kb, "causes", kb.profile.causes, facts)
        if found and fact.id not in ordinary
    ]
    matched.sort(key=lambda pair: (len(pair[1]), pair[0].weight), reverse=True)
    chosen = [
        CauseAnswer(
            f.id,
            f.label,
            f"{f.text} In your description: {labels(kb, found)}.",
            found,
            cite(kb, f.citations),
        )
        for f, found in matched
    ]
    if len(chosen) < MAX_CAUSES and not urgent:
        taken = {c.id for c in chosen}
        common = sorted(
            (f for f in kb.profile.causes if f.id not in taken), key=lambda f: -f.weight
        )
        for f in common[: MAX_CAUSES - len(chosen)]:
            chosen.append(CauseAnswer(f.id, f.label, f.text, (), cite(kb, f.citations)))
    return tuple(chosen[:MAX_CAUSES])


def _advice(
    kb: KnowledgeBase, section: str, facts_list: tuple[Fact, ...], facts: Facts, limit: int
) -> tuple[Advice, ...]:
    chosen = _matching(kb, section, facts_list, facts)
    chosen.sort(key=lambda pair: (len(pair[1]) > 0, pair[0].weight), reverse=True)
    return tuple(Advice(f.id, f.text, cite(kb, f.citations)) for f, _ in chosen[:limit])


def relief(kb: KnowledgeBase, facts: Facts, level: str) -> tuple[Advice, ...]:
    """Steps for now: home relief below "within 24 hours", what to do while
    waiting at the emergency levels, nothing in between (see the doctor)."""
    if level in EMERGENCY_LEVELS:
        return _advice(kb, "while_waiting", kb.profile.while_waiting, facts, MAX_RELIEF)
    if level not in HOME_CARE_LEVELS:
        return ()
    return _advice(kb, "relief", kb.profile.relief, facts, MAX_RELIEF)


def safety_net(kb: KnowledgeBase, facts: Facts, level: str) -> tuple[Advice, ...]:
    """The signs that would make it urgent, for the part concerned; none at the
    emergency levels, where the answer already is to get help now."""
    if level in EMERGENCY_LEVELS:
        return ()
    general = SCOPE_OUT in facts.present  # out of scope: only the signs that hold for anyone
    below = LEVELS.index(level)  # an item is shown only where it would raise the level
    chosen = [
        f
        for f, _ in _matching(kb, "safety_net", kb.profile.safety_net, facts)
        if (not general or f.when is None) and f.level is not None and LEVELS.index(f.level) > below
    ]
    chosen.sort(key=lambda f: f.weight, reverse=True)  # the emergency signs first
    return tuple(Advice(f.id, f.text, cite(kb, f.citations)) for f in chosen[:MAX_SAFETY_NET])


def prevention(kb: KnowledgeBase, facts: Facts, level: str) -> tuple[Advice, ...]:
    if level not in HOME_CARE_LEVELS:
        return ()
    return _advice(kb, "prevention", kb.profile.prevention, facts, MAX_PREVENTION)


def see(kb: KnowledgeBase, facts: Facts, result: TriageResult) -> tuple[See, ...]:
    wanted = {s for f in result.fired for s in f.rule.see}
    wanted.update(fact.id for _, fact, _ in kb.screens["specialists"].holding(facts))
    out: list[See] = []
    for fact in kb.profile.specialists:
        if fact.id in wanted:
            out.append(See(fact.id, fact.label, fact.text))
    return tuple(out)
