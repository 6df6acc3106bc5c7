"""The inventory of the articles' statements (coverage.yaml) and how much of it
charley cites: `charley kb check` checks it and prints the figure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from charley.knowledge.base import KnowledgeBase
from charley.knowledge.check import (
    article_texts,
    check_coverage,
    check_knowledge,
    coverage_share,
    fold,
    load_coverage,
    same_passage,
)
from charley.knowledge.schema import ArticleCoverage, Coverage, CoverageEntry
from tests.conftest import SOURCES, TRIAGE_MD, needs_shared

MINIMUM = 0.90
A0 = "000_410a16a8c47bb9f5.txt"


def _coverage() -> Coverage:
    problems: list[str] = []
    coverage = load_coverage(problems)
    assert coverage is not None, problems
    return coverage


def _texts(kb: KnowledgeBase) -> dict[str, str]:
    problems: list[str] = []
    texts = article_texts(kb, SOURCES, problems)
    assert not problems, problems
    return texts


def _one(entry: CoverageEntry, coverage: Coverage) -> Coverage:
    return replace(coverage, articles=(ArticleCoverage(A0, (entry,)),))


@needs_shared
def test_the_inventory_is_sound_and_covers_at_least_90_percent(kb: KnowledgeBase) -> None:
    coverage = _coverage()
    problems, figures = check_coverage(kb, coverage, _texts(kb))
    assert not problems, problems
    assert set(figures) == {s.id for s in kb.sources.values() if s.kind == "article"}
    for article, (cited, left) in figures.items():
        assert cited + left >= 25, article  # every article is inventoried, not a sample
    cited = sum(c for c, _ in figures.values())
    left = sum(x for _, x in figures.values())
    assert coverage_share(cited, left) >= MINIMUM, (cited, left)


@needs_shared
def test_every_inventory_quote_is_verbatim_in_its_article(kb: KnowledgeBase) -> None:
    texts = _texts(kb)
    for article in _coverage().articles:
        for entry in article.statements:
            assert fold(entry.quote) in texts[article.source], (article.source, entry.quote)


@needs_shared
def test_kb_check_reports_the_coverage() -> None:
    report = check_knowledge(SOURCES, TRIAGE_MD)
    assert report.ok, report.problems
    assert report.counts["article statements"] == sum(c + x for c, x in report.coverage.values())
    lines = report.coverage_lines()
    assert lines[-1].startswith("overall: ") and "%" in lines[-1]
    assert len(lines) == len(report.coverage) + 1


@needs_shared
def test_a_quote_not_in_the_article_is_reported(kb: KnowledgeBase) -> None:
    entry = CoverageEntry(quote="Cramps are cured by singing.", left_out="too_vague", note="x")
    problems, _ = check_coverage(kb, _one(entry, _coverage()), _texts(kb))
    assert any("not found verbatim" in p for p in problems)


@needs_shared
def test_cited_by_must_quote_the_same_passage(kb: KnowledgeBase) -> None:
    coverage = _coverage()
    # relief.gentle_stretch cites 000, but not the passage about pregnancy
    wrong = CoverageEntry(
        quote="Being pregnant or overweight/obese can also increase the risk",
        cited_by=("relief.gentle_stretch",),
    )
    problems, _ = check_coverage(kb, _one(wrong, coverage), _texts(kb))
    assert any("no citation of relief.gentle_stretch quotes this passage" in p for p in problems)
    right = replace(wrong, cited_by=("risk_factors.pregnancy",))
    problems, figures = check_coverage(kb, _one(right, coverage), _texts(kb))
    assert not [p for p in problems if A0 in p], problems
    assert figures[A0] == (1, 0)


@needs_shared
def test_an_unknown_statement_id_and_a_statement_without_the_article_are_reported(
    kb: KnowledgeBase,
) -> None:
    coverage = _coverage()
    unknown = CoverageEntry(quote="Difficulty moving the affected limb", cited_by=("relief.nope",))
    problems, _ = check_coverage(kb, _one(unknown, coverage), _texts(kb))
    assert any("'relief.nope' is not a statement" in p for p in problems)
    other = CoverageEntry(
        quote="Difficulty moving the affected limb", cited_by=("relief.foot_stretch",)
    )
    problems, _ = check_coverage(kb, _one(other, coverage), _texts(kb))
    assert any("relief.foot_stretch cites nothing from" in p for p in problems)


@pytest.mark.parametrize(
    "entry",
    [
        CoverageEntry(quote="Difficulty moving the affected limb"),
        CoverageEntry(
            quote="Difficulty moving the affected limb",
            cited_by=("warning_signs.severe_pain_weakness",),
            left_out="too_vague",
            note="x",
        ),
    ],
)
def test_each_entry_has_exactly_one_of_cited_by_and_left_out(
    kb: KnowledgeBase, entry: CoverageEntry
) -> None:
    problems, _ = check_coverage(kb, _one(entry, _coverage()), None)
    assert any("exactly one of cited_by and left_out" in p for p in problems)


def test_a_left_out_statement_needs_a_known_reason_and_a_note(kb: KnowledgeBase) -> None:
    entry = CoverageEntry(quote="Difficulty moving the affected limb", left_out="boring")
    problems, figures = check_coverage(kb, _one(entry, _coverage()), None)
    assert any("'boring' is not in reasons" in p for p in problems)
    assert any("needs a note" in p for p in problems)
    assert figures[A0] == (0, 1)


def test_an_article_without_inventory_is_reported(kb: KnowledgeBase) -> None:
    coverage = replace(_coverage(), articles=())
    problems, _ = check_coverage(kb, coverage, None)
    assert sum("has no inventory" in p for p in problems) == 4


def test_same_passage_is_an_overlap_of_places_in_the_article() -> None:
    text = fold("Cramps hurt. Stretch the calf gently and hold it. Drink water after exercise.")
    assert same_passage(text, "Stretch the calf gently", "Stretch the calf gently and hold it.")
    assert same_passage(text, "the calf gently and hold it", "Stretch the calf gently and")
    assert not same_passage(text, "Cramps hurt.", "Stretch the calf gently")
    # a shared word at the seam is not the same passage
    assert not same_passage(text, "hold it. Drink", "Drink water after exercise.")
    # a short quote counts when it lies wholly inside the other
    assert same_passage(text, "calf", "Stretch the calf gently")
    assert not same_passage(text, "Not in the text at all", "Cramps hurt.")


def test_the_docs_list_every_statement_left_out() -> None:
    docs = fold((Path(__file__).resolve().parents[2] / "docs" / "knowledge.md").read_text())
    section = docs.split("what the articles say that charley leaves out", 1)[1]
    for article in _coverage().articles:
        for entry in article.statements:
            if entry.left_out:
                assert fold(entry.quote) in section, entry.quote


def test_coverage_share() -> None:
    assert coverage_share(9, 1) == pytest.approx(0.9)
    assert coverage_share(0, 0) == 0.0


def test_coverage_is_not_read_when_charley_starts() -> None:
    from charley.knowledge.loader import DATA_FILES

    assert "coverage" not in DATA_FILES  # the inventory is read by `kb check` only
