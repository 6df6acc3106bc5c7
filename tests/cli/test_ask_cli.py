"""`charley ask` in the terminal: the statements with their sources, the checker's card."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from charley.cli.app import app

runner = CliRunner()


def test_ask_prints_statements_with_their_source_and_quote() -> None:
    result = runner.invoke(app, ["ask", "can statins cause cramps?"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Statins can cause muscle aches and cramps." in result.output
    assert "“Some medications, including diuretics, statins" in result.output


def test_ask_json_is_the_answer() -> None:
    result = runner.invoke(app, ["ask", "--json", "how do I bake bread"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["statements"] == [] and data["triage"] is None
    assert data["message"] == "Nothing in charley's sources answers that question."


def test_an_emergency_shows_the_card_and_no_guide() -> None:
    result = runner.invoke(app, ["ask", "I have crushing chest pain"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "CALL 999 NOW" in result.output
    data = json.loads(runner.invoke(app, ["ask", "--json", "I have crushing chest pain"]).output)
    assert data["statements"] == []
    assert data["triage"]["triage"]["level"] == "emergency_ambulance"


def test_an_empty_or_too_long_question_is_a_one_line_error() -> None:
    for words in (["   "], ["x" * 1001]):
        result = runner.invoke(app, ["ask", *words])
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1
        assert result.output.startswith("charley: error:")
