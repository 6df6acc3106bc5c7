"""ask(): answer a question in lay words with the statements that best answer it.

>>> a = ask("can statins cause cramps?")
>>> a.statements[0].id
'medicines.statins'
>>> ask("what is the capital of France").statements
()

How it works:

1. **Search.** Every statement of `charley.statements` (its label, its text,
   the quotes and summaries of its citations, its examples) is a row of a
   SQLite FTS5 table with the Porter stemmer. The table is built once per
   knowledge digest into charley's cache folder (in memory when the folder
   cannot be written) and ranked with bm25, the label and the text weighted
   above the quotes.
2. **The parser's words.** The question is read like a description: spellings
   and slips are put right ("twich", "nite"), and each phrase the parser knows
   ("charlie horse", "water pill", "lipitor") brings the words of its finding
   (its label and its other phrases) as synonyms, OR-ed together.
3. **Only real matches.** Stop words are dropped. Each remaining word (with
   its synonyms) weighs by how rare it is among the statements; a word no
   statement has weighs the most. A statement answers only when the words it
   shares with the question carry at least half the question's weight, so
   "who won the football last night" finds nothing although statements speak
   of the night.
4. **Symptoms go to the checker.** When the parser reads a present symptom or
   sign of the writer, now ("I have crushing chest pain", "why does my eye
   twitch?"), `charley.assess` answers it too and its JSON is `triage`. The
   level is shown as it is, never hidden. At the emergency levels the answer
   holds no guide statements at all, only the triage and what to do. A
   question about symptoms in general ("can statins cause cramps?") is a
   worry for the parser, not a symptom, and gets no triage. Nor does a
   question that speaks of no one ("what is a charley horse?", "how long
   does a twitch last?"): it asks about spasms, not about the writer's own.
   Unless the signs it asks about would be an emergency ("what does crushing
   chest pain mean?"): then it is answered as one, to be safe, since whoever
   asks may be the one they are happening to.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from charley.errors import InputError
from charley.findings import Findings
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.knowledge.lexicon import BOUNDARY, Lexicon, normalise, tokenize
from charley.statements import Statement, all_statements

if TYPE_CHECKING:
    from charley.assessment import Assessment

__all__ = ["MAX_QUESTION", "Answer", "Term", "ask", "checker", "question_terms"]

MAX_QUESTION = 1000
INDEX_FORMAT = 2
# bm25 weights of the columns: label, text, citations, examples
WEIGHTS = (4.0, 2.0, 1.0, 2.0)
# the share of the question's weight a statement must carry to answer it
MIN_COVERAGE = 0.5
MAX_SYNONYMS = 40
CANDIDATES = 60
PREFIX_MIN = 5
# the groups of findings that are a person's symptom, not a topic word
SYMPTOM_GROUPS = frozenset({"symptom", "sign", "feel"})
EMERGENCY_LEVELS = frozenset({"emergency", "emergency_ambulance"})
WRITER_WORDS = frozenset({"my", "me", "we", "our", "us"})
"""Beside the language's first-person words: the writer's own body ("my calf")."""

# English function words and the frames of a question ("is it worth trying",
# "what should I do"): they say nothing about what is asked. No medical word.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be
    because been before being below between both but by can can't cannot could
    did do does doing don't down during each either else ever every few for from
    further get gets getting give gives got had has have having he her here hers
    him his how i i'd i'll i'm i've if in into is isn't it it's its itself just
    know let like likely may me might mine more much must my myself need
    needs no nor not now of off on once one only or other ought our ours out over
    own please really same shall she should so some such tell than that that's
    the their them then there these they thing things this those through to too
    try trying tried under until up us usually very want was way we well were
    what what's when where which while who whom whose why will with worth would
    yes yet you your yours yourself actually just anything something ever still see
    go goes going gone went come comes came coming
    good bad best better help helps helped make makes making cause causes caused
    causing happen happens happening mean means thing okay ok normal worry
    worried safe common""".split()  # noqa: SIM905 - a word list reads best as words
)


@dataclass(frozen=True, slots=True)
class Answer:
    """What charley can say to a question, best statement first."""

    question: str
    statements: tuple[Statement, ...]
    triage: dict[str, Any] | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        kb = load_knowledge()
        return {
            "question": self.question,
            "statements": [_statement_json(s, kb) for s in self.statements],
            "triage": self.triage,
            "message": self.message,
        }


