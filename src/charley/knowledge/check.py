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
from charley.knowledge.schema import LEVELS, Citation


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


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
    if sources_dir is not None:
        report.problems.extend(check_quotes(kb, sources_dir))
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
    }
    return report
