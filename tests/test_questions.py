"""Every question charley asks is worded so that "yes" means its finding is
present: checked for every question in the knowledge, by reading the question
itself with charley's own parser. A new question cannot slip through."""

from __future__ import annotations

import pytest

from charley.knowledge import load_knowledge
from charley.parse import parse

KB = load_knowledge()
QUESTIONS = sorted((fid, f.question) for fid, f in KB.findings.items() if f.question)
# findings that are each other's "no"
OPPOSITES = {"relief.eased": "relief.not_eased", "relief.not_eased": "relief.eased"}


@pytest.mark.parametrize(("finding", "question"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_yes_to_a_question_means_its_finding_is_present(finding: str, question: str) -> None:
    read = parse(question).items
    assert (finding, "absent") not in {(f.id, f.state) for f in read}, question
    opposite = OPPOSITES.get(finding)
    assert opposite not in {f.id for f in read if f.state == "present"}, question


def test_the_check_catches_an_inverted_question() -> None:
    read = parse("Has it eased with gentle stretching?").items
    assert "relief.eased" in {f.id for f in read if f.state == "present"}
