"""The practice set, and the scoring behind `charley bench vignettes`."""

from __future__ import annotations

from pathlib import Path

import pytest

from charley.errors import InputError
from charley.vignettes import load_cases, score
from tests.conftest import VIGNETTES, needs_shared


@needs_shared
def test_practice_set_meets_the_bar() -> None:
    result = score(load_cases(VIGNETTES))
    under = [o.case.id for o in result.outcomes if o.under]
    assert under == [], f"under-triaged: {under}"
    assert result.rate("acceptable") >= 0.95
    assert result.rate("kind_at_3") >= 0.90


@needs_shared
def test_second_practice_set_meets_the_bar() -> None:
    """dev2 (120 cases in varied lay styles): no under-triage, 95% acceptable.
    Its even ids were only ever measured, never read case by case."""
    result = score(load_cases(VIGNETTES.with_name("dev2.jsonl")))
    under = [o.case.id for o in result.outcomes if o.under]
    assert under == [], f"under-triaged: {under}"
    assert result.rate("acceptable") >= 0.95
    assert result.rate("kind_at_3") >= 0.90


FRESH = Path(__file__).parent / "data" / "vignettes"


def test_fresh_tuning_vignettes_hold() -> None:
    """2,714 vignettes written from TRIAGE.md apart from charley, used for tuning:
    none may be under-triaged, the emergency screen's cases included."""
    cases = [c for f in sorted((FRESH / "tune").glob("*.jsonl")) for c in load_cases(f)]
    assert len(cases) > 2600
    result = score(cases)
    under = sorted(o.case.id for o in result.outcomes if o.under)
    assert under == [], f"under-triaged: {under}"
    assert result.rate("acceptable") >= 0.97
    assert result.rate("kind_at_3") >= 0.93


def test_scoring_counts_under_and_over_triage(tmp_path: Path) -> None:
    f = tmp_path / "cases.jsonl"
    f.write_text(
        '{"id": "A", "text": "Crushing chest pain and my arm cramps.", "triage": "self_care",'
        ' "acceptable": ["self_care"], "kinds_ok": ["cramp"]}\n'
        '{"id": "B", "text": "My calf cramped for a minute and eased.", "triage": "emergency",'
        ' "acceptable": ["emergency"], "kinds_ok": ["cramp"]}\n',
        encoding="utf-8",
    )
    result = score(load_cases(f))
    assert [o.over for o in result.outcomes] == [True, False]
    assert [o.under for o in result.outcomes] == [False, True]
    assert result.rate("kind_at_1") == 0.5
    assert len(result.failing) == 2


def test_a_case_with_no_muscle_kind_is_right_only_when_none_is_shown(tmp_path: Path) -> None:
    f = tmp_path / "cases.jsonl"
    f.write_text(
        '{"id": "A", "text": "I have had a sore throat for three days.", "triage": "consultation",'
        ' "acceptable": ["consultation"], "kinds_ok": [], "in_scope": false}\n'
        '{"id": "B", "text": "My calf cramped for a minute and eased.", "triage": "self_care",'
        ' "acceptable": ["self_care"], "kinds_ok": [], "in_scope": false}\n',
        encoding="utf-8",
    )
    result = score(load_cases(f))
    assert [o.kind_at_3 for o in result.outcomes] == [True, False]
    assert [o.scope_agrees for o in result.outcomes] == [True, False]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "not valid JSON"),
        ('{"id": "A"}\n', "needs the keys"),
        (
            '{"id": "A", "text": "x", "triage": "urgent", "acceptable": [], "kinds_ok": []}\n',
            "unknown level",
        ),
        ("", "no vignettes"),
    ],
)
def test_bad_vignette_files_are_named_clearly(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_cases(f)


SCOPE = FRESH / "scope"


def test_out_of_scope_and_general_emergencies_hold() -> None:
    """68 cases written apart from charley (48 in lay words, 20 as a clinician's
    notes): complaints that are not muscle problems, general emergencies, and
    muscle problems near the boundary. None may be under-triaged; what the
    writer marked out of scope is said to be out of scope, with no muscle kind."""
    result = score([c for f in sorted(SCOPE.glob("*.jsonl")) for c in load_cases(f)])
    assert len(result.outcomes) >= 55
    assert all(o.case.in_scope is not None for o in result.outcomes)
    under = sorted(o.case.id for o in result.outcomes if o.under)
    assert under == [], f"under-triaged: {under}"
    assert result.rate("acceptable") >= 0.95
    assert result.rate("scope_agrees") >= 0.95
    for o in result.outcomes:
        if not o.in_scope:
            assert o.kinds == () and o.level != "self_care", o.case.id