def _statement_json(s: Statement, kb: KnowledgeBase) -> dict[str, Any]:
    citations = []
    for c in s.citations:
        source = kb.sources.get(c.source)
        row: dict[str, Any] = {"source": c.source, "title": source.title if source else c.source}
        if c.quote:
            row["quote"] = c.quote
        else:
            row["summary"] = c.summary
        citations.append(row)
    return {
        "id": s.id,
        "section": s.section,
        "label": s.label,
        "text": s.text,
        "citations": citations,
    }


def ask(question: str, *, limit: int = 3) -> Answer:
    """Answer a question with at most `limit` statements of charley's knowledge.

    Raises InputError for a question that is not text, is empty, or is over
    1,000 characters.
    """
    if not isinstance(question, str):
        raise InputError("the question must be text")
    text = question.strip()
    if not text:
        raise InputError("the question is empty")
    if len(question) > MAX_QUESTION:
        raise InputError(f"the question is {len(question)} characters; the limit is {MAX_QUESTION}")
    if limit < 1:
        raise InputError("limit must be at least 1")
    kb = load_knowledge()
    assessment = checker(text, kb=kb)
    triage = assessment.to_dict() if assessment is not None else None
    level = triage["triage"]["level"] if triage else None
    if level in EMERGENCY_LEVELS:
        label = kb.triage.levels[level]
        message = (
            f"{label} This describes an emergency: charley's checker answered it, not the guide."
        )
        return Answer(question, (), triage, message)
    found = _index(kb).search(question_terms(text, kb=kb), limit)
    if found:
        message = "These statements from charley's sources answer it best."
    else:
        message = "Nothing in charley's sources answers that question."
    if triage is not None:
        message += f" About the symptoms you describe: {kb.triage.levels[str(level)]}"
    return Answer(question, found, triage, message)


def checker(question: str, *, kb: KnowledgeBase | None = None) -> Assessment | None:
    """The checker's assessment when the words report a symptom or sign of the
    writer, now (present, not a worry, a memory or someone else's); else None."""
    from charley.assess import assess
    from charley.parse import parse

    kb = kb or load_knowledge()
    findings = parse(question, kb=kb)
    symptom = any(
        f.state == "present" and f.context == "current" and kb.groups.get(f.id) in SYMPTOM_GROUPS
        for f in findings.items
    )
    if not symptom:
        return _asked_about_an_emergency(findings, kb)
    assessment = assess(findings=findings, kb=kb)
    if assessment.triage.level not in EMERGENCY_LEVELS and _about_no_one(question, kb):
        return None
    return assessment


def _asked_about_an_emergency(findings: Findings, kb: KnowledgeBase) -> Assessment | None:
    """A question that asks about signs ("what does crushing chest pain mean?") is
    answered as if they were happening when they would make an emergency: whoever
    asks may be the one they are happening to. Anything less urgent: None."""
    from charley.assess import assess

    asked = [
        replace(f, context="current")
        for f in findings.items
        if f.state == "present" and f.context == "hypothetical"
        and kb.groups.get(f.id) in SYMPTOM_GROUPS
    ]  # fmt: skip
    if not asked:
        return None
    assessment = assess(findings=Findings(tuple(asked)), kb=kb)
    return assessment if assessment.triage.level in EMERGENCY_LEVELS else None


def _about_no_one(question: str, kb: KnowledgeBase) -> bool:
    """A question that names no one: it asks about spasms in general."""
    words = tokenize(normalise(question), kb.tolerance.known).words
    if not words:
        return False
    lang = kb.language
    asked = question.rstrip().endswith("?") or words[0] in lang.question_starts
    writer = {*lang.first_person, *WRITER_WORDS}
    return asked and not any(w in writer for w in words)


class Term(NamedTuple):
    """One meaning in a question: the words the person used, those words with
    their synonyms, or the parts of the guide a question frame asks for."""

    own: tuple[str, ...]
    words: tuple[str, ...]
    sections: frozenset[str] = frozenset()


