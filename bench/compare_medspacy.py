"""Compare charley's own phrase matcher with medspaCy's ConText on a vignette file.

Both arms use the same vocabulary (every finding phrase in findings.yaml),
the same number reading (charley.parse.quantities.extract) and the same
scoring (charley.assess.assess(findings=...)). Only phrase matching and
context (negation, history, worry) differ:

- Arm A: charley.parse.parse(text), charley's word trie and its own cues.
- Arm B: medspaCy's TargetMatcher with rules built from the same phrases,
  and medspaCy's DEFAULT ConText rules.

medspaCy is not a dependency of charley. Run from a separate virtualenv:

    python -m venv /tmp/medspacy-venv
    /tmp/medspacy-venv/bin/pip install medspacy==1.3.1 -e /work/main
    /tmp/medspacy-venv/bin/python bench/compare_medspacy.py ../shared/vignettes/dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charley.assess import assess
from charley.findings import Finding, Findings
from charley.knowledge import KnowledgeBase, load_knowledge
from charley.knowledge.lexicon import GAP_MAX, normalise
from charley.parse import parse
from charley.parse.quantities import extract
from charley.vignettes import Case, Outcome, Score, load_cases

# charley ignores commas and hyphens inside a phrase ("stiff, painful neck",
# "claw-like"); spaCy keeps them as tokens, so a pattern may skip one.
SKIPPABLE = [",", "-"]
# A `*` gap spans 1 to GAP_MAX words, never across a sentence end.
SENTENCE_ENDS = [".", "!", "?", ";", ":", "\n"]
WORDS = re.compile(r"[a-z_]+(?:'[a-z]+)?")
SPACES = re.compile(r"[ \t]+")
SPECIAL = re.compile(r"(\*|<num>|<year>)")


def import_medspacy() -> Any:
    """Import medspaCy with PyRuSH's per-token logging silenced, or exit."""
    try:
        from loguru import logger  # type: ignore[import-not-found]

        logger.disable("PyRuSH")
        import medspacy  # type: ignore[import-not-found]
    except ImportError:
        sys.exit(
            "medspacy is not installed in this Python. Use a separate virtualenv:\n"
            "  python -m venv /tmp/medspacy-venv\n"
            "  /tmp/medspacy-venv/bin/pip install medspacy==1.3.1 -e /work/main\n"
            "  /tmp/medspacy-venv/bin/python bench/compare_medspacy.py "
            "../shared/vignettes/dev.jsonl"
        )
    return medspacy


# --- building the medspaCy arm ----------------------------------------------


def respell(text: str, spellings: dict[str, str]) -> str:
    """Fix the misspellings charley fixes, word by word."""
    return WORDS.sub(lambda m: spellings.get(m.group(), m.group()), text)


def to_pattern(phrase: str, nlp: Any, spellings: dict[str, str]) -> list[dict[str, Any]] | None:
    """A spaCy token pattern for a charley phrase, or None if it cannot be made."""
    elements: list[dict[str, Any]] = []
    for part in SPECIAL.split(normalise(phrase)):
        if part == "*":
            elements.append({"TEXT": {"NOT_IN": SENTENCE_ENDS}, "OP": f"{{1,{GAP_MAX}}}"})
        elif part == "<num>":
            elements.append({"LIKE_NUM": True})
        elif part == "<year>":
            elements.append({"SHAPE": "dddd"})
        else:
            for tok in nlp.tokenizer(respell(part, spellings)):
                if not tok.is_space and tok.text not in SKIPPABLE:
                    elements.append({"LOWER": tok.lower_})
    if not elements or "OP" in elements[0] or "OP" in elements[-1]:
        return None
    pattern: list[dict[str, Any]] = []
    for i, el in enumerate(elements):
        if i:
            pattern.append({"TEXT": {"IN": SKIPPABLE}, "OP": "?"})
        pattern.append(el)
    return pattern


@dataclass
class RuleStats:
    phrases: int = 0
    rules: int = 0
    gaps: int = 0
    numbers: int = 0
    skipped: int = 0


def target_rules(kb: KnowledgeBase, nlp: Any, target_rule: Any) -> tuple[list[Any], RuleStats]:
    """One TargetRule per distinct pattern; its label lists every finding it reports.

    A phrase listed under several findings (as charley allows) gets one
    label "a=present;b=present", so the overlap pruning keeps them together.
    """
    stats = RuleStats()
    by_pattern: dict[str, tuple[str, list[dict[str, Any]], list[str]]] = {}
    for fid, fdef in kb.findings.items():
        for state, phrases in (("present", fdef.phrases), ("absent", fdef.absent_phrases)):
            for phrase in phrases:
                stats.phrases += 1
                pattern = to_pattern(phrase, nlp, kb.language.spellings)
                if pattern is None:
                    stats.skipped += 1
                    continue
                stats.gaps += "*" in phrase
                stats.numbers += "<num>" in phrase or "<year>" in phrase
                key = json.dumps(pattern, sort_keys=True)
                _, _, labels = by_pattern.setdefault(key, (phrase, pattern, []))
                label = f"{fid}={state}"
                if label not in labels:
                    labels.append(label)
    rules = [
        target_rule(phrase, ";".join(labels), pattern=pattern)
        for phrase, pattern, labels in by_pattern.values()
    ]
    stats.rules = len(rules)
    return rules, stats


