"""The knowledge base loads strictly: bad data is rejected with a clear list."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import yaml

from charley.errors import KnowledgeError
from charley.knowledge import loader
from charley.knowledge.check import (
    ADVICE_LEVEL,
    check_knowledge,
    check_policy,
    check_quotes,
    policy_bullets,
)
from tests.conftest import SOURCES, TRIAGE_MD, needs_shared


def _edit(raw: dict[str, bytes], name: str, change) -> dict[str, bytes]:
    doc = yaml.safe_load(raw[name])
    change(doc)
    return {**raw, name: yaml.safe_dump(doc, sort_keys=False).encode()}


def _problems(raw: dict[str, bytes]) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        loader.build_knowledge(raw)
    return info.value.problems


def test_packaged_knowledge_builds(kb) -> None:
    assert len(kb.triage.rules) >= len(kb.triage.rows) >= 30
    assert {"cramp", "fasciculation", "cardiac", "dvt", "rhabdomyolysis"} <= set(kb.kinds)


def test_unknown_key_is_rejected(raw_data) -> None:
    raw = _edit(raw_data, "triage", lambda d: d["rules"][0].update(colour="red"))
    assert any("colour" in p for p in _problems(raw))


def test_a_key_written_twice_is_rejected(raw_data) -> None:
    # a finding with two `implies:` lines once gave the first's meaning to the next
    bad = raw_data["findings"].replace(
        b"    implies: [sign.consciousness_change]\n",
        b"    implies: [sign.consciousness_change]\n    implies: [site.leg]\n",
        1,
    )
    assert bad != raw_data["findings"]
    problems = _problems({**raw_data, "findings": bad})
    assert any("written twice" in p for p in problems)


def test_rule_without_citation_is_rejected(raw_data) -> None:
    raw = _edit(raw_data, "triage", lambda d: d["rules"][0].update(citations=[]))
    assert any("chest_pain: has no citation" in p for p in _problems(raw))


def test_relief_without_citation_is_rejected(raw_data) -> None:
    raw = _edit(raw_data, "profile", lambda d: d["relief"][0].update(citations=[]))
    assert any(p.startswith("profile.relief.") and "no citation" in p for p in _problems(raw))


def test_unknown_finding_in_a_rule_is_rejected(raw_data) -> None:
    raw = _edit(raw_data, "triage", lambda d: d["rules"][0].update(when="sign.made_up"))
    assert any("sign.made_up" in p for p in _problems(raw))


def test_policy_row_without_rule_is_rejected(raw_data) -> None:
    def drop(d):
        d["rules"] = [r for r in d["rules"] if r["row"] != "tetanus"]

    assert any(
        "tetanus: no rule implements" in p for p in _problems(_edit(raw_data, "triage", drop))
    )


def test_quinine_in_advice_is_rejected(raw_data) -> None:
    raw = _edit(raw_data, "profile", lambda d: d["relief"][0].update(text="Take quinine at night."))
    assert any("quinine" in p for p in _problems(raw))


def test_guidance_citation_needs_a_summary(raw_data) -> None:
    raw = _edit(
        raw_data,
        "triage",
        lambda d: d["rules"][0].update(citations=[{"source": "nhs_leg_cramps", "quote": "x"}]),
    )
    assert any("guidance citation needs a summary" in p for p in _problems(raw))


def test_cache_is_used_and_a_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CHARLEY_CACHE_DIR", str(tmp_path))
    loader.load_knowledge.cache_clear()
    try:
        first = loader.load_knowledge()
        files = list(tmp_path.glob("kb-*.pickle"))
        assert len(files) == 1
        with files[0].open("rb") as f:
            assert pickle.load(f).digest == first.digest
        files[0].write_bytes(b"not a pickle")
        loader.load_knowledge.cache_clear()
        again = loader.load_knowledge()
        assert again.digest == first.digest
        with files[0].open("rb") as f:
            assert pickle.load(f).digest == first.digest
    finally:
        loader.load_knowledge.cache_clear()


def test_a_change_to_the_compiler_changes_the_cache_key(raw_data, monkeypatch) -> None:
    before = loader.digest_of(raw_data)
    monkeypatch.setattr(loader, "COMPILER_MODULES", (*loader.COMPILER_MODULES, "check.py"))
    assert loader.digest_of(raw_data) != before


def test_any_change_to_the_yaml_changes_the_cache_key(raw_data) -> None:
    changed = {**raw_data, "kinds": raw_data["kinds"] + b"\n# a comment\n"}
    assert loader.digest_of(changed) != loader.digest_of(raw_data)


@needs_shared
def test_every_quote_is_verbatim_in_its_source(kb) -> None:
    assert check_quotes(kb, SOURCES) == []


@needs_shared
def test_a_quote_that_is_not_in_the_source_is_reported(raw_data, tmp_path: Path) -> None:
    def tamper(d):
        d["rules"][0]["citations"][0]["quote"] = "Cramps are caused by the moon."

    kb = loader.build_knowledge(_edit(raw_data, "triage", tamper))
    problems = check_quotes(kb, SOURCES)
    assert len(problems) == 1 and "caused by the moon" in problems[0]


@needs_shared
def test_every_triage_md_rule_is_implemented(kb) -> None:
    text = TRIAGE_MD.read_text(encoding="utf-8")
    rules = [b for b in policy_bullets(text) if b[0] != ADVICE_LEVEL]
    advice_rows = [r for r in kb.triage.rows if r.id == "reassurance"]
    assert len(rules) + len(advice_rows) == len(kb.triage.rows)
    assert check_policy(kb, text) == []


@needs_shared
def test_a_new_triage_md_rule_without_implementation_is_reported(kb) -> None:
    text = TRIAGE_MD.read_text(encoding="utf-8").replace(
        "**emergency**\n", "**emergency**\n- Purple toes after eating beetroot.\n", 1
    )
    problems = check_policy(kb, text)
    assert any("Purple toes" in p for p in problems)


@needs_shared
def test_kb_check_passes_with_sources_and_policy() -> None:
    report = check_knowledge(SOURCES, TRIAGE_MD)
    assert report.ok, report.problems
    assert report.counts["quotes"] > 300
