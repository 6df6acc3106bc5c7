"""What an answer may and may not hold at each level (TRIAGE.md, "Advice that
must stay safe" and "Out of scope"), checked over every policy row's case and
as a property over any findings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charley import assess
from charley.assessment import Assessment
from charley.findings import Findings
from charley.knowledge import load_knowledge
from charley.triage import RANK
from tests.triage.test_policy import CASES

KB = load_knowledge()
WHILE_WAITING = {f.id for f in KB.profile.while_waiting}
HOME_RELIEF = {f.id for f in KB.profile.relief}
ORDINARY = set(KB.profile.ordinary_causes)
EMERGENCY = ("emergency", "emergency_ambulance")
SAFETY_NET_LEVEL = {f.id: str(f.level) for f in KB.profile.safety_net}
CLOT_FORBIDDEN = {"massage", "gentle_stretch", "heat_for_tightness", "calf_stretch", "rest"}


def check(a: Assessment) -> None:
    level = a.triage.level
    relief = {r.id for r in a.relief}
    if level in EMERGENCY:
        assert relief <= WHILE_WAITING, "an emergency answer says what to do while waiting"
        assert a.safety_net == ()
    else:
        assert a.safety_net, "every answer below the emergency levels ends with its safety net"
        assert all(s.citations for s in a.safety_net)
        sends_to = [SAFETY_NET_LEVEL[s.id] for s in a.safety_net]
        assert all(RANK[to] > RANK[level] for to in sends_to), "a safety net that raises the level"
    if RANK[level] >= RANK["consultation_24"]:
        assert not relief & HOME_RELIEF, "no home relief from 'within 24 hours' up"
        assert a.prevention == ()
        assert not {c.id for c in a.causes} & ORDINARY, "no ordinary-cramp cause beside the danger"
        assert {r.level for r in a.triage.reasons} == {level}, "no reason of a lower level"
    if not a.in_scope:
        assert a.kinds == () and a.causes == () and a.prevention == ()
        assert relief <= WHILE_WAITING
        assert level != "self_care"
    clot = "dvt" in {k.id for k in a.kinds} or "sign.swelling" in {
        f.id for f in a.findings.items if f.state == "present" and f.context == "current"
    }
    if clot:
        assert not relief & CLOT_FORBIDDEN, "a possible clot is never rubbed, heated or stretched"


@pytest.mark.parametrize(("row", "fires", "near_miss"), CASES, ids=[c[0] for c in CASES])
def test_every_rows_answer_is_coherent(row: str, fires: str, near_miss: str) -> None:
    check(assess(fires))
    check(assess(near_miss))


FINDING_IDS = sorted(f for f, d in KB.findings.items() if d.group != "quantity")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FINDING_IDS), max_size=6, unique=True))
def test_any_findings_give_a_coherent_answer(ids: list[str]) -> None:
    check(assess(findings=Findings.of(present=ids)))


@pytest.mark.parametrize(
    "text",
    [
        "I have a sore throat and a cough",
        "my ear hurts",
        "bad period cramps this morning",
        "stomach cramps and diarrhoea since eating chicken",
        "toothache on the left side",
    ],
)
def test_what_charley_cannot_assess_is_said_plainly(text: str) -> None:
    a = assess(text)
    assert not a.in_scope
    assert a.triage.level == "consultation"
    assert a.kinds == () and a.relief == () and a.prevention == ()
    assert "cannot assess" in a.triage.reasons[-1].statement
    assert {"nhs_111", "pharmacy"} <= {s.id for s in a.see}


def test_an_emergency_charley_cannot_otherwise_assess_still_gets_the_emergency() -> None:
    a = assess("crushing chest pain, sweating and feeling sick")
    assert a.triage.level == "emergency_ambulance"
    assert "do_not_drive" in {r.id for r in a.relief}
    assert [s.id for s in a.see] == ["emergency_services"]


def test_belly_cramps_are_in_scope_but_never_self_care() -> None:
    a = assess("tummy cramps that lasted a minute and eased")
    assert a.in_scope
    assert a.triage.level != "self_care"