def build_nlp(medspacy: Any, kb: KnowledgeBase, *, pyrush: bool) -> tuple[Any, RuleStats]:
    """medspaCy tokenizer, a sentence splitter, the target matcher and default ConText."""
    enable = ["medspacy_tokenizer", "medspacy_target_matcher", "medspacy_context"]
    if pyrush:
        enable.append("medspacy_pyrush")
    nlp = medspacy.load(medspacy_enable=enable)
    if not pyrush:
        nlp.add_pipe("sentencizer", first=True)
    from medspacy.target_matcher import TargetRule  # type: ignore[import-not-found]

    rules, stats = target_rules(kb, nlp, TargetRule)
    nlp.get_pipe("medspacy_target_matcher").add(rules)
    return nlp, stats


def medspacy_findings(text: str, nlp: Any, kb: KnowledgeBase) -> Findings:
    """Findings from medspaCy entities, with charley's own numbers."""
    norm = normalise(text)
    quantities, rest = extract(norm, kb.language)
    rest = SPACES.sub(" ", respell(rest, kb.language.spellings))
    doc = nlp(rest)
    items = [
        Finding(q.finding, "present", text[q.start : q.end].strip(), "current", q.value)
        for q in quantities
    ]
    seen: set[tuple[str, str, str]] = set()
    for ent in doc.ents:
        if ent._.is_family:
            continue  # about someone else, not the person
        if ent._.is_historical:
            context = "history"
        elif ent._.is_hypothetical:
            context = "hypothetical"
        else:
            context = "current"
        for label in ent.label_.split(";"):
            fid, state = label.split("=")
            if ent._.is_negated:
                state = "absent"
            key = (fid, state, context)
            if key not in seen:
                seen.add(key)
                items.append(Finding(fid, state, ent.text, context))  # type: ignore[arg-type]
    return Findings(tuple(items))


# --- scoring and timing -----------------------------------------------------


Parser = Callable[[str], Findings]


def run_arm(cases: list[Case], parser: Parser, kb: KnowledgeBase) -> tuple[Score, list[Findings]]:
    outcomes: list[Outcome] = []
    parsed: list[Findings] = []
    for case in cases:
        findings = parser(case.text)
        a = assess(findings=findings, kb=kb)
        outcomes.append(Outcome(case, a.triage.level, tuple(k.id for k in a.kinds)))
        parsed.append(findings)
    return Score(tuple(outcomes)), parsed


def time_per_text(cases: list[Case], fn: Callable[[str], object], reps: int) -> list[float]:
    """Seconds per call, one figure per text per repetition."""
    times: list[float] = []
    for case in cases:
        fn(case.text)  # warm up
    for _ in range(reps):
        for case in cases:
            t0 = time.perf_counter()
            fn(case.text)
            times.append(time.perf_counter() - t0)
    return times


def p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10)[-1]


