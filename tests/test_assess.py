"""The Assessment: the JSON contract, explanations and structured input."""

from __future__ import annotations

import json

import pytest

from charley import Findings, assess
from charley.errors import InputError, UnknownFindingError

CONTRACT_KEYS = {
    "triage",
    "kinds",
    "causes",
    "relief",
    "prevention",
    "see",
    "questions",
    "findings",
    "disclaimer",
}


def test_the_json_has_every_contract_field() -> None:
    d = assess(
        "My left calf cramped for two minutes last night and eased with stretching."
    ).to_dict()
    assert set(d) >= CONTRACT_KEYS
    assert {"level", "label", "reasons"} <= set(d["triage"])
    reason = d["triage"]["reasons"][0]
    assert {"statement", "findings", "citations"} <= set(reason)
    assert {"source", "quote"} <= set(reason["citations"][0])
    kind = d["kinds"][0]
    assert {"id", "label", "icd10", "why", "citations"} <= set(kind)
    assert {"id", "state", "evidence"} <= set(d["findings"][0])
    json.dumps(d)  # serialisable as it is


def test_every_statement_cites_a_source() -> None:
    d = assess("I'm 28 weeks pregnant and get calf cramps most nights.").to_dict()
    for section in ("kinds", "causes", "relief", "prevention"):
        for item in d[section]:
            assert item["citations"], f"{section} item without a citation: {item}"
    for reason in d["triage"]["reasons"]:
        assert reason["citations"] and reason["findings"]


def test_an_ordinary_cramp_gets_self_care_with_calf_advice() -> None:
    a = assess("My right calf cramped last night for two minutes and eased when I stretched.")
    assert a.triage.level == "self_care"
    assert a.kinds[0].id == "cramp" and a.kinds[0].icd10 == "R25.2"
    assert any("calf" in r.text.lower() for r in a.relief)
    assert a.prevention
    assert not a.questions


def test_an_emergency_gets_no_home_remedies() -> None:
    a = assess("Crushing chest pain and my left arm is cramping.")
    assert a.triage.level == "emergency_ambulance"
    assert a.kinds[0].id == "cardiac"
    # what to do while waiting, never a stretch, a rub or a heat pad
    assert "do_not_drive" in {s.id for s in a.relief}
    assert not {s.id for s in a.relief} & {"gentle_stretch", "massage", "heat_for_tightness"}
    assert a.prevention == ()
    assert [s.id for s in a.see] == ["emergency_services"]


def test_a_harmless_twitch_is_not_sent_to_a_specialist() -> None:
    a = assess("My eyelid has been twitching for three days; lots of coffee, nothing feels weak.")
    assert a.triage.level == "self_care"
    assert {s.id for s in a.see} <= {"primary_care"}


def test_a_higher_level_never_shows_a_manage_at_home_reason() -> None:
    for text in (
        "Crushing chest pain and my calf is cramping.",
        "My calf cramps and it is swollen.",
    ):
        a = assess(text)
        assert a.triage.level != "self_care"
        assert all(r.level != "self_care" for r in a.triage.reasons), text
        assert not any("managed at home" in r.statement for r in a.triage.reasons)


def test_empty_or_unclear_input_asks_instead_of_reassuring() -> None:
    for text in ("", "hello", "my knee"):
        a = assess(text)
        assert a.triage.level != "self_care"
        assert a.questions, text
        assert a.questions[0].id == "sign.chest_pain"


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (
            "I woke up with a painful knot in my neck after sleeping awkwardly.",
            {"sign.fever", "sign.headache", "sign.rash"},
        ),
        ("My left calf is swollen and aching.", {"sign.breathing_difficulty", "sign.chest_pain"}),
        ("I take a statin and my thighs ache.", {"sign.dark_urine"}),
    ],
)
def test_what_must_be_asked_is_asked_and_holds_the_level(text: str, asked: set[str]) -> None:
    a = assess(text)
    assert asked <= {q.id for q in a.questions}
    assert a.triage.level in ("consultation_24", "emergency", "emergency_ambulance")


def test_answering_the_neck_questions_allows_self_care() -> None:
    a = assess(
        "I woke up with a painful knot in my neck after sleeping awkwardly. "
        "No fever, no headache and no rash."
    )
    assert a.triage.level == "self_care"
    assert a.kinds[0].id == "musculoskeletal_spasm"


def test_structured_findings_give_the_same_answer_as_words() -> None:
    by_words = assess("My calf is cramping and I have chest pain.")
    by_ids = assess(findings=Findings.of(present=["symptom.cramp", "site.calf", "sign.chest_pain"]))
    assert by_ids.triage.level == by_words.triage.level == "emergency_ambulance"


def test_structured_numbers_are_used() -> None:
    a = assess(
        findings=Findings.of(
            present=["symptom.cramp", "relief.not_eased"], values={"episode.minutes": 25}
        )
    )
    assert a.triage.level == "consultation_24"


def test_unknown_finding_id_is_a_clear_error() -> None:
    with pytest.raises(UnknownFindingError, match=r"sign\.purple"):
        assess(findings=Findings.of(present=["sign.purple"]))


def test_text_and_findings_together_are_refused() -> None:
    with pytest.raises(InputError):
        assess("cramp", findings=Findings.of(present=["symptom.cramp"]))


def test_findings_from_json_rows_are_checked() -> None:
    with pytest.raises(InputError, match="state"):
        Findings.from_dicts([{"id": "symptom.cramp", "state": "maybe"}])
    f = Findings.from_dicts([{"id": "episode.minutes", "value": 12}])
    assert f.items[0].value == 12.0


def test_history_does_not_count_as_now() -> None:
    a = assess(
        "I had a blood clot in my left leg in 2015. Yesterday my calf cramped for a few minutes "
        "after a bike ride and went away with stretching."
    )
    assert a.triage.level == "self_care"
