"""The statements the guide shows and `charley ask` searches: one list, from the knowledge."""

from __future__ import annotations

from charley.knowledge.compile import profile_sections
from charley.knowledge.loader import load_knowledge
from charley.statements import all_statements


def test_every_profile_fact_kind_and_disagreement_is_a_statement_once() -> None:
    kb = load_knowledge()
    ids = [s.id for s in all_statements(kb)]
    assert len(ids) == len(set(ids))
    expected = {"summary.muscle_spasm"}
    expected |= {f"kinds.{k}" for k in kb.kinds}
    for section, facts in profile_sections(kb.profile).items():
        expected |= {f"{section}.{f.id}" for f in facts}
    expected |= {f"disagreements.{d.id}" for d in kb.profile.disagreements}
    assert set(ids) == expected


def test_every_statement_has_words_and_a_source() -> None:
    for statement in all_statements(load_knowledge()):
        assert statement.text.strip(), statement.id
        assert statement.citations, statement.id
        assert all(c.quote or c.summary for c in statement.citations), statement.id
