"""One test per TRIAGE.md row: a description that fires it, and a near miss that must not.

Cases are data: (policy row, text that fires it, near-miss text). The
level follows from the row (TRIAGE.md), so the test also checks that the
assessment reaches at least the row's level.
"""

from __future__ import annotations

import pytest

from charley import assess
from charley.triage import RANK

CASES: list[tuple[str, str, str]] = [
    # emergency_ambulance
    (
        "chest_pain",
        "My calf is cramping and I have a crushing pain in my chest.",
        "My calf is cramping. No chest pain.",
    ),
    (
        "breathing",
        "My legs keep cramping and I am suddenly short of breath.",
        "My legs keep cramping; I'm not short of breath.",
    ),
    (
        "consciousness",
        "He had bad leg cramps and now he is confused and not making sense.",
        "He had bad leg cramps; he is awake and talking normally.",
    ),
    (
        "cannot_move",
        "My hand cramped and now the right side of my face is drooping and my speech is slurred.",
        "My hand cramped for a minute while writing and then eased.",
    ),
    (
        "progressive_weakness",
        "My calves cramp and my legs are getting weaker every day.",
        "My calves cramp after running but my legs are not weak.",
    ),
    (
        "meningitis",
        "My neck is stiff and I have a fever and a terrible headache.",
        "I slept awkwardly and my neck is stiff. No fever, no headache and no rash.",
    ),
    (
        "drug_rigidity",
        "Since my antipsychotic dose was increased my muscles have gone rigid and I have a fever of 39.5C.",
        "My muscles feel rigid after the gym. No fever, and no new medicines.",
    ),
    (
        "tetanus",
        "I stepped on a rusty nail last week and now I have lockjaw and my back keeps going into spasms.",
        "I stepped on a rusty nail last week; my calf cramped once during a run.",
    ),
    (
        "blocked_artery",
        "My leg cramped and now my foot is cold and pale and hurts even at rest.",
        "My foot cramped in the cold sea and eased when I warmed up.",
    ),
    (
        "heat_stroke",
        "After working in the heat all day with leg cramps, he collapsed and his skin is hot and dry.",
        "I got a leg cramp on a hot day; it eased with a drink and I feel fine now.",
    ),
    # emergency
    (
        "rhabdomyolysis",
        "After a marathon my thighs are sore and weak and my pee is dark brown like cola.",
        "After a marathon my thighs are sore; my urine looks a normal colour.",
    ),
    (
        "cauda_equina",
        "My lower back is in spasm and I'm numb between my legs and can't pee.",
        "My lower back is in spasm after lifting. No numbness between my legs and I can pee normally.",
    ),
    (
        "tetany",
        "My hands and feet are cramping and I have tingling around my mouth.",
        "My hands and feet are cramping in the cold. There's no tingling around my mouth.",
    ),
    (
        "dystonic_reaction",
        "I was given metoclopramide yesterday and now my neck keeps twisting to one side.",
        "I was given metoclopramide yesterday and my calf cramped for a minute.",
    ),
    # consultation_24
    (
        "swelling",
        "My right calf is cramping and it is swollen, red and warm. No chest pain and I'm not short of breath.",
        "My right calf cramped and it isn't swollen or red.",
    ),
    (
        "fever",
        "I have a fever of 38.6C and my thighs keep cramping. No headache, no rash.",
        "My thighs keep cramping after the gym. No fever.",
    ),
    (
        "new_weakness",
        "My thighs cramp and for a few days they have felt weak.",
        "My thighs cramp after squats; they are not weak.",
    ),
    (
        "long_cramp",
        "I've had a calf cramp for 30 minutes and stretching hasn't helped.",
        "I had a calf cramp for 2 minutes and it eased when I stretched.",
    ),
    (
        "fluid_loss",
        "I've had diarrhoea for two days and now my legs keep cramping.",
        "My legs cramp after long runs; I drink enough.",
    ),
    (
        "statin_pain",
        "I take atorvastatin and my thighs have been aching. My urine is a normal colour.",
        "My thighs ache after a long hike. My urine is a normal colour.",
    ),
    (
        "tear",
        "I felt a pop in my calf while playing tennis and it hurts.",
        "My calf cramped while playing tennis and eased with stretching.",
    ),
    # consultation
    (
        "persistent",
        "My calf has been cramping on and off for two weeks.",
        "My calf cramped once yesterday for a minute.",
    ),
    (
        "numbness",
        "My feet cramp and I have pins and needles in my toes.",
        "My feet cramp when I swim; no numbness or tingling.",
    ),
    (
        "neuro_signs",
        "My leg feels crampy and my hand has a tremor.",
        "My leg feels crampy after a walk.",
    ),
    ("medicine", "I take a water pill and my calves cramp.", "My calves cramp after football."),
    (
        "condition",
        "I have diabetes and my feet keep cramping.",
        "My feet keep cramping after dancing.",
    ),
    (
        "twitch_long",
        "My thigh has been twitching for a month.",
        "My eyelid has been twitching for three days.",
    ),
    (
        "walking_pain",
        "When I walk my calves cramp, and it eases when I stop and rest.",
        "My calves cramped after a long swim.",
    ),
    (
        "new_medicine",
        "My doctor started me on a new tablet and since then my legs cramp.",
        "My legs cramp after gardening.",
    ),
    (
        "pregnancy",
        "I'm pregnant and I get calf cramps most nights.",
        "I'm pregnant and had one calf cramp last night.",
    ),
    # self_care
    (
        "ordinary_cramp",
        "My calf cramped last night for two minutes and eased with stretching.",
        "My eyelid is twitching after too much coffee.",
    ),
    (
        "harmless_twitch",
        "My eyelid is twitching after too much coffee.",
        "My calf cramped last night for two minutes.",
    ),
    (
        "back_neck_spasm",
        "My lower back went into spasm after lifting a box.",
        "My calf cramped last night for two minutes.",
    ),
    # "Reassurance needs evidence": no benign picture, no self-care
    (
        "reassurance",
        "My calf keeps cramping.",
        "My calf cramped for a minute and eased when I stretched it.",
    ),
    # "Emergencies, whatever the complaint": the screen, in everyday words
    (
        "screen_heart",
        "Not a muscle thing I think: a heavy weight on my chest going into my jaw, and I'm sweaty.",
        "A cramp in my calf woke me; my chest is fine, no weight or pressure on it.",
    ),
    (
        "screen_stroke",
        "Dad's smile has gone lopsided and his words are all jumbled.",
        "Dad's smile is normal and he's talking fine, he just has a cramp in his foot.",
    ),
    (
        "screen_breathing",
        "My little boy's lips have gone a bluish colour and he's struggling.",
        "My toes went a bit blue in the cold sea but warmed up in a minute.",
    ),
    (
        "screen_collapse",
        "My neighbour collapsed in the garden and isn't responding.",
        "I nearly dropped off to sleep on the sofa after my run.",
    ),
    (
        "screen_anaphylaxis",
        "I ate a prawn sandwich and my lips have puffed right up.",
        "My ankle puffed up after I went over on it playing netball.",
    ),
    (
        "screen_bleeding",
        "I cut my leg on glass and the blood is pouring out and won't stop.",
        "I grazed my knee and it bled a little, it stopped with a plaster.",
    ),
    (
        "screen_cold_limb",
        "My foot is white and freezing and it hurts even sitting still.",
        "My foot cramped after a swim and is warm and a normal colour now.",
    ),
    (
        "screen_sight_headache",
        "Half an hour ago everything went black in my left eye and it hasn't come back.",
        "My left eyelid keeps twitching when I'm tired.",
    ),
    (
        "screen_sudden_pain",
        "Out of nowhere I've got the worst pain of my life in my right side, I can't keep still.",
        "My right side aches a bit after I lifted the sofa yesterday.",
    ),
    (
        "screen_pregnancy",
        "I'm 28 weeks pregnant and I've noticed some bleeding this morning.",
        "I'm 28 weeks pregnant and my calves cramp at night, baby is kicking as usual.",
    ),
    (
        "screen_fever_unwell",
        "My son has a temperature and purple spots that don't fade when I press a glass on them.",
        "My son has a temperature and a runny nose, no rash.",
    ),
    (
        "screen_bleeding_gut",
        "I've been throwing up blood since this morning.",
        "I was sick after the match but there was no blood.",
    ),
    (
        "screen_self_harm",
        "My legs cramp all the time and honestly I want to end it all.",
        "My legs cramp all the time and it's getting me down a bit.",
    ),
]


def fired_rows(text: str) -> set[str]:
    from charley.knowledge import load_knowledge

    kb = load_knowledge()
    row_of = {r.id: r.row for r in kb.triage.rules}
    fired = set(assess(text).triage.to_dict()["rules"])
    rows = {row_of[r] for r in fired if r in row_of}
    # a row that another row's rule implements (the screen's heart attack row)
    rows |= {row.id for row in kb.triage.rows if fired & set(row.implemented_by)}
    return rows


def test_every_policy_row_has_a_case(kb) -> None:
    assert sorted(row for row, _, _ in CASES) == sorted(r.id for r in kb.triage.rows)


@pytest.mark.parametrize(("row", "fires", "near_miss"), CASES, ids=[c[0] for c in CASES])
def test_row_fires_and_near_miss_does_not(row: str, fires: str, near_miss: str, kb) -> None:
    row_level = next(r.level for r in kb.triage.rows if r.id == row)
    result = assess(fires)
    assert row in fired_rows(fires), f"{row} did not fire for: {fires}"
    assert RANK[result.triage.level] >= RANK[row_level]
    assert row not in fired_rows(near_miss), f"{row} fired for the near miss: {near_miss}"
