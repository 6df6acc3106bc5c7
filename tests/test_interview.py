"""The interview asks the most urgent questions first and stops at an emergency."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from charley.cli.app import app
from charley.errors import UnknownFindingError
from charley.interview import UNCLEAR, next_step, read_reply
from charley.triage import RANK


def test_first_question_is_the_most_urgent() -> None:
    step = next_step(text="my calf keeps cramping", answers={})
    assert not step.done
    assert step.question is not None and step.question.id == "sign.chest_pain"


def test_a_yes_to_a_red_flag_stops_at_once() -> None:
    step = next_step(text="my calf keeps cramping", answers={"sign.chest_pain": True})
    assert step.done and step.question is None
    assert step.assessment.triage.level == "emergency_ambulance"
    answered = step.assessment.findings.get("sign.chest_pain")
    assert answered is not None and answered.evidence.endswith(": yes")


def test_no_answers_move_to_the_next_question_in_order() -> None:
    step = next_step(
        text="my calf keeps cramping",
        answers={"sign.chest_pain": False, "sign.breathing_difficulty": False},
    )
    assert step.question is not None and step.question.id == "sign.consciousness_change"


def test_what_the_description_says_is_not_asked_again() -> None:
    step = next_step(text="calf cramp, no chest pain", answers={})
    assert step.question is not None and step.question.id == "sign.breathing_difficulty"


def test_open_questions_of_the_description_come_first() -> None:
    step = next_step(text="a painful knot in my neck", answers={})
    assert step.question is not None and step.question.id == "sign.fever"


def test_answering_everything_no_ends_with_an_assessment() -> None:
    answers: dict[str, bool | None] = {}
    for _ in range(100):
        step = next_step(text="my calf cramped for two minutes and eased", answers=answers)
        if step.done:
            break
        assert step.question is not None
        answers[step.question.id] = False
    assert step.done
    assert step.assessment.triage.level == "self_care"


def test_dont_know_counts_as_asked_but_unknown() -> None:
    step = next_step(text="a painful knot in my neck", answers={"sign.fever": None})
    assert step.question is not None and step.question.id == "sign.headache"
    assert any(q.id == "sign.fever" for q in step.assessment.questions)


def test_unknown_answer_ids_are_refused() -> None:
    with pytest.raises(UnknownFindingError):
        next_step(text="cramp", answers={"sign.nope": True})


RED_FLAGS_NO = {
    "sign.chest_pain": False,
    "sign.breathing_difficulty": False,
    "sign.face_droop": False,
    "sign.cannot_move": False,
    "sign.weakness_progressive": False,
}


def test_dont_know_to_a_red_flag_holds_the_level() -> None:
    answers = {**RED_FLAGS_NO, "sign.consciousness_change": None}
    step = next_step(text="my calf cramped for a minute and eased with stretching", answers=answers)
    assert RANK[step.assessment.triage.level] >= RANK["consultation_24"]
    assert "sign.consciousness_change" in {q.id for q in step.assessment.questions}


def test_no_stopping_before_the_red_flags_are_answered() -> None:
    step = next_step(text="my calf keeps cramping", answers={"sign.chest_pain": False})
    assert not step.can_stop
    answers = {**RED_FLAGS_NO, "sign.consciousness_change": False}
    assert next_step(text="my calf keeps cramping", answers=answers).can_stop


def test_a_calf_cramp_is_not_asked_about_rashes_or_the_jaw() -> None:
    answers: dict[str, bool | None] = {}
    asked = []
    while True:
        step = next_step(text="cramp in my calf last night", answers=answers)
        if step.done or step.question is None:
            break
        asked.append(step.question.id)
        answers[step.question.id] = False
    assert "sign.rash" not in asked and "sign.jaw_stiffness" not in asked
    assert len(asked) < 20


def _interview(text: str | None, yes: set[str]) -> tuple[list[str], str]:
    """Answer every question: yes to the findings in `yes`, no to the rest."""
    answers: dict[str, bool | None] = {}
    while True:
        step = next_step(text=text, answers=answers)
        if step.done or step.question is None:
            return list(answers), step.assessment.triage.level
        answers[step.question.id] = step.question.id in yes


def test_with_no_description_it_asks_what_and_where_before_the_place_questions() -> None:
    asked, level = _interview(None, {"symptom.cramp", "site.leg", "sign.swelling"})
    assert asked.index("symptom.cramp") < asked.index("site.leg") < asked.index("sign.swelling")
    assert level == "consultation_24"  # a swollen, cramping leg is not sent home


def test_a_place_already_given_is_not_asked() -> None:
    asked, _ = _interview("my back keeps going into spasm", set())
    assert not {"site.leg", "site.arm", "site.back", "site.neck"} & set(asked)


@pytest.mark.parametrize(
    ("typed", "reply"),
    [
        ("y", True),
        ("Yes", True),
        ("yep", True),
        ("n", False),
        ("nope", False),
        ("?", None),
        ("don't know", None),
        ("not sure", None),
    ],
)
def test_replies_are_read(typed: str, reply: object) -> None:
    assert read_reply(typed) == reply


@pytest.mark.parametrize("typed", ["", "maybe", "sometimes", "idk what you mean"])
def test_anything_else_is_asked_again(typed: str) -> None:
    assert read_reply(typed) is UNCLEAR


# -- on the terminal: `charley assess --interview` ---------------------------------


@pytest.mark.parametrize("replies", ["n\n" * 40, "?\n" * 40, "n\n" * 9])
def test_the_terminal_answer_does_not_ask_what_was_answered(replies: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["assess", "--interview", "--json"], input="my neck is stiff and sore\n" + replies
    )
    assert result.exit_code == 0, result.output
    asked = [line.split(" (y / n")[0] for line in result.stderr.splitlines() if "(y / n" in line]
    assert len(asked) >= 6
    still_asked = [q["text"] for q in json.loads(result.stdout)["questions"]]
    assert not set(still_asked) & set(asked)


def test_the_terminal_shows_which_question_it_is() -> None:
    result = CliRunner().invoke(
        app, ["assess", "--interview", "--json"], input="my calf cramps\nn\nn\n"
    )
    assert "Question 1, about " in result.stderr
    assert "Question 2, about " in result.stderr
