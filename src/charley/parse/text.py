"""parse(): turn what a person wrote into Findings."""

from __future__ import annotations

from charley.errors import InputError
from charley.findings import Finding, Findings
from charley.inputs import MAX_CHARS
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.knowledge.lexicon import normalise, tokenize
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
    tokens = tokenize(rest, lang.spellings)
    words = tokens.words
    reads = read_context(words, tokens.commas, kb.lexicon.scan(words), lang.max_scope)

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
