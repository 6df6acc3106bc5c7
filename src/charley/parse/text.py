"""parse(): turn what a person wrote into Findings.

The steps, in order: numbers are read and blanked out; words are split and
brought to the words charley knows (spelling, text-speak, word forms); the
lexicon finds phrases, class words and cues; context marks what is negated,
past, a relative's or a worry; compositions read findings told by their
effect ("pee like cola").
"""

from __future__ import annotations

from charley.errors import InputError
from charley.findings import Finding, Findings
from charley.inputs import MAX_CHARS
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.knowledge.lexicon import Match, normalise, tokenize
from charley.parse.compose import compose
from charley.parse.context import read_context
from charley.parse.quantities import extract


def parse(text: str, *, kb: KnowledgeBase | None = None) -> Findings:
    """Read free text into findings, each with the words that showed it.

    Raises InputError for text that is not a string or is over 5,000 characters.
    """
    if not isinstance(text, str):
        raise InputError("the description must be text")
    if len(text) > MAX_CHARS:
        raise InputError(f"the description is {len(text)} characters; the limit is {MAX_CHARS}")
    kb = kb or load_knowledge()
    lang = kb.language
    norm = normalise(text)
    quantities, rest = extract(norm, lang)
    tokens = tokenize(rest, kb.tolerance.known)
    words = tokens.words
    matches = kb.lexicon.scan(words)
    if not _about_the_writer(words, lang.first_person, lang.third_person):
        matches = [_without_family_cues(m) for m in matches]
    reads = read_context(
        words,
        tokens.commas,
        matches,
        lang.max_scope,
        groups=kb.groups,
        joiners=frozenset(lang.list_joiners),
    )
    breaks = frozenset(lang.clause_breaks)
    clause_breaks = frozenset(
        i for i, w in enumerate(words) if tokens.commas[i] or w in breaks
    )
    reads = compose(words, reads, kb.compositions, kb.groups, kb.class_of, clause_breaks)

    located: list[tuple[int, Finding]] = []
    for q in quantities:
        located.append(
            (
                q.start,
                Finding(q.finding, "present", text[q.start : q.end].strip(), "current", q.value),
            )
        )
    seen: set[tuple[str, str, str]] = set()
    for r in reads:
        key = (r.finding, r.state, r.context)
        if key in seen:
            continue
        seen.add(key)
        start, end = tokens.spans[r.first][0], tokens.spans[r.last][1]
        located.append((start, Finding(r.finding, r.state, text[start:end], r.context)))  # type: ignore[arg-type]
    located.sort(key=lambda pair: pair[0])
    return Findings(tuple(f for _, f in located))


def _about_the_writer(words: list[str], first: tuple[str, ...], third: tuple[str, ...]) -> bool:
    """Does the writer describe their own symptoms? Only then is "my mum has
    MS" a relative's condition; in "my dad has diabetes and his legs cramp"
    the father is the person charley is asked about."""
    said = set(words)
    return not said.isdisjoint(first) and said.isdisjoint(third)


def _without_family_cues(m: Match) -> Match:
    payloads = tuple(p for p in m.payloads if not (p[0] == "cue" and p[1] == "family"))
    return m._replace(payloads=payloads) if payloads != m.payloads else m
