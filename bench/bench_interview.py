"""How many questions the interview asks before it answers.

For every case of a vignette file, the interview starts from the case's text
and each question is answered from that text: yes when charley reads the
finding there, no otherwise (a vignette's text holds everything that matters:
what it does not say is absent). Prints the median and the longest number of
questions, and how often the interview's final level is acceptable.

Run: .venv/bin/python bench/bench_interview.py [FILE ...]
(default: ../shared/vignettes/dev2.jsonl)
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from charley.interview import next_step
from charley.parse import parse
from charley.vignettes import load_cases

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "vignettes" / "dev2.jsonl"


def questions_for(text: str) -> tuple[int, str]:
    said = {f.id for f in parse(text).items if f.state == "present" and f.context == "current"}
    answers: dict[str, bool | None] = {}
    while True:
        step = next_step(text=text, answers=answers)
        if step.done or step.question is None:
            return len(answers), step.assessment.triage.level
        answers[step.question.id] = step.question.id in said


def main(files: list[str]) -> None:
    cases = [c for f in (files or [str(DEFAULT)]) for c in load_cases(Path(f))]
    counts: list[int] = []
    acceptable = 0
    for case in cases:
        n, level = questions_for(case.text)
        counts.append(n)
        acceptable += level in case.acceptable
    print(f"cases: {len(cases)}")
    print(f"questions to an answer: median {statistics.median(counts):g}, longest {max(counts)}")
    print(f"final level acceptable: {acceptable / len(cases):.1%}")


if __name__ == "__main__":
    main(sys.argv[1:])
