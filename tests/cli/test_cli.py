"""The command line as a person uses it: exit codes and the lines they see."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from charley.cli.app import app
from tests.conftest import SOURCES, TRIAGE_MD, VIGNETTES, needs_shared

runner = CliRunner()
CRAMP = "My left calf cramped last night for two minutes and eased when I stretched it."


def run_charley(*args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run the real `python -m charley` in a new process."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "charley", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_assess_prints_a_short_care_card() -> None:
    result = runner.invoke(app, ["assess", CRAMP], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    out = result.stdout
    assert "YOU CAN LOOK AFTER THIS AT HOME" in out
    order = ["What to do now", "Whom to see", "Get help if", "What it could be"]
    assert [out.index(h) for h in order] == sorted(out.index(h) for h in order)
    assert "Ordinary muscle cramp" in out
    # About 20 lines; no file names, codes or ids; the rest is one flag away.
    assert len(out.splitlines()) <= 28
    assert ".txt" not in out and "R25.2" not in out and "symptom.cramp" not in out
    assert "add --full" in out


def test_assess_full_shows_why_with_source_titles_codes_and_ids() -> None:
    result = runner.invoke(app, ["assess", "--full", CRAMP], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    out = result.stdout
    assert "Why charley says this" in out and "What may be behind it" in out
    assert "How to prevent it" in out and "R25.2" in out and "[symptom.cramp]" in out
    assert "(Muscle spasms, HealthGrades" in " ".join(out.split())  # a title, not a file
    assert ".txt" not in out


def test_assess_accepts_unquoted_words() -> None:
    result = runner.invoke(app, ["assess", "crushing", "chest", "pain", "and", "arm", "cramp"])
    assert result.exit_code == 0
    assert "CALL 999 NOW" in result.stdout
    assert "What could change this answer" not in result.stdout  # nothing lowers an emergency


def test_assess_json_is_the_contract() -> None:
    result = runner.invoke(app, ["assess", "--json", CRAMP])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["triage"]["level"] == "self_care"
    assert data["kinds"][0]["id"] == "cramp"


def test_piped_text_is_read_from_stdin() -> None:
    result = runner.invoke(app, ["assess", "--json"], input=CRAMP)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["triage"]["level"] == "self_care"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["assess", "   "], None, "empty"),
        (["assess", "x" * 5001], None, "limit is 5000"),
        (["assess", "--json"], "", "empty"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], stdin: str | None, message: str) -> None:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_undecodable_piped_input_exits_2() -> None:
    result = runner.invoke(app, ["assess", "--json"], input=b"calf \xff\xfe cramp")
    assert result.exit_code == 2
    assert "not valid UTF-8" in result.stderr


def test_interview_stops_at_an_emergency() -> None:
    result = runner.invoke(app, ["assess", "--interview", "--json"], input="my calf cramps\ny\n")
    assert result.exit_code == 0
    assert "chest pain" in result.stderr  # the first question asked
    assert json.loads(result.stdout)["triage"]["level"] == "emergency_ambulance"


def test_an_unclear_interview_answer_is_asked_again() -> None:
    result = runner.invoke(
        app, ["assess", "--interview", "--json"], input="my calf cramps\nmaybe\n\ny\n"
    )
    assert result.exit_code == 0
    assert result.stderr.count("Please answer y (yes), n (no) or ? (don't know).") == 2
    assert json.loads(result.stdout)["triage"]["level"] == "emergency_ambulance"


def test_interview_that_runs_out_of_input_still_answers() -> None:
    result = runner.invoke(app, ["assess", "--interview", "--json"], input="my calf cramps\nn\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["triage"]["level"] in ("self_care", "consultation")


@needs_shared
def test_kb_check_passes_against_the_sources() -> None:
    result = runner.invoke(
        app, ["kb", "check", "--sources", str(SOURCES), "--triage", str(TRIAGE_MD)]
    )
    assert result.exit_code == 0, result.stdout
    assert "kb check passed" in result.stdout
    assert "quotes verbatim" in result.stdout


def test_kb_check_refuses_a_missing_folder() -> None:
    result = runner.invoke(app, ["kb", "check", "--sources", "/no/such/folder"])
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


@needs_shared
def test_bench_vignettes_prints_the_scores() -> None:
    result = runner.invoke(app, ["bench", "vignettes", str(VIGNETTES)])
    assert result.exit_code == 0
    for label in (
        "exact level:",
        "acceptable:",
        "under-triage:    0",
        "over-triage:",
        "kind@1:",
        "kind@3:",
    ):
        assert label in result.stdout


def test_bench_vignettes_names_a_bad_file(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    result = runner.invoke(app, ["bench", "vignettes", str(bad)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.stderr


def _commands(group: typer.Typer) -> list:  # type: ignore[type-arg]
    found = list(group.registered_commands)
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found += _commands(sub.typer_instance)
    return found


def test_every_command_documents_itself_with_an_example() -> None:
    commands = _commands(app)
    assert len(commands) >= 3
    for command in commands:
        doc = command.callback.__doc__ or ""
        assert doc.strip(), f"{command.callback.__name__} has no help"
        assert "Example: charley" in doc, f"{command.callback.__name__} has no example"


def test_real_command_fast_json_path_matches_typer_path() -> None:
    fast = run_charley("assess", "--json", CRAMP)
    assert fast.returncode == 0
    slow = runner.invoke(app, ["assess", "--json", CRAMP])
    assert json.loads(fast.stdout) == json.loads(slow.stdout)


def test_real_command_rejects_undecodable_arguments() -> None:
    result = run_charley("assess", "--json", b"calf \xff cramp")
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr


def test_real_command_rejects_empty_text() -> None:
    result = run_charley("assess", "--json", "")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("charley: error:")
