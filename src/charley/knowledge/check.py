"""`charley kb check`: prove the knowledge is sound against its sources.

On top of the schema and cross-checks done at every build, it checks that
every article quote is verbatim in its source file (whitespace and case
folded), that every rule of TRIAGE.md has an implementation, and that every
sentence of the care guide resolves to a verbatim quote of an article or a
named guidance source with charley's summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from charley.errors import KnowledgeError
from charley.knowledge.base import KnowledgeBase
from charley.knowledge.compile import profile_sections
from charley.knowledge.loader import build_knowledge
from charley.knowledge.schema import LEVELS, Citation, Coverage

COVERAGE_FILE = "coverage.yaml"
MIN_OVERLAP = 15
"""Two quotes of one article are the same passage when their places in the
article share at least this many characters (or the whole of the shorter)."""


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # article -> (statements cited, statements left out), from coverage.yaml
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def coverage_lines(self) -> list[str]:
        """The coverage per article and overall, one line each."""
        lines = [
            f"{source}: {_ratio(cited, left)}" for source, (cited, left) in self.coverage.items()
        ]
        cited = sum(c for c, _ in self.coverage.values())
        left = sum(x for _, x in self.coverage.values())
        if self.coverage:
            lines.append(f"overall: {_ratio(cited, left)}")
        return lines


def _ratio(cited: int, left: int) -> str:
    total = cited + left
    share = 100 * cited / total if total else 0.0
    return f"{cited} of {total} statements cited ({share:.1f}%), {left} left out"


def coverage_share(cited: int, left: int) -> float:
    """cited / (cited + left out); 0 when nothing is listed."""
    return cited / (cited + left) if cited + left else 0.0


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def all_citations(kb: KnowledgeBase) -> list[tuple[str, Citation]]:
    """Every citation in the knowledge base, with where it is."""
    out: list[tuple[str, Citation]] = []
    for r in (*kb.triage.rules, kb.triage.fallback):
        out += [(f"triage.rules.{r.id}", c) for c in r.citations]
    for q in kb.triage.open_questions:
        out += [(f"triage.open_questions.{q.id}", c) for c in q.citations]
    for k in kb.kinds.values():
        out += [(f"kinds.{k.id}", c) for c in k.citations]
    out += [("profile.summary", c) for c in kb.profile.summary.citations]
    for section, facts in profile_sections(kb.profile).items():
        for fact in facts:
            out += [(f"profile.{section}.{fact.id}", c) for c in fact.citations]
    for d in kb.profile.disagreements:
        out += [(f"profile.disagreements.{d.id}", c) for c in d.citations]
    return out


def article_texts(kb: KnowledgeBase, sources_dir: Path, problems: list[str]) -> dict[str, str]:
    """Each article's text, folded; a file that cannot be read is a problem."""
    texts: dict[str, str] = {}
    for src in kb.sources.values():
        if src.kind != "article":
            continue
        path = sources_dir / src.id
        try:
            texts[src.id] = fold(path.read_text(encoding="utf-8"))
        except OSError:
            problems.append(f"sources: {path} cannot be read")
    return texts


def check_quotes(kb: KnowledgeBase, sources_dir: Path) -> list[str]:
    problems: list[str] = []
    texts = article_texts(kb, sources_dir, problems)
    for where, c in all_citations(kb):
        if c.source in texts and fold(c.quote) not in texts[c.source]:
            problems.append(f"{where}: quote not found verbatim in {c.source}: {c.quote[:80]!r}")
    return problems


def check_guide(kb: KnowledgeBase, sources_dir: Path | None = None) -> list[str]:
    """Every sentence of the care guide resolves to its sources: at least one
    citation each, and each citation either an article quote (found verbatim
    in the article, when `sources_dir` is given) or a named guidance source
    with charley's summary of it."""
    from charley.guide import guide_topics

    problems: list[str] = []
    texts = article_texts(kb, sources_dir, []) if sources_dir is not None else {}
    for topic in guide_topics(kb):
        for s in topic.statements:
            where = f"guide.{topic.id}.{s.id}"
            if not s.citations:
                problems.append(f"{where}: has no citation")
            for c in s.citations:
                src = kb.sources.get(c.source)
                if src is None:
                    problems.append(f"{where}: cites unknown source {c.source!r}")
                elif src.kind == "article":
                    if not c.quote.strip():
                        problems.append(f"{where}: cites {c.source} without a quote")
                    elif c.source in texts and fold(c.quote) not in texts[c.source]:
                        problems.append(f"{where}: quote not found verbatim in {c.source}")
                    elif sources_dir is not None and c.source not in texts:
                        problems.append(f"{where}: {c.source} cannot be read")
                elif not (c.summary.strip() and src.title.strip()):
                    problems.append(f"{where}: guidance {c.source!r} needs a title and a summary")
    return problems


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    needle = fold(quote)
    out: list[tuple[int, int]] = []
    start = text.find(needle) if needle else -1
    while start >= 0:
        out.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return out