def question_terms(question: str, *, kb: KnowledgeBase | None = None) -> list[Term]:
    """The question's frames ("how long", "which doctor") and content words,
    each content word with its synonyms (first the words themselves).

    >>> question_terms("charlie horse at nite?")[0].words[:2]
    ('charley', 'horse')
    >>> sorted(question_terms("how long does a twitch last?")[0].sections)
    ['durations']
    """
    kb = kb or load_knowledge()
    words = tokenize(normalise(question), kb.tolerance.known).words
    covered: set[int] = set()
    terms: list[Term] = []
    for m in kb.lexicon.scan(words):
        findings = [p[1] for p in m.payloads if p[0] == "finding"]
        own = tuple(dict.fromkeys(_content(words[m.first : m.last + 1])))
        if not findings or not own:
            continue
        covered.update(range(m.first, m.last + 1))
        synonyms = dict.fromkeys(own)
        for fid in findings:
            finding = kb.findings.get(fid)
            if finding is None:
                continue
            for phrase in (finding.label, *finding.phrases):
                parts = phrase.split()
                # a one-word phrase is a synonym; a longer one only lends the
                # words of a spelling of what was said ("charlie horse" ->
                # "charley horse"), not its frame ("had one last night")
                if phrase != finding.label and len(parts) > 1 and not set(own).intersection(parts):
                    continue
                for w in _content(parts):
                    if len(synonyms) < MAX_SYNONYMS:
                        synonyms.setdefault(w)
        terms.append(Term(own, tuple(synonyms)))
    free = [i for i in range(len(words)) if i not in covered]
    for m in _frames(kb).scan([words[i] for i in free]):
        covered.update(free[m.first : m.last + 1])
        terms.append(Term((), (), frozenset(p[1] for p in m.payloads)))
    for i, w in enumerate(words):
        if i not in covered and _content([w]):
            terms.append(Term((_clean(w),), (_clean(w),)))
    # one term per meaning: "cramps ... cramp" counts once
    unique: dict[tuple[tuple[str, ...], frozenset[str]], Term] = {}
    for t in terms:
        unique.setdefault((t.words, t.sections), t)
    return _without_shared_synonyms(list(unique.values()))


def _without_shared_synonyms(terms: list[Term]) -> list[Term]:
    """Drop a synonym that two words of the question both bring ("muscle" from
    "leg" and from "sore"): it cannot tell them apart, and a statement holding
    it would seem to answer both."""
    seen: dict[str, int] = {}
    for t in terms:
        for w in set(t.words) - set(t.own):
            seen[w] = seen.get(w, 0) + 1
    own = {w for t in terms for w in t.own}
    shared = {w for w, count in seen.items() if count > 1 or w in own}
    if not shared:
        return terms
    return [
        t._replace(words=tuple(w for w in t.words if w in t.own or w not in shared)) for t in terms
    ]


def _clean(word: str) -> str:
    return "".join(ch for ch in word if ch.isalnum())


def _content(words: list[str]) -> list[str]:
    out = []
    for w in words:
        if w in BOUNDARY or w in STOP_WORDS or w.startswith("<") or w == "*":
            continue
        c = _clean(w)
        if len(c) >= 2 and not c.isdigit():
            out.append(c)
    return out


def _fts(terms: tuple[str, ...]) -> str:
    # a long word also finds the longer words it starts ("physio" ->
    # "physiotherapy"); a short one only itself ("arm" is not "armchair")
    return " OR ".join(f'"{t}"*' if len(t) >= PREFIX_MIN else f'"{t}"' for t in terms)


def _frames(kb: KnowledgeBase) -> Lexicon:
    """The question frames of guide.yaml (`questions`) as a lexicon: each
    phrase's payloads name the sections it asks for."""
    frames = _FRAMES.get(kb.digest)
    if frames is None:
        frames = Lexicon(frozenset())
        for frame in kb.guide.questions if kb.guide else ():
            for phrase in frame.phrases:
                # read like the question, so a word the tolerance puts right
                # is put right alike in both
                words = " ".join(tokenize(normalise(phrase), kb.tolerance.known).words)
                for section in frame.asks:
                    frames.add(words, ("asks", section, ""), {})
        _FRAMES[kb.digest] = frames
    return frames


_FRAMES: dict[str, Lexicon] = {}


