"""Validate parsed YAML against the schema and compile it into a KnowledgeBase.

Validation is strict: pydantic rejects unknown keys and wrong types, then
the cross-checks here reject anything that does not fit together (an id
used but never defined, a rule without a citation, a policy row without a
rule). Every problem is collected, so one run lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from charley.errors import KnowledgeError
from charley.knowledge.base import SCOPE_OUT, KnowledgeBase
from charley.knowledge.conditions import Cond, Screen, compile_condition, leaves
from charley.knowledge.lexicon import Lexicon, Payload, normalise, tokenize
from charley.knowledge.schema import (
    LEVELS,
    Citation,
    Composition,
    Cue,
    Fact,
    FindingDef,
    Guide,
    Kind,
    Language,
    Profile,
    Source,
    Triage,
    WordClass,
    forbid_extra,
)
from charley.knowledge.tolerance import Tolerance, build_tolerance

MAX_QUOTE = 300
# the sections whose facts say where they send a person (`level`)
LEVELLED = ("safety_net", "warning_signs")


@forbid_extra
@dataclass(slots=True)
class SourcesFile:
    sources: tuple[Source, ...]


@forbid_extra
@dataclass(slots=True)
class FindingsFile:
    findings: tuple[FindingDef, ...]


@forbid_extra
@dataclass(slots=True)
class ConceptsFile:
    classes: tuple[WordClass, ...]
    compositions: tuple[Composition, ...]


@forbid_extra
@dataclass(slots=True)
class KindsFile:
    kinds: tuple[Kind, ...]


FILE_SCHEMAS: dict[str, type] = {
    "sources": SourcesFile,
    "findings": FindingsFile,
    "language": Language,
    "concepts": ConceptsFile,
    "kinds": KindsFile,
    "triage": Triage,
    "profile": Profile,
    "guide": Guide,
}


def validate_files(docs: dict[str, Any]) -> dict[str, Any]:
    """Each parsed YAML document as its schema object; raise on any problem."""
    from pydantic import TypeAdapter, ValidationError

    out: dict[str, Any] = {}
    problems: list[str] = []
    for name, schema in FILE_SCHEMAS.items():
        if name not in docs:
            problems.append(f"{name}.yaml: missing")
            continue
        try:
            out[name] = TypeAdapter(schema).validate_python(docs[name])
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                problems.append(f"{name}.yaml: {loc}: {err['msg']}")
    if problems:
        raise KnowledgeError(problems)
    return out


def profile_sections(profile: Profile) -> dict[str, tuple[Fact, ...]]:
    """The lists of facts in the profile, by section name."""
    return {
        f.name: getattr(profile, f.name)
        for f in fields(profile)
        if f.name not in ("summary", "disagreements", "ordinary_causes")
    }


def compile_knowledge(docs: dict[str, Any], digest: str) -> KnowledgeBase:
    files = validate_files(docs)
    problems: list[str] = []
    sources: dict[str, Source] = _index(files["sources"].sources, "sources", problems)
    findings: dict[str, FindingDef] = _index(files["findings"].findings, "findings", problems)
    kinds: dict[str, Kind] = _index(files["kinds"].kinds, "kinds", problems)
    language: Language = files["language"]
    concepts: ConceptsFile = files["concepts"]
    triage: Triage = files["triage"]
    profile: Profile = files["profile"]

    known = set(findings) | {f"level.{lv}" for lv in LEVELS} | {f"kind.{k}" for k in kinds}
    known.add(SCOPE_OUT)
    sections = ("derive", "kind", "rule", "open", *profile_sections(profile))
    screened: dict[str, list[tuple[Any, Cond]]] = {section: [] for section in sections}

    def add_cond(section: str, item: Any, raw: Any, *, pseudo: bool = False) -> None:
        key = f"{section}:{item.id}"
        cond = compile_condition(raw, key, problems)
        allowed = known if pseudo else set(findings)
        for leaf in leaves(cond):
            if leaf not in allowed:
                problems.append(f"{key}: unknown finding {leaf!r}")
        screened[section].append((item, cond))

    def check_citations(where: str, citations: tuple[Citation, ...]) -> None:
        if not citations:
            problems.append(f"{where}: has no citation")
        for c in citations:
            src = sources.get(c.source)
            if src is None:
                problems.append(f"{where}: cites unknown source {c.source!r}")
            elif src.kind == "article":
                if not c.quote.strip() or c.summary:
                    problems.append(f"{where}: an article citation needs a quote and no summary")
                elif len(c.quote) > MAX_QUOTE:
                    problems.append(f"{where}: quote longer than {MAX_QUOTE} characters")
            elif not c.summary.strip() or c.quote:
                problems.append(f"{where}: a guidance citation needs a summary and no quote")

    # findings
    for f in findings.values():
        for target in f.implies:
            if target not in findings:
                problems.append(f"findings.{f.id}: implies unknown finding {target!r}")
    for unit_name, unit in language.units.items():
        if unit.finding not in findings:
            problems.append(f"language.units.{unit_name}: unknown finding {unit.finding!r}")
    for fid in language.inner_symptoms:
        if fid not in findings:
            problems.append(f"language.inner_symptoms: unknown finding {fid!r}")
    for d in language.derivations:
        add_cond("derive", d, d.when)
        if d.sets not in findings:
            problems.append(f"language.derivations.{d.id}: sets unknown finding {d.sets!r}")

    # kinds
    for k in kinds.values():
        add_cond("kind", k, k.suggested_by)
        check_citations(f"kinds.{k.id}", k.citations)

    # triage
    specialist_ids = {s.id for s in profile.specialists}
    row_ids = {r.id for r in triage.rows}
    rule_ids: set[str] = set()
    rows_used: set[str] = set()
    for rule in (*triage.rules, triage.fallback):
        where = f"triage.rules.{rule.id}"
        if rule.id in rule_ids:
            problems.append(f"{where}: duplicate id")
        rule_ids.add(rule.id)
        if rule is not triage.fallback:
            add_cond("rule", rule, rule.when)
            if rule.row not in row_ids:
                problems.append(f"{where}: unknown policy row {rule.row!r}")
            rows_used.add(rule.row)
            row_level = next((r.level for r in triage.rows if r.id == rule.row), rule.level)
            if row_level != rule.level:
                problems.append(f"{where}: level {rule.level} differs from its row's {row_level}")
        check_citations(where, rule.citations)
        for kind_id in rule.kinds:
            if kind_id not in kinds:
                problems.append(f"{where}: unknown kind {kind_id!r}")
        for s in rule.see:
            if s not in specialist_ids:
                problems.append(f"{where}: unknown specialist {s!r}")
    for row in triage.rows:
        for rid in row.implemented_by:
            if rid not in rule_ids:
                problems.append(f"triage.rows.{row.id}: implemented_by names no rule {rid!r}")
            else:
                rows_used.add(row.id)
        if row.id not in rows_used:
            problems.append(f"triage.rows.{row.id}: no rule implements this policy row")
    if set(triage.levels) != set(LEVELS):
        problems.append("triage.levels: must name exactly the five levels")
    for q in triage.open_questions:
        add_cond("open", q, q.when)
        check_citations(f"triage.open_questions.{q.id}", q.citations)
        for a in q.ask:
            if a not in findings or not findings[a].question:
                problems.append(f"triage.open_questions.{q.id}: {a!r} has no question to ask")
    for a in triage.interview_order:
        if a not in findings or not findings[a].question:
            problems.append(f"triage.interview_order: {a!r} has no question to ask")
    asked_when: dict[str, Cond] = {}
    for fid, raw in triage.interview_when.items():
        if fid not in triage.interview_order:
            problems.append(f"triage.interview_when: {fid!r} is not in the interview order")
        cond = compile_condition(raw, f"triage.interview_when.{fid}", problems)
        for leaf in leaves(cond):
            if leaf not in known:
                problems.append(f"triage.interview_when.{fid}: unknown finding {leaf!r}")
        asked_when[fid] = cond
    for name, ids in (("red_flags", triage.red_flags), ("orienting", triage.orienting)):
        problems.extend(
            f"triage.{name}: {fid!r} is not in the interview order"
            for fid in ids
            if fid not in triage.interview_order
        )
    if triage.unsure is not None:
        check_citations("triage.unsure", triage.unsure.citations)
    scope = tuple(
        compile_condition(raw, f"triage.scope.{name}", problems)
        for name, raw in (("muscle", triage.scope.muscle), ("not_muscle", triage.scope.not_muscle))
    )
    for cond in scope:
        problems.extend(
            f"triage.scope: unknown finding {x!r}" for x in leaves(cond) if x not in findings
        )
    check_citations("triage.scope", triage.scope.citations)
    for cause in profile.ordinary_causes:
        if cause not in {c.id for c in profile.causes}:
            problems.append(f"profile.ordinary_causes: {cause!r} is not a cause")

    # profile
    check_citations("profile.summary", profile.summary.citations)
    for section, facts in profile_sections(profile).items():
        if not facts:
            problems.append(f"profile.{section}: is empty")
        seen: set[str] = set()
        for fact in facts:
            where = f"profile.{section}.{fact.id}"
            if fact.id in seen:
                problems.append(f"{where}: duplicate id")
            seen.add(fact.id)
            check_citations(where, fact.citations)
            if fact.when is not None:
                add_cond(section, fact, fact.when, pseudo=True)
            elif section == "relief":
                problems.append(f"{where}: relief must say for whom (when)")
            if (section in LEVELLED) != (fact.level is not None):
                problems.append(
                    f"{where}: a safety-net item or warning sign, and only these, "
                    "says where it sends (level)"
                )
    for dis in profile.disagreements:
        check_citations(f"profile.disagreements.{dis.id}", dis.citations)

    # safe advice
    banned = [w.lower() for w in triage.forbidden_advice]
    advice = [(f"profile.relief.{f.id}", f.text) for f in profile.relief]
    advice += [(f"profile.prevention.{f.id}", f.text) for f in profile.prevention]
    advice += [(f"triage.rules.{r.id}", r.reason) for r in triage.rules]
    for where, text in advice:
        for word in banned:
            if word in text.lower():
                problems.append(f"{where}: advice must not contain {word.strip()!r}")

    # concepts: classes of words and the findings composed from them
    classes: dict[str, WordClass] = _index(concepts.classes, "concepts.classes", problems)
    for wc in classes.values():
        if not wc.words and not wc.findings:
            problems.append(f"concepts.classes.{wc.id}: has no words and no findings")
        for fid in wc.findings:
            if fid not in findings:
                problems.append(f"concepts.classes.{wc.id}: unknown finding {fid!r}")
    _index(concepts.compositions, "concepts.compositions", problems)
    for comp in concepts.compositions:
        where = f"concepts.compositions.{comp.id}"
        if not comp.all or not comp.sets:
            problems.append(f"{where}: needs classes in 'all' and findings in 'sets'")
        for cls, _ in comp.parts():
            if cls not in classes:
                problems.append(f"{where}: unknown class {cls!r}")
        for fid in comp.sets:
            if fid not in findings:
                problems.append(f"{where}: sets unknown finding {fid!r}")
        if comp.window < 1:
            problems.append(f"{where}: window must be at least 1")
    for f in findings.values():
        if f.group == "topic" and not any(f.id in c.sets for c in concepts.compositions):
            problems.append(f"findings.{f.id}: a topic needs a composition that sets it")
    for q in triage.open_questions:
        for fid in q.resolved_by:
            if fid not in findings:
                problems.append(f"triage.open_questions.{q.id}: resolved_by unknown {fid!r}")

    lexicon = build_lexicon(findings, language, problems, classes.values())
    tolerance = build_word_tolerance(findings, language, lexicon, classes.values())
    guide: Guide = files["guide"]
    check_guide(guide, profile, problems)
    if problems:
        raise KnowledgeError(problems)
    implies = {f.id: _closure(f.id, findings) for f in findings.values() if f.implies}
    return KnowledgeBase(
        digest=digest,
        sources=sources,
        findings=findings,
        language=language,
        triage=triage,
        kinds=kinds,
        profile=profile,
        screens={section: Screen.build(pairs) for section, pairs in screened.items()},
        implies=implies,
        lexicon=lexicon,
        tolerance=tolerance,
        compositions=tuple(_with_needed(c) for c in concepts.compositions),
        class_of=_classes_by_finding(classes.values()),
        groups={f.id: f.group for f in findings.values()},
        scope=(scope[0], scope[1]),
        asked_when=asked_when,
        guide=guide,
    )


_TOPIC_ID = re.compile(r"[a-z][a-z0-9-]*")


def check_guide(guide: Guide, profile: Profile, problems: list[str]) -> None:
    """Every section of the statements and every disagreement in exactly one
    topic of the guide; topic ids fit in an address and on the command line."""
    sections = {"summary", "kinds", *profile_sections(profile)}
    placed: dict[str, str] = {}
    disagreements = {d.id for d in profile.disagreements}
    argued: dict[str, str] = {}
    seen: set[str] = set()
    for t in guide.topics:
        where = f"guide.topics.{t.id}"
        if not _TOPIC_ID.fullmatch(t.id):
            problems.append(f"{where}: an id is lower-case letters, digits and hyphens")
        if t.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(t.id)
        for part in t.parts:
            if part.section not in sections:
                problems.append(f"{where}: unknown section {part.section!r}")
            elif part.section in placed:
                problems.append(
                    f"{where}: section {part.section!r} is in {placed[part.section]!r} too"
                )
            placed.setdefault(part.section, t.id)
        for d in t.disagreements:
            if d not in disagreements:
                problems.append(f"{where}: unknown disagreement {d!r}")
            elif d in argued:
                problems.append(f"{where}: disagreement {d!r} is in {argued[d]!r} too")
            argued.setdefault(d, t.id)
    for section in sorted(sections - set(placed)):
        problems.append(f"guide: section {section!r} is in no topic")
    for d in sorted(disagreements - set(argued)):
        problems.append(f"guide: disagreement {d!r} is in no topic")
    if "{level}" not in guide.while_waiting_title:
        problems.append("guide.while_waiting_title: needs {level}")
    check_question_frames(guide, sections, problems)


def check_question_frames(guide: Guide, sections: set[str], problems: list[str]) -> None:
    """Each frame asks for known sections; each phrase has words and stands in one entry."""
    seen: set[str] = set()
    for n, frame in enumerate(guide.questions):
        where = f"guide.questions.{n}"
        for section in frame.asks:
            if section not in sections:
                problems.append(f"{where}: unknown section {section!r}")
        for phrase in frame.phrases:
            if not tokenize(normalise(phrase), lambda _: None).words:
                problems.append(f"{where}: phrase {phrase!r} has no words")
            elif phrase in seen:
                problems.append(f"{where}: phrase {phrase!r} stands in another entry too")
            seen.add(phrase)


def all_cues(language: Language) -> list[Cue]:
    """The cues of language.yaml, and the family cues made from its relatives
    and verbs ("my mum has", "my grandad had"), which only touch conditions."""
    cues = list(language.cues)
    for relative in language.relatives:
        for verb in language.family_verbs:
            for phrase in (f"my {relative} {verb}", f"{relative} {verb}"):
                cues.append(Cue(phrase, "family", "forward", ("condition",)))
    return cues


def build_lexicon(
    findings: dict[str, FindingDef],
    language: Language,
    problems: list[str],
    classes: Iterable[WordClass] = (),
) -> Lexicon:
    numbers = frozenset(w for w in language.numbers if " " not in w)
    stops = {c.phrase for c in language.cues if c.category == "negated" and " " not in c.phrase}
    stops |= {t for t in language.terminators if " " not in t}
    lexicon = Lexicon(numbers, frozenset(stops))
    spellings = language.spellings
    # "new cramps", "eyelid twitch": a longer phrase of another finding still
    # says what the symptom is, so it reads the symptom too
    symptom_words = {
        p: f.id
        for f in findings.values()
        if f.id in language.inner_symptoms
        for p in f.phrases
        if " " not in p and "*" not in p
    }
    try:
        for f in findings.values():
            for p in f.phrases:
                lexicon.add(p, ("finding", f.id, "present"), spellings)
                if f.id not in language.inner_symptoms:
                    for w in p.split():
                        if w in symptom_words:
                            lexicon.add(p, ("finding", symptom_words[w], "present"), spellings)
            for p in f.absent_phrases:
                lexicon.add(p, ("finding", f.id, "absent"), spellings)
        # "my head" and "now my neck" are words of one class that end in
        # "head" and "neck", words of other classes and findings: the longer
        # phrase reads as its last word too (the thing it names), unless it
        # holds a negation ("no trouble" is not trouble)
        classes = list(classes)
        negations = {c.phrase for c in language.cues if c.category == "negated"}
        negations |= {"no", "not", "never", "nothing", "none"}
        skip = frozenset(language.inner_skip)
        inner: dict[str, list[Payload]] = {}
        for wc in classes:
            for p in wc.words:
                if " " not in p and "*" not in p:
                    inner.setdefault(p, []).append(("class", wc.id, ""))
        for f in findings.values():
            for p in f.phrases:
                if " " not in p and "*" not in p:
                    inner.setdefault(p, []).append(("finding", f.id, "present"))
        for wc in classes:
            for p in wc.words:
                lexicon.add(p, ("class", wc.id, ""), spellings)
                parts = p.split()
                if len(parts) > 1 and not negations.intersection(parts) and "*" not in p:
                    for w in parts[-1:]:
                        if w in skip:
                            continue
                        for payload in inner.get(w, ()):
                            if payload != ("class", wc.id, ""):
                                lexicon.add(p, payload, spellings)
        for cue in all_cues(language):
            how = cue.direction + (":" + ",".join(cue.groups) if cue.groups else "")
            lexicon.add(cue.phrase, ("cue", cue.category, how), spellings)
        for t in language.terminators:
            lexicon.add(t, ("term", "all", ""), spellings)
        for t in language.history_terminators:
            lexicon.add(t, ("term", "history", ""), spellings)
    except ValueError as exc:
        problems.append(f"lexicon: {exc}")
    return lexicon


def build_word_tolerance(
    findings: dict[str, FindingDef],
    language: Language,
    lexicon: Lexicon,
    classes: Iterable[WordClass],
) -> Tolerance:
    """Spelling and word-form tolerance for the words of findings and classes;
    the words of cues and terminators keep their exact form."""
    spellings = language.spellings

    def words_of(phrases: Iterable[str]) -> set[str]:
        return {w for p in phrases for w in tokenize(normalise(p), spellings.get).words}

    content = words_of(p for f in findings.values() for p in (*f.phrases, *f.absent_phrases))
    content |= words_of(w for wc in classes for w in wc.words)
    # the words of real cues keep their form ("nothing" is not "note"); pseudo
    # cues ("pain relief") are made of content words and need no protection
    exact = words_of(c.phrase for c in all_cues(language) if c.category != "pseudo")
    exact |= words_of((*language.terminators, *language.history_terminators))
    exact |= set(language.no_inflection)
    return build_tolerance(
        spellings=spellings,
        vocabulary=lexicon.words(),
        inflectable=content - exact,
        exact=exact,
    )


def _with_needed(
    comp: Composition,
) -> tuple[Composition, tuple[tuple[str, str], ...], frozenset[str]]:
    parts = comp.parts()
    return comp, parts, frozenset(cls for cls, _ in parts)


def _classes_by_finding(classes: Iterable[WordClass]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for wc in classes:
        for fid in wc.findings:
            out.setdefault(fid, []).append(wc.id)
    return {fid: tuple(ids) for fid, ids in out.items()}


def _index(items: tuple[Any, ...], where: str, problems: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            problems.append(f"{where}: duplicate id {item.id!r}")
        out[item.id] = item
    return out


def _closure(fid: str, findings: dict[str, FindingDef]) -> tuple[str, ...]:
    seen: list[str] = []
    todo = list(findings[fid].implies)
    while todo:
        x = todo.pop()
        if x not in seen and x != fid:
            seen.append(x)
            todo.extend(findings[x].implies if x in findings else ())
    return tuple(seen)
