"""parse(): turn what a person wrote into Findings.

The steps, in order: numbers are read and blanked out; words are split and
brought to the words charley knows (spelling, text-speak, word forms); the
lexicon finds phrases, class words and cues; context marks what is negated,
past, a relative's or a worry; compositions read findings told by their
effect ("pee like cola").
"""

from __future__ import annotations

from bisect import bisect_left

from charley.errors import InputError
from charley.findings import Finding, Findings
from charley.inputs import MAX_CHARS
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.knowledge.lexicon import BOUNDARY, Match, normalise, tokenize
from charley.knowledge.schema import Language
from charley.parse.compose import compose
from charley.parse.context import Read, read_context
from charley.parse.quantities import Quantity, extract


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
        comment=frozenset(lang.comment_words),
    )
    breaks = frozenset(lang.clause_breaks)
    clause_breaks = frozenset(i for i, w in enumerate(words) if tokens.commas[i] or w in breaks)
    reads = compose(words, reads, kb.compositions, kb.groups, kb.class_of, clause_breaks)
    my_own = _my_own(words, tokens.spans, rest, lang)
    said = " " + " ".join(words) + " "
    things = _owners_of_things(words, tokens.spans, rest, reads, kb.groups)
    pregnant = any(q.finding == "pregnancy.weeks" for q in quantities) or any(
        r.finding == "person.pregnant" and r.state == "present" for r in reads
    )
    if pregnant:
        things |= {i for i, w in enumerate(words) if w in lang.unborn}
    reads = _whose(words, reads, clause_breaks, lang, kb.groups, my_own | things, said)
    # "asking because that's me" owns the what-ifs and their numbers; "mine
    # last a minute" owns the symptom but not the question's numbers
    if _claims_it(said, lang.self_claims):
        reads = _owned(reads)
    contexts = _quantity_contexts(words, tokens.spans, quantities, reads)
    if _claims_it(said, lang.subject_claims):
        reads = _owned(reads)

    located: list[tuple[int, Finding]] = []
    for q, context in zip(quantities, contexts, strict=True):
        located.append(
            (
                q.start,
                Finding(q.finding, "present", text[q.start : q.end].strip(), context, q.value),  # type: ignore[arg-type]
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


def _owned(reads: list[Read]) -> list[Read]:
    """What-ifs the writer says are theirs are current, but not one the writer
    says is fine now ("my pee is a normal pale yellow")."""
    denied = {r.finding for r in reads if r.context == "current" and r.state == "absent"}
    return [
        r._replace(context="current")
        if r.context == "hypothetical" and r.finding not in denied
        else r
        for r in reads
    ]


def _quantity_contexts(
    words: list[str],
    spans: list[tuple[int, int]],
    quantities: list[Quantity],
    reads: list[Read],
) -> list[str]:
    """A number takes the context of the nearest finding in its sentence: "if
    a cramp went on for an hour, is that dangerous?" asks about an hour, and
    "my dad's cramps last 20 minutes" are his."""
    sentence: list[int] = []
    s = 0
    for w in words:
        if w in BOUNDARY:
            s += 1
        sentence.append(s)
    starts = [a for a, _ in spans]
    out: list[str] = []
    for q in quantities:
        i = min(bisect_left(starts, q.start), len(words) - 1) if words else 0
        near = [
            (abs(r.first - i), r.first > i, r.context)
            for r in reads
            if words and sentence[r.first] == sentence[i]
        ]
        out.append(min(near)[2] if near else "current")
    return out


def _claims_it(said: str, claims: tuple[str, ...]) -> bool:
    """Does the writer say one of these ("asking because that's me", "not me")?
    `said` is the words joined by spaces, with a space at each end."""
    return any(f" {c} " in said for c in claims)


def _about_the_writer(words: list[str], first: tuple[str, ...], third: tuple[str, ...]) -> bool:
    """Does the writer describe their own symptoms? Only then is "my mum has
    MS" a relative's condition; in "my dad has diabetes and his legs cramp"
    the father is the person charley is asked about."""
    said = set(words)
    return not said.isdisjoint(first) and said.isdisjoint(third)


CLAIM_GROUPS = frozenset({"symptom", "sign", "site", "feel"})
MINE = frozenset({"mine", "mine's", "mines"})


def _whose(
    words: list[str],
    reads: list[Read],
    breaks: frozenset[int],
    lang: Language,
    groups: dict[str, str],
    my_own: set[int],
    said: str,
) -> list[Read]:
    """Findings that are someone else's, or only a question.

    When the writer speaks of their own symptoms in a clause of their own
    ("I just get calf cramps": "I" and a symptom, no other person), a clause
    about another person and not the writer ("my dad had crushing chest
    pain") is that person's: its findings
    become family context. Without such a claim the other person is the
    patient ("my husband has chest pain") and nothing changes. A question
    about cramps in general ("can cramps make you collapse?") is a worry.
    """
    clause: list[int] = []
    sentence: list[int] = []
    c = s = 0
    for i, w in enumerate(words):
        if w in BOUNDARY:
            s += 1
            c += 1
        elif i in breaks:
            c += 1
        clause.append(c)
        sentence.append(s)
    first, others = frozenset(lang.first_person), frozenset(lang.other_people)
    third = frozenset(lang.third_person) | others
    mine: set[int] = set()  # clauses where the writer speaks of themselves
    speaks: set[int] = set()  # … with "I", which alone can claim a symptom
    theirs: set[int] = set()
    for i, w in enumerate(words):
        if w in first:
            speaks.add(clause[i])
            mine.add(clause[i])
        elif i in my_own:
            if w == "my":
                mine.add(clause[i])
        elif w in third:
            theirs.add(clause[i])
    own = speaks - theirs
    claims = any(
        r.state == "present"
        and r.context == "current"
        and groups.get(r.finding) in CLAIM_GROUPS
        and clause[r.first] in own
        for r in reads
    )
    # "my father had a swollen leg, me no, only cramp": the writer sets another
    # person's symptom apart ("not me", "mine") and tells one of their own in a
    # clause that is not about that person. Without a symptom of their own the
    # other person stays the patient ("my husband has chest pain, not me").
    if not claims and (any(w in MINE for w in words) or _claims_it(said, lang.not_me)):
        claims = any(
            r.state == "present"
            and r.context == "current"
            and groups.get(r.finding) == "symptom"
            and clause[r.first] not in theirs
            for r in reads
        )
    disclaimed = _claims_it(said, lang.disclaimers)
    questions = _general_questions(
        words,
        sentence,
        frozenset(lang.question_starts),
        breaks,
        frozenset() if disclaimed else first | {"my", "me"},
    )
    if not claims and not questions:
        return reads
    # a clause about another person that happens now stays the patient's:
    # "today my colleague collapsed, she's really out of it"
    markers = frozenset(lang.present_markers)
    now = {clause[i] for i, w in enumerate(words) if w in markers}
    out: list[Read] = []
    for r in reads:
        if r.context == "current":
            if claims and clause[r.first] in theirs - mine - now:
                r = r._replace(context="family")
            elif r.first >= questions.get(sentence[r.first], len(words)):
                r = r._replace(context="hypothetical")
        out.append(r)
    return out


def _owners_of_things(
    words: list[str],
    spans: list[tuple[int, int]],
    text: str,
    reads: list[Read],
    groups: dict[str, str],
) -> set[int]:
    """Positions of a person named as the owner of a thing ("lifting the
    kids' paddling pool", "my son's bike"), not of a body ("my wife's legs"):
    such a person is not who the clause is about."""
    body = {r.first for r in reads if groups.get(r.finding) == "site"}
    out: set[int] = set()
    for i, w in enumerate(words[:-1]):
        possessive = w.endswith("'s") or text[spans[i][1] : spans[i][1] + 1] == "'"
        if possessive and i + 1 not in body and words[i + 1] not in BOUNDARY:
            out.add(i)
    return out


def _my_own(words: list[str], spans: list[tuple[int, int]], text: str, lang: Language) -> set[int]:
    """Positions of a "my" that speaks of the writer ("my mouth"), not of
    another person ("my wife", "my 4-year-old": a number stood between)."""
    others = frozenset(lang.other_people)
    out: set[int] = set()
    for i, w in enumerate(words[:-1]):
        if w == "my" and words[i + 1] not in others:
            between = text[spans[i][1] : spans[i + 1][0]]
            if not between.strip():
                out.add(i)
    return out


def _general_questions(
    words: list[str],
    sentence: list[int],
    starts: frozenset[str],
    breaks: frozenset[int],
    mine: frozenset[str],
) -> dict[int, int]:
    """Questions about cramps in general: a sentence ending in "?" whose
    question ("can", "is", "how"…, at its start or after "but" or a comma)
    does not speak of the writer ("my", "I"). "Silly question, but is a cramp
    that won't go away dangerous?" asks; "is it normal that I can't breathe?"
    tells. Each such sentence maps to where its question starts: what comes
    before ("my hands feel weak as well, is this the bug?") is still told."""
    found: dict[int, int] = {}
    begin = 0
    for i, w in enumerate(words):
        if w in BOUNDARY:
            if w == "?":
                after = [k for j in range(begin + 1, i) if j in breaks for k in (j, j + 1)]
                heads = [begin, *after]
                for h in heads:
                    part = words[h:i]
                    if part and part[0] in starts and mine.isdisjoint(part):
                        found[sentence[begin]] = h
                        break
            begin = i + 1
    return found


def _without_family_cues(m: Match) -> Match:
    payloads = tuple(p for p in m.payloads if not (p[0] == "cue" and p[1] == "family"))
    return m._replace(payloads=payloads) if payloads != m.payloads else m