class _Index:
    """The statements in an FTS5 table, and the search over it."""

    def __init__(self, conn: sqlite3.Connection, statements: tuple[Statement, ...]) -> None:
        self.conn = conn
        self.statements = statements
        self.lock = threading.Lock()
        self.rows_of: dict[str, set[int]] = {}
        for n, s in enumerate(statements, 1):
            self.rows_of.setdefault(s.section, set()).add(n)

    def search(self, terms: list[Term], limit: int) -> tuple[Statement, ...]:
        """The statements that carry enough of the question, best first.

        Each term is a word of the question with its synonyms, or a frame
        that asks for some parts of the guide. Candidates match any of them;
        the order is the share of the question's weight a statement carries,
        then bm25 on the question's own words, then bm25 on the synonyms too
        (a synonym can find a statement, but the words the person used decide
        between close ones), then the knowledge's order.
        """
        if not terms:
            return ()
        n = len(self.statements)
        own = tuple(dict.fromkeys(w for t in terms for w in t.own))
        everything = tuple(dict.fromkeys(w for t in terms for w in t.words))
        with self.lock:
            hits = [
                self._in_sections(t.sections) if t.sections else set(self._ranked(t.words, n))
                for t in terms
            ]
            by_own = self._ranked(own, n) if own else {}
            by_all = self._ranked(everything, CANDIDATES) if everything else {}
        # a word few statements share says more than one most of them share
        weights = [math.log((n + 1) / (len(h) + 0.5)) for h in hits]
        total = sum(weights)
        if total <= 0:
            return ()
        candidates = set(by_all).union(*(h for t, h in zip(terms, hits, strict=True) if t.sections))
        scored = []
        for rowid in candidates:
            share = sum(w for w, h in zip(weights, hits, strict=True) if rowid in h) / total
            if share >= MIN_COVERAGE:
                best = (by_own.get(rowid, 0.0), by_all.get(rowid, 0.0), rowid)
                scored.append((-round(share, 6), *best))
        scored.sort()
        return tuple(self.statements[row[-1] - 1] for row in scored[:limit])

    def _in_sections(self, sections: frozenset[str]) -> set[int]:
        return set().union(*(self.rows_of.get(s, set()) for s in sections))

    def _ranked(self, terms: tuple[str, ...], limit: int) -> dict[int, float]:
        rows = self.conn.execute(
            "SELECT rowid, bm25(docs, ?, ?, ?, ?) FROM docs WHERE docs MATCH ? ORDER BY 2 LIMIT ?",
            (*WEIGHTS, _fts(terms), limit),
        )
        return dict(rows.fetchall())


_ONE_LETTER = re.compile(r"\b\w\b")
_INDEXES: dict[str, _Index] = {}
_BUILD_LOCK = threading.Lock()


def _index(kb: KnowledgeBase) -> _Index:
    index = _INDEXES.get(kb.digest)
    if index is None:
        with _BUILD_LOCK:
            index = _INDEXES.get(kb.digest)
            if index is None:
                index = _INDEXES[kb.digest] = open_index(kb)
    return index


def index_path(kb: KnowledgeBase) -> str:
    """Where the index of this knowledge lives in charley's cache folder."""
    from charley.knowledge.loader import cache_dir

    return os.path.join(cache_dir(), f"ask-{INDEX_FORMAT}-{kb.digest}.sqlite3")


def open_index(kb: KnowledgeBase) -> _Index:
    """The index of `kb`: read from the cache, else built (and cached when possible)."""
    statements = all_statements(kb)
    path = index_path(kb)
    conn = _open_cached(path, statements)
    if conn is None:
        conn = _build_file(path, kb, statements)
    if conn is None:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(conn, kb, statements)
    return _Index(conn, statements)


def _open_cached(path: str, statements: tuple[Statement, ...]) -> sqlite3.Connection | None:
    if not os.path.exists(path):
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        ids = [row[0] for row in conn.execute("SELECT id FROM ids ORDER BY rowid")]
    except sqlite3.Error:
        return None
    if ids != [s.id for s in statements]:
        conn.close()
        return None
    return conn


def _build_file(
    path: str, kb: KnowledgeBase, statements: tuple[Statement, ...]
) -> sqlite3.Connection | None:
    """Build the index into a temporary file, then move it in place."""
    import tempfile
    from pathlib import Path

    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ask-", suffix=".tmp")
        os.close(fd)
        try:
            build = sqlite3.connect(tmp)
            try:
                _fill(build, kb, statements)
            finally:
                build.close()
            for old in folder.glob("ask-*.sqlite3"):
                old.unlink(missing_ok=True)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except (OSError, sqlite3.Error):
        return None
    return _open_cached(path, statements)


def _fill(conn: sqlite3.Connection, kb: KnowledgeBase, statements: tuple[Statement, ...]) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE docs USING fts5("
        "label, text, citations, examples, tokenize='porter unicode61')"
    )
    conn.execute("CREATE TABLE ids (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL)")
    rows = []
    for n, s in enumerate(statements, start=1):
        cited = " ".join(c.quote or c.summary for c in s.citations)
        columns = (s.label, s.text, cited, " ".join(s.examples))
        # a word of one letter answers nothing, and the stemmer makes some
        # ("eing" -> "e" would find "e.g.")
        rows.append((n, *(_ONE_LETTER.sub(" ", c) for c in columns)))
    conn.executemany(
        "INSERT INTO docs (rowid, label, text, citations, examples) VALUES (?, ?, ?, ?, ?)", rows
    )
    conn.executemany(
        "INSERT INTO ids (rowid, id) VALUES (?, ?)",
        [(n, s.id) for n, s in enumerate(statements, 1)],
    )
    conn.commit()