def same_passage(text: str, a: str, b: str) -> bool:
    """Whether quotes `a` and `b` are the same passage of the (folded) article
    `text`: some place of one in the article shares at least MIN_OVERLAP
    characters with some place of the other, or the whole of the shorter
    (so a quote contained in the other always counts)."""
    for s1, e1 in _spans(text, a):
        for s2, e2 in _spans(text, b):
            shared = min(e1, e2) - max(s1, s2)
            if shared > 0 and shared >= min(MIN_OVERLAP, e1 - s1, e2 - s2):
                return True
    return False


def load_coverage(problems: list[str]) -> Coverage | None:
    """coverage.yaml, validated against its schema (not part of the start-up cache)."""
    from pydantic import TypeAdapter, ValidationError

    from charley.knowledge.loader import data_dir, parse_yaml

    path = data_dir() / COVERAGE_FILE
    try:
        doc = parse_yaml({"coverage": path.read_bytes()})["coverage"]  # strict: no key twice
        return TypeAdapter(Coverage).validate_python(doc)
    except OSError as exc:
        problems.append(f"{COVERAGE_FILE}: cannot be read: {exc}")
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(x) for x in err["loc"])
            problems.append(f"{COVERAGE_FILE}: {where}: {err['msg']}")
    return None


def check_coverage(
    kb: KnowledgeBase, coverage: Coverage, texts: dict[str, str] | None
) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """Problems with the inventory, and (cited, left out) per article.

    With `texts` (the folded articles), each quote must be verbatim in its
    article and each `cited_by` statement must carry a citation of that
    article quoting the same passage (see `same_passage`).
    """
    from charley.statements import all_statements

    statements = {s.id: s for s in all_statements(kb)}
    articles = {s.id for s in kb.sources.values() if s.kind == "article"}
    problems: list[str] = []
    figures: dict[str, tuple[int, int]] = {}
    for article in coverage.articles:
        where_a = f"{COVERAGE_FILE}: {article.source}"
        if article.source not in articles:
            problems.append(f"{where_a}: not an article of sources.yaml")
        if article.source in figures:
            problems.append(f"{where_a}: listed twice")
        text = (texts or {}).get(article.source)
        cited = left = 0
        seen: set[str] = set()
        for n, entry in enumerate(article.statements):
            where = f"{where_a} #{n + 1} {entry.quote[:50]!r}"
            if fold(entry.quote) in seen:
                problems.append(f"{where}: the same quote is listed twice")
            seen.add(fold(entry.quote))
            if len(entry.quote) > 300 or not entry.quote.strip():
                problems.append(f"{where}: a quote must be 1 to 300 characters")
            if bool(entry.cited_by) == bool(entry.left_out):
                problems.append(f"{where}: give exactly one of cited_by and left_out")
                continue
            if text is not None and fold(entry.quote) not in text:
                problems.append(f"{where}: quote not found verbatim in {article.source}")
                text_ok = False
            else:
                text_ok = text is not None
            if entry.left_out:
                left += 1
                if entry.left_out not in coverage.reasons:
                    problems.append(f"{where}: left_out {entry.left_out!r} is not in reasons")
                if not entry.note.strip():
                    problems.append(f"{where}: a left-out statement needs a note")
                continue
            cited += 1
            for sid in entry.cited_by:
                statement = statements.get(sid)
                if statement is None:
                    problems.append(f"{where}: cited_by {sid!r} is not a statement")
                    continue
                quotes = [c.quote for c in statement.citations if c.source == article.source]
                if not quotes:
                    problems.append(f"{where}: {sid} cites nothing from {article.source}")
                elif text_ok and not any(same_passage(text or "", q, entry.quote) for q in quotes):
                    problems.append(f"{where}: no citation of {sid} quotes this passage")
        figures[article.source] = (cited, left)
    for missing in sorted(articles - set(figures)):
        problems.append(f"{COVERAGE_FILE}: {missing} has no inventory")
    return problems, figures


