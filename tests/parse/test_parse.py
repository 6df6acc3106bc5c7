"""Free text to findings: phrases, negation, history, worries, numbers."""

from __future__ import annotations

import pytest

from charley.errors import InputError
from charley.parse import parse


def states(text: str) -> dict[str, tuple[str, str]]:
    """finding id -> (state, context); present wins over absent like the engine."""
    out: dict[str, tuple[str, str]] = {}
    for f in parse(text).items:
        if f.id not in out or f.state == "present":
            out[f.id] = (f.state, f.context)
    return out


def value(text: str, finding: str) -> float | None:
    values = [f.value for f in parse(text).items if f.id == finding and f.value is not None]
    return max(values) if values else None


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I've got a charley horse", "symptom.cramp"),
        ("my calf seized up", "symptom.cramp"),
        ("pins and needles in my feet", "sign.tingling"),
        ("I can't catch my breath", "sign.breathing_difficulty"),
        ("I'm on a water pill", "med.diuretic"),
        ("I take Lasix every morning", "med.diuretic"),
        ("I take Lipitor", "med.statin"),
        ("they gave me Reglan", "med.dopamine_blocker"),
        ("I took Sudafed for a cold", "med.pseudoephedrine"),
        ("my pee is the colour of cola", "sign.dark_urine"),
        ("my eyelid keeps twitching", "symptom.twitch"),
    ],
)
def test_lay_words_and_brand_names(text: str, finding: str) -> None:
    assert states(text)[finding] == ("present", "current")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my calf has a bad crmap", "symptom.cramp"),
        ("my leg is swolen", "sign.swelling"),
        ("I have had diarrea", "trigger.gut_upset"),
        ("my thigh keeps twiching", "symptom.twitch"),
        ("I cant breathe", "sign.breathing_difficulty"),
    ],
)
def test_common_misspellings(text: str, finding: str) -> None:
    assert states(text)[finding][0] == "present"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("no chest pain", "sign.chest_pain"),
        ("denies numbness", "sign.numbness"),
        ("cramps without fever", "sign.fever"),
        ("I don't have any swelling", "sign.swelling"),
        ("The calf isn't swollen or red", "sign.redness"),
        ("Neither leg is swollen", "sign.swelling"),
        ("my breathing is normal", "sign.breathing_difficulty"),
        ("my urine looks a normal colour", "sign.dark_urine"),
        ("nothing feels weak", "sign.weakness"),
    ],
)
def test_negation(text: str, finding: str) -> None:
    assert states(text)[finding][0] == "absent"


def test_negation_stops_at_a_comma() -> None:
    found = states("No chest pain, left calf cramp for 5 minutes")
    assert found["sign.chest_pain"][0] == "absent"
    assert found["symptom.cramp"][0] == "present"
    assert found["site.calf"][0] == "present"


def test_negation_stops_at_but_and_a_new_subject() -> None:
    found = states("I have no fever but my neck is stiff and I have a headache")
    assert found["sign.fever"][0] == "absent"
    assert found["sign.stiff_neck"][0] == "present"
    assert found["sign.headache"][0] == "present"


def test_longest_phrase_beats_a_cue() -> None:
    # "haven't helped" is a finding; "haven't" alone would negate what follows
    assert states("stretching haven't helped")["relief.not_eased"] == ("present", "current")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I had a clot last year", "condition.dvt"),
        ("I had a heart attack six years ago", "condition.heart_attack"),
        ("I had meningitis as a child", "condition.meningitis"),
        ("I had a blood clot in my leg after an operation in 2015", "trigger.surgery"),
        ("history of diabetes", "condition.diabetes"),
    ],
)
def test_history_is_kept_apart(text: str, finding: str) -> None:
    assert states(text)[finding][1] == "history"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I'm worried it could be a heart attack", "condition.heart_attack"),
        ("what if it spreads to my chest", "course.spreading"),
        ("could it be a blood clot", "condition.dvt"),
    ],
)
def test_hypotheticals_are_kept_apart(text: str, finding: str) -> None:
    assert states(text)[finding][1] == "hypothetical"


def test_history_does_not_leak_into_the_next_sentence() -> None:
    found = states("I had a clot in 2015. Today my calf is swollen.")
    assert found["condition.dvt"][1] == "history"
    assert found["sign.swelling"] == ("present", "current")
    assert found["site.calf"] == ("present", "current")


@pytest.mark.parametrize(
    ("text", "finding", "expected"),
    [
        ("cramp for 10 min", "episode.minutes", 10),
        ("it lasted about two minutes", "episode.minutes", 2),
        ("a cramp for half an hour", "episode.minutes", 30),
        ("it lasts a minute or two", "episode.minutes", 2),
        ("cramping for 3 days", "course.days", 3),
        ("twitching for about a month", "course.days", 30),
        ("aching since yesterday", "course.days", 1),
        ("cramps since Tuesday", "course.days", 2),
        ("cramps every night", "frequency.per_week", 7),
        ("cramps twice a week", "frequency.per_week", 2),
        ("three or four nights a week", "frequency.per_week", 4),
        ("I'm 58 and my calf cramps", "age.years", 58),
        ("my 19-year-old son", "age.years", 19),
        ("a fever of 39.4°C", "temperature.celsius", 39.4),
        ("temperature of 102F", "temperature.celsius", 38.9),
        ("the pain is 8/10", "pain.severity", 8),
        ("I'm 28 weeks pregnant", "pregnancy.weeks", 28),
    ],
)
def test_numbers(text: str, finding: str, expected: float) -> None:
    assert value(text, finding) == pytest.approx(expected, abs=0.05)


def test_hyphenated_numbers_are_not_durations() -> None:
    found = parse("since I got back from a 12-hour flight")
    assert value("since I got back from a 12-hour flight", "episode.minutes") is None
    assert any(f.id == "trigger.long_journey" for f in found.items)


def test_years_ago_is_history_not_a_duration() -> None:
    assert value("I had a heart attack six years ago", "course.days") is None


def test_weeks_pregnant_is_not_a_duration() -> None:
    assert value("I'm 28 weeks pregnant", "course.days") is None


@pytest.mark.parametrize(
    ("text", "finding"),
    [("my left calf", "side.left"), ("right thigh", "side.right"), ("both feet", "side.both")],
)
def test_side(text: str, finding: str) -> None:
    assert states(text)[finding][0] == "present"


def test_right_now_is_not_a_side() -> None:
    assert "side.right" not in states("my calf is cramping right now")


def test_got_back_is_not_the_back() -> None:
    assert "site.back" not in states("my calf hurts since I got back from a trip")


def test_evidence_is_the_persons_own_words() -> None:
    f = next(f for f in parse("My LEFT Calf seized up").items if f.id == "symptom.cramp")
    assert f.evidence == "seized up"


def test_over_long_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="5000"):
        parse("cramp " * 1000)


def test_empty_text_has_no_findings() -> None:
    assert parse("").items == ()