def best_of(code: str, runs: int = 5) -> float:
    """Wall time of a fresh `python -c code`, best of `runs`."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def keyset(findings: Findings) -> set[tuple[str, str, str]]:
    return {(f.id, f.state, f.context) for f in findings.items if f.value is None}


def show(f: tuple[str, str, str]) -> str:
    fid, state, context = f
    return (
        fid
        + ("" if state == "present" else f" {state}")
        + ("" if context == "current" else f" ({context})")
    )


def print_scores(name: str, s: Score) -> None:
    n = len(s.outcomes)
    print(
        f"{name:<28} exact {s.count('exact'):>2}/{n} ({s.rate('exact'):.0%})  "
        f"acceptable {s.count('acceptable'):>2}/{n} ({s.rate('acceptable'):.0%})  "
        f"under {s.count('under')}  over {s.count('over')}  "
        f"kind@1 {s.rate('kind_at_1'):.0%}  kind@3 {s.rate('kind_at_3'):.0%}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("vignettes", type=Path)
    ap.add_argument("--reps", type=int, default=20, help="timing repetitions (default 20)")
    ap.add_argument("--no-pyrush", action="store_true", help="skip the PyRuSH timing")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    medspacy = import_medspacy()
    import_ms = time.perf_counter() - t0

    cases = load_cases(args.vignettes)
    t0 = time.perf_counter()
    kb = load_knowledge()
    load_charley = time.perf_counter() - t0
    t0 = time.perf_counter()
    nlp, stats = build_nlp(medspacy, kb, pyrush=False)
    build_ms = time.perf_counter() - t0

    def arm_a(text: str) -> Findings:
        return parse(text, kb=kb)

    def arm_b(text: str) -> Findings:
        return medspacy_findings(text, nlp, kb)

    print(f"{len(cases)} vignettes from {args.vignettes}")
    print(
        f"vocabulary: {stats.phrases} finding phrases -> {stats.rules} medspaCy target rules; "
        f"{stats.gaps} with a '*' gap and {stats.numbers} with <num>/<year> translated, "
        f"{stats.skipped} skipped"
    )
    ctx_rules = nlp.get_pipe("medspacy_context").rules
    cats = sorted({r.category for r in ctx_rules})
    print(f"medspaCy ConText: {len(ctx_rules)} default rules ({', '.join(cats)})")
    print()

    score_a, parsed_a = run_arm(cases, arm_a, kb)
    score_b, parsed_b = run_arm(cases, arm_b, kb)
    print("== correctness ==")
    print_scores("A charley", score_a)
    print_scores("B medspaCy (sentencizer)", score_b)
    print()

    print("== cases that differ (findings only in A / only in B; numbers are shared) ==")
    differ = 0
    for oa, ob, fa, fb in zip(score_a.outcomes, score_b.outcomes, parsed_a, parsed_b, strict=True):
        only_a, only_b = keyset(fa) - keyset(fb), keyset(fb) - keyset(fa)
        if not (only_a or only_b) and oa.level == ob.level:
            continue
        differ += 1
        c = oa.case
        mark_a = "ok" if oa.acceptable else ("UNDER" if oa.under else "over")
        mark_b = "ok" if ob.acceptable else ("UNDER" if ob.under else "over")
        print(
            f"{c.id} ref {c.triage}: A {oa.level} [{mark_a}] {oa.kinds[:1]}  "
            f"B {ob.level} [{mark_b}] {ob.kinds[:1]}"
        )
        print(f"    text: {c.text}")
        if only_a:
            print(f"    only A: {', '.join(sorted(map(show, only_a)))}")
        if only_b:
            print(f"    only B: {', '.join(sorted(map(show, only_b)))}")
    print(f"{differ} of {len(cases)} cases differ in findings or level")
    print()

    print(f"== speed: parse per text, {args.reps} x {len(cases)} texts ==")
    ta = time_per_text(cases, arm_a, args.reps)
    tb = time_per_text(cases, arm_b, args.reps)
    rows = [("A charley parse", ta), ("B medspaCy + sentencizer", tb)]
    tc: list[float] | None = None
    pyrush_note = ""
    if not args.no_pyrush:
        try:
            t0 = time.perf_counter()
            nlp_rush, _ = build_nlp(medspacy, kb, pyrush=True)
            pyrush_build = time.perf_counter() - t0
            tc = time_per_text(cases, lambda text: medspacy_findings(text, nlp_rush, kb), args.reps)
            rows.append(("B' medspaCy + PyRuSH", tc))
            score_c, _ = run_arm(cases, lambda text: medspacy_findings(text, nlp_rush, kb), kb)
            pyrush_note = (
                f"PyRuSH pipeline build {pyrush_build * 1000:.0f} ms; its scores: "
                f"exact {score_c.rate('exact'):.0%}, acceptable {score_c.rate('acceptable'):.0%}, "
                f"under {score_c.count('under')}, over {score_c.count('over')}"
            )
        except Exception as exc:  # report and carry on: PyRuSH is optional here
            pyrush_note = f"PyRuSH did not run: {type(exc).__name__}: {exc}"
    for name, t in rows:
        print(
            f"{name:<28} median {statistics.median(t) * 1000:7.3f} ms   p90 {p90(t) * 1000:7.3f} ms"
        )
    print(
        f"ratio medspaCy/charley (sentencizer): "
        f"median {statistics.median(tb) / statistics.median(ta):.1f}x, "
        f"p90 {p90(tb) / p90(ta):.1f}x"
    )
    if tc is not None:
        print(
            f"ratio medspaCy/charley (PyRuSH):      "
            f"median {statistics.median(tc) / statistics.median(ta):.1f}x"
        )
    if pyrush_note:
        print(pyrush_note)
    t_assess = time_per_text(cases, lambda text: assess(findings=arm_a(text), kb=kb), args.reps)
    print(
        f"whole in-process assessment with charley's parser: median "
        f"{statistics.median(t_assess) * 1000:.3f} ms, p90 {p90(t_assess) * 1000:.3f} ms"
    )
    print()

    print("== load ==")
    print(f"charley load_knowledge() in this process: {load_charley * 1000:.1f} ms")
    print(f"import medspacy (PyRuSH logging off):     {import_ms * 1000:.0f} ms")
    print(f"build medspaCy pipeline + {stats.rules} rules:   {build_ms * 1000:.0f} ms")
    bare = best_of("pass")
    imp_a = best_of("import charley.assess, charley.knowledge as k; k.load_knowledge()")
    imp_b = best_of('from loguru import logger; logger.disable("PyRuSH"); import medspacy')
    print(f"fresh python -c pass (best of 5):            {bare * 1000:.0f} ms")
    print(
        f"fresh import charley + load knowledge:        {imp_a * 1000:.0f} ms "
        f"({imp_a / bare:.1f}x bare)"
    )
    print(
        f"fresh import medspacy:                        {imp_b * 1000:.0f} ms "
        f"({imp_b / bare:.1f}x bare)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