_LEVEL_HEADER = re.compile(r"^\*\*(\w+)\*\*\s*$")


ADVICE_LEVEL = "advice"


def policy_bullets(triage_md: str) -> list[tuple[str, str]]:
    """(level, text) of each rule bullet under "## Rules, highest first", and
    ("advice", text) of each bullet under "## Advice that must stay safe"
    (some of which, such as "Reassurance needs evidence", are rules too)."""
    bullets: list[tuple[str, str]] = []
    level = ""
    in_rules = False
    for line in triage_md.splitlines():
        if line.startswith("## "):
            heading = line.lower()
            in_rules = heading.startswith(("## rules", "## advice", "## emergencies"))
            level = ADVICE_LEVEL if heading.startswith("## advice") else ""
            continue
        if not in_rules:
            continue
        header = _LEVEL_HEADER.match(line.strip())
        if header and header.group(1) in LEVELS:
            level = header.group(1)
        elif line.startswith("- ") and level:
            bullets.append((level, line[2:]))
        elif line.startswith("  ") and bullets:
            bullets[-1] = (bullets[-1][0], bullets[-1][1] + " " + line.strip())
    return bullets


def check_policy(kb: KnowledgeBase, triage_md: str) -> list[str]:
    problems: list[str] = []
    rows = kb.triage.rows
    matched: set[str] = set()
    for level, text in policy_bullets(triage_md):
        plain = fold(text.replace("**", "").replace("`", ""))
        advice = level == ADVICE_LEVEL
        hits = [r for r in rows if (advice or r.level == level) and plain.startswith(fold(r.text))]
        if not hits and not advice:  # an advice bullet need not be a triage row
            problems.append(f"TRIAGE.md ({level}): no policy row implements {text[:70]!r}")
        matched.update(r.id for r in hits)
    for r in rows:
        if r.id not in matched:
            problems.append(f"triage.rows.{r.id}: not found among the rules of TRIAGE.md")
    after = triage_md.split("\n## The kinds", 1)[-1]
    kinds_section = after.split("\n", 1)[-1].split("\n## ", 1)[0]
    for kid in re.findall(r"`([a-z_0-9]+)`", kinds_section):
        if kid not in kb.kinds:
            problems.append(f"TRIAGE.md kinds: {kid!r} is not in kinds.yaml")
    return problems


def check_knowledge(sources_dir: Path | None = None, triage_md: Path | None = None) -> Report:
    """Build the knowledge from its YAML and run every check."""
    report = Report()
    try:
        kb = build_knowledge()
    except KnowledgeError as exc:
        report.problems.extend(exc.problems)
        return report
    texts: dict[str, str] | None = None
    if sources_dir is not None:
        report.problems.extend(check_quotes(kb, sources_dir))
        texts = article_texts(kb, sources_dir, [])
    coverage = load_coverage(report.problems)
    if coverage is not None:
        problems, report.coverage = check_coverage(kb, coverage, texts)
        report.problems.extend(problems)
    if triage_md is not None:
        try:
            report.problems.extend(check_policy(kb, triage_md.read_text(encoding="utf-8")))
        except OSError as exc:
            report.problems.append(f"TRIAGE.md: cannot be read: {exc}")
    report.problems.extend(check_guide(kb, sources_dir))
    cites = all_citations(kb)
    from charley.guide import guide_topics

    topics = guide_topics(kb)
    report.counts = {
        "sources": len(kb.sources),
        "findings": len(kb.findings),
        "rules": len(kb.triage.rules),
        "policy rows": len(kb.triage.rows),
        "kinds": len(kb.kinds),
        "profile facts": sum(len(f) for f in profile_sections(kb.profile).values()),
        "citations": len(cites),
        "quotes": sum(1 for _, c in cites if c.quote),
        "guide topics": len(topics),
        "guide statements": sum(len(t.statements) for t in topics),
        "article statements": sum(c + x for c, x in report.coverage.values()),
        "of them cited": sum(c for c, _ in report.coverage.values()),
    }
    return report
