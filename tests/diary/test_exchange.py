"""CSV and FHIR export and import: round trips, date ranges, and bad files refused whole."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation

from charley.diary import Diary, SavedEpisode, episode_in
from charley.diary.csv_io import COLUMNS, export_csv, read_csv
from charley.diary.fhir_io import export_fhir, read_fhir
from charley.errors import InputError

EPISODES: list[dict[str, Any]] = [
    {
        "started_at": "2025-01-02T03:00:00+00:00",
        "sites": [
            {"site": "calf", "side": "left"},
            {"site": "foot"},
            {"site": "thigh", "side": "both"},
        ],
        "duration_seconds": 90.5,
        "severity": 7,
        "feel": 'tight, "knotted"',
        "trigger": "swimming; cold water",
        "remedies": [
            {"remedy": "stretching", "relief": 3},
            {"remedy": "massage", "relief": 2},
            {"remedy": "heat; then ice: twice \\ maybe", "relief": 4},
        ],
        "notes": 'line one, "two"\nline three\r\nend, with commas,,',
        "text": "Woke with a cramp in my left calf, it lasted a minute and a half",
        "at_night": True,
        "after_exercise": True,
        "woke": True,
    },
    {
        "started_at": "2025-02-10T14:30:15.250000+02:00",
        "sites": [{"site": "hand", "side": "right"}],
    },
    {
        "started_at": "2025-03-05T22:10:00-05:00",
        "sites": [{"site": "foot", "side": "right"}],
        "duration_seconds": 0.0,
        "severity": 0,
        "feel": "ziehend – „Krampf“",
        "remedies": [{"remedy": "pickle juice", "relief": 0}],
        "notes": "  spaces kept  ",
        "at_night": False,
    },
]


@pytest.fixture
def diary(tmp_path: Path) -> Iterator[Diary]:
    with Diary(f"sqlite:///{tmp_path / 'd.sqlite3'}") as d:
        yield d


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Diary]:
    with Diary(f"sqlite:///{tmp_path / 'other.sqlite3'}") as d:
        yield d


@pytest.fixture
def full(diary: Diary) -> Diary:
    for data in EPISODES:
        diary.add(episode_in(data))
    return diary


def inputs(diary: Diary) -> list[dict[str, Any]]:
    """Each episode as `to_input`, with started_at as an instant rather than text."""
    return [
        e.to_input() | {"started_at": datetime.fromisoformat(e.to_input()["started_at"])}
        for e in diary.list()
    ]


def csv_text(diary: Diary, **kw: Any) -> str:
    out = io.StringIO(newline="")
    export_csv(diary, out, **kw)
    return out.getvalue()


# -- round trips ---------------------------------------------------------------


def test_csv_round_trip(full: Diary, empty: Diary) -> None:
    out = io.StringIO(newline="")
    assert export_csv(full, out) == len(EPISODES)
    assert empty.add_many(read_csv(out.getvalue())) == len(EPISODES)
    assert inputs(empty) == inputs(full)


def test_csv_has_the_header_and_readable_cells(full: Diary) -> None:
    rows = list(csv.reader(io.StringIO(csv_text(full), newline="")))
    assert tuple(rows[0]) == COLUMNS
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["sites"] == "calf:left;foot:unknown;thigh:both"
    assert first["remedies"].startswith("stretching:3;massage:2;")
    assert first["severity"] == "7"
    assert first["at_night"] == "true"
    assert datetime.fromisoformat(first["started_at"]) == datetime(2025, 1, 2, 3, tzinfo=UTC)
    second = dict(zip(COLUMNS, rows[2], strict=True))
    assert second["duration_seconds"] == second["severity"] == second["feel"] == ""


def test_fhir_round_trip(full: Diary, empty: Diary) -> None:
    bundle = export_fhir(full)
    assert empty.add_many(read_fhir(json.dumps(bundle))) == len(EPISODES)
    assert inputs(empty) == inputs(full)


def test_fhir_bundle_is_valid(full: Diary) -> None:
    bundle = export_fhir(full)
    model = Bundle.model_validate(bundle)  # raises if the Bundle is not valid FHIR
    assert model.model_dump(mode="json", exclude_none=True) == bundle
    json.dumps(bundle)  # plain JSON, nothing left as Python objects
    assert bundle["type"] == "collection"
    assert len(bundle["entry"]) == len(EPISODES)
    first = bundle["entry"][0]["resource"]
    assert isinstance(Observation.model_validate(first), Observation)
    assert first["status"] == "final"
    assert {(c["system"], c["code"]) for c in first["code"]["coding"]} == {
        ("http://hl7.org/fhir/sid/icd-10-cm", "R25.2")
    }
    assert datetime.fromisoformat(first["effectiveDateTime"]) == datetime(2025, 1, 2, 3, tzinfo=UTC)
    assert "calf, left" in first["bodySite"]["text"] and "foot" in first["bodySite"]["text"]
    by_code = {c["code"]["coding"][0]["code"]: c for c in first["component"]}
    assert by_code["72514-3"]["valueInteger"] == 7
    assert by_code["duration"]["valueQuantity"] == {
        "value": 90.5,
        "unit": "s",
        "system": "http://unitsofmeasure.org",
        "code": "s",
    }
    assert by_code["woke"]["valueBoolean"] is True
    sites = [
        c["valueString"] for c in first["component"] if c["code"]["coding"][0]["code"] == "site"
    ]
    assert sites == ["calf:left", "foot:unknown", "thigh:both"]
    remedies = [
        (c["code"]["text"], c["valueInteger"])
        for c in first["component"]
        if c["code"]["coding"][0]["code"] == "remedy-relief"
    ]
    assert remedies[:2] == [("stretching", 3), ("massage", 2)]
    assert first["note"] == [{"text": EPISODES[0]["notes"]}]


def test_empty_diary_exports(empty: Diary) -> None:
    assert csv_text(empty).strip() == ",".join(COLUMNS)
    assert read_csv(csv_text(empty)) == []
    bundle = export_fhir(empty)
    assert bundle == {"resourceType": "Bundle", "type": "collection"}
    assert read_fhir(json.dumps(bundle)) == []


def test_export_of_a_date_range(full: Diary) -> None:
    start, end = datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)
    out = io.StringIO(newline="")
    assert export_csv(full, out, start=start, end=end) == 1
    (only,) = read_csv(out.getvalue())
    assert only.sites[0].site == "hand"
    bundle = export_fhir(full, start=start, end=end)
    assert [e.sites[0].site for e in read_fhir(json.dumps(bundle))] == ["hand"]
    assert export_fhir(full, start=datetime(2030, 1, 1, tzinfo=UTC)).get("entry") is None


def test_csv_export_streams() -> None:
    """Rows are written as episodes arrive, not after the whole diary is read."""
    out = io.StringIO(newline="")
    saved = SavedEpisode(
        "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b", datetime(2025, 1, 1, tzinfo=UTC), (("calf", "left"),), None, None, None, None, (), "",
        None, False, False, False, None, None,
    )  # fmt: skip

    class Fake:
        def iter(self, **kw: Any) -> Iterator[SavedEpisode]:
            for n in range(3):
                assert out.getvalue().count("\n") == 1 + n
                yield saved

    assert export_csv(cast(Diary, Fake()), out) == 3


def test_hand_written_csv_with_few_columns(empty: Diary) -> None:
    data = (
        "started_at,sites,remedies\n2025-01-01T23:00:00+01:00, Calf : left ; foot ,stretching:2\n"
    )
    (entry,) = read_csv(data)
    assert [(s.site, s.side) for s in entry.sites] == [("calf", "left"), ("foot", "unknown")]
    assert [(r.remedy, r.relief) for r in entry.remedies] == [("stretching", 2)]
    assert entry.severity is None and entry.notes == ""


def test_csv_from_a_spreadsheet_with_a_bom_and_crlf() -> None:
    data = '\ufeffstarted_at,sites,notes\r\n2025-01-01T08:00:00+00:00,calf,"a\r\nb"\r\n\r\n'
    (entry,) = read_csv(data)
    assert entry.notes == "a\r\nb"


def test_fhir_skips_other_resources_and_reads_minutes(full: Diary) -> None:
    bundle = export_fhir(full)
    bundle["entry"].append({"resource": {"resourceType": "Patient", "active": True}})
    first = bundle["entry"][0]["resource"]
    for component in first["component"]:
        if component["code"]["coding"][0]["code"] == "duration":
            component["valueQuantity"] = {"value": 1.5, "unit": "min", "code": "min"}
    episodes = read_fhir(json.dumps(bundle))
    assert len(episodes) == len(EPISODES)
    assert episodes[0].duration_seconds == 90.0


# -- bad input: refused with a clear message, nothing written -------------------


def refused(diary: Diary, read: Any, data: str) -> str:
    """The message of the InputError, after checking the diary did not change."""
    before = diary.count()
    with pytest.raises(InputError) as caught:
        diary.add_many(read(data))
    assert diary.count() == before
    message = str(caught.value)
    assert message and "\n" not in message
    return message


HEADER = ",".join(c for c in COLUMNS if c != "id")  # a file from before episodes had ids
GOOD = "2025-01-01T08:00:00+00:00,calf:left,60,3,,,,,,,,,"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", "the CSV file is empty"),
        ("date,where\n2025-01-01,calf\n", "line 1: unknown column(s) 'date', 'where'"),
        ("started_at,notes\n2025-01-01T08:00:00+00:00,x\n", "line 1: missing column(s) sites"),
        ("started_at,sites,sites\n", "line 1: column(s) given twice: sites"),
        (
            f"{HEADER}\n{GOOD}\n2025-01-02T08:00:00+00:00,calf,60,14,,,,,,,,,\n",
            "line 3: severity: Input should be less than or equal to 10",
        ),
        (
            f"{HEADER}\n2999-01-01T08:00:00+00:00,calf,,,,,,,,,,,\n",
            "line 2: started_at: is in the future",
        ),
        (
            f"{HEADER}\n2025-01-01T08:00:00+00:00,spleen:left,,,,,,,,,,,\n",
            "line 2: sites.0.site: unknown site 'spleen'",
        ),
        (
            f"{HEADER}\n2025-01-01T08:00:00+00:00,calf,a while,,,,,,,,,,\n",
            "line 2: duration_seconds: Input should be a valid number",
        ),
        (f"{HEADER}\n2025-01-01T08:00:00+00:00,calf,60\n", "line 2: expected 13 fields, found 3"),
        (
            f"{HEADER}\n2025-01-01T08:00:00+00:00,,,,,,,,,,,,\n",
            "line 2: sites: List should have at least 1 item",
        ),
        (
            f"{HEADER}\n2025-01-01T08:00:00+00:00,calf,,,,,stretching,,,,,,\n",
            "line 2: remedies: 'stretching' should be remedy:relief",
        ),
        (
            f"{HEADER}\n2025-01-01T08:00:00+00:00,calf,,,,,,,,maybe,,,\n",
            "line 2: at_night: Input should be a valid boolean",
        ),
        (
            f'{HEADER}\n2025-01-01T08:00:00+00:00,calf,,,,,,"a"b,,,,,\n',
            "line 2: the CSV cannot be read",
        ),
    ],
)
def test_bad_csv_is_refused(full: Diary, data: str, expected: str) -> None:
    assert expected in refused(full, read_csv, data)


def test_csv_line_numbers_count_lines_inside_notes(full: Diary) -> None:
    notes = '"one\ntwo\nthree"'
    data = f"{HEADER}\n{GOOD.removesuffix(',,,,,,')},{notes},,,,,\n{GOOD.replace(',3,', ',11,')}\n"
    assert refused(full, read_csv, data).startswith("line 5: severity:")


def test_csv_lists_several_problems_on_one_line(full: Diary) -> None:
    rows = "\n".join(f"2025-01-0{n}T08:00:00+00:00,calf,,{10 + n},,,,,,,,," for n in range(1, 8))
    message = refused(full, read_csv, f"{HEADER}\n{rows}\n")
    assert message.count("severity") == 5 and message.endswith("and 2 more problem(s)")


def test_fhir_corrupt_json_is_refused(full: Diary) -> None:
    assert "the FHIR file is not JSON" in refused(full, read_fhir, '{"resourceType": "Bundle",')


@pytest.mark.parametrize(
    ("bundle", "expected"),
    [
        ([1, 2], "not a FHIR Bundle"),
        ({"resourceType": "Patient"}, "not a FHIR Bundle"),
        ({"resourceType": "Bundle", "type": "pile"}, "type 'pile' is not one of"),
        ({"resourceType": "Bundle"}, "not a valid FHIR R4 Bundle: type:"),
        (
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": {"resourceType": "Observation", "code": {"text": "x"}}}],
            },
            "not a valid FHIR R4 Bundle: entry.0.resource.status:",
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": {"resourceType": "Nonsense"}}],
            },
            "not a valid FHIR R4 Bundle: unknown resource type",
        ),
    ],
)
def test_invalid_bundle_is_refused(full: Diary, bundle: Any, expected: str) -> None:
    assert expected in refused(full, read_fhir, json.dumps(bundle))


def _broken(full: Diary, index: int, change: Any) -> str:
    bundle = copy.deepcopy(export_fhir(full))
    change(bundle["entry"][index]["resource"])
    return json.dumps(bundle)


def _severity(resource: dict[str, Any], value: int) -> None:
    for component in resource["component"]:
        if component["code"]["coding"][0]["code"] == "72514-3":
            component["valueInteger"] = value


@pytest.mark.parametrize(
    ("index", "change", "expected"),
    [
        (1, lambda r: r.pop("effectiveDateTime"), "entry 1: effectiveDateTime: missing"),
        (
            1,
            lambda r: r.update(effectiveDateTime="2025-02-10"),
            "entry 1: effectiveDateTime: 2025-02-10 needs a time",
        ),
        (
            2,
            lambda r: r.update(effectiveDateTime="2999-01-01T00:00:00Z"),
            "entry 2: started_at: is in the future",
        ),
        (
            0,
            lambda r: _severity(r, 14),
            "entry 0: severity: Input should be less than or equal to 10",
        ),
        (
            0,
            lambda r: r["code"].update(coding=[{"system": "http://loinc.org", "code": "8867-4"}]),
            "entry 0: code: not a muscle cramp",
        ),
        (
            0,
            lambda r: r["component"].__setitem__(
                0, {**r["component"][0], "valueString": "spleen:left"}
            ),
            "entry 0: sites.0.site: unknown site 'spleen'",
        ),
        (1, lambda r: r["component"].clear(), "entry 1: sites: List should have at least 1 item"),
        (
            0,
            lambda r: r["component"][3].update(valueQuantity={"value": 3, "code": "wk"}),
            "entry 0: component 3: duration_seconds: unit 'wk'",
        ),
    ],
)
def test_bad_observation_is_refused(full: Diary, index: int, change: Any, expected: str) -> None:
    assert expected in refused(full, read_fhir, _broken(full, index, change))


@pytest.mark.parametrize(
    "data",
    [
        '{"resourceType": "Bundle", "type": "collection", "x": '
        + "[" * 100_000
        + "]" * 100_000
        + "}",
        '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
        '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "extension": '
        + '[{"url": "urn:x", "extension": ' * 300
        + "[]"
        + "}]" * 300
        + "}}]}",
    ],
    ids=["nested-arrays", "nested-extensions"],
)
def test_a_deeply_nested_fhir_file_is_refused_plainly(data: str) -> None:
    with pytest.raises(InputError, match="nested more than 64 levels deep"):
        read_fhir(data)


# -- cells a spreadsheet would run (CSV injection) -----------------------------

FORMULAS: dict[str, Any] = {
    "started_at": "2025-04-01T08:00:00+00:00",
    "sites": [{"site": "calf", "side": "left"}],
    "feel": "=cmd|' /C calc'!A0",
    "trigger": "+1 hill sprints",
    "remedies": [{"remedy": "@sum(a1)", "relief": 2}, {"remedy": "-ice", "relief": 1}],
    "notes": '=HYPERLINK("http://example.invalid","click me")',
    "text": "-5 degrees felt, and cold",
}
LEADING = ("\tindented", "\rreturn first", "=1+1", "'=already quoted", "''-two quotes", "'plain")


def test_csv_cells_that_start_a_formula_are_neutralised(diary: Diary) -> None:
    diary.add(episode_in(FORMULAS))
    for i, notes in enumerate(LEADING):
        diary.add(
            episode_in({**FORMULAS, "started_at": f"2025-04-0{i + 2}T08:00:00Z", "notes": notes})
        )
    rows = list(csv.reader(io.StringIO(csv_text(diary), newline="")))[1:]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    first = dict(zip(COLUMNS, rows[0], strict=True))
    assert first["feel"] == "'=cmd|' /C calc'!A0"
    assert first["notes"] == """'=HYPERLINK("http://example.invalid","click me")"""
    assert first["remedies"] == "'@sum(a1):2;-ice:1"
    written = [dict(zip(COLUMNS, row, strict=True))["notes"] for row in rows[1:]]
    assert written == ["'\tindented", "'\rreturn first", "'=1+1", "''=already quoted",
                     "'''-two quotes", "'plain"]  # fmt: skip


def test_neutralised_cells_read_back_as_they_were(diary: Diary, empty: Diary) -> None:
    diary.add(episode_in(FORMULAS))
    for i, notes in enumerate(LEADING):
        diary.add(
            episode_in({**FORMULAS, "started_at": f"2025-04-0{i + 2}T08:00:00Z", "notes": notes})
        )
    assert empty.add_many(read_csv(csv_text(diary))) == 1 + len(LEADING)
    assert inputs(empty) == inputs(diary)
    assert [e.notes for e in empty.list()][1:] == list(LEADING)
    assert empty.list()[0].text == "-5 degrees felt, and cold"


# -- ids: importing twice adds nothing -----------------------------------------


def test_exports_carry_each_episodes_id(full: Diary) -> None:
    ids = [e.id for e in full.list()]
    rows = list(csv.DictReader(io.StringIO(csv_text(full), newline="")))
    assert [row["id"] for row in rows] == ids
    bundle = export_fhir(full)
    assert [e["resource"]["identifier"] for e in bundle["entry"]] == [
        [{"system": "urn:charley:episode-id", "value": i}] for i in ids
    ]
    assert [e["fullUrl"] for e in bundle["entry"]] == [f"urn:uuid:{i}" for i in ids]


def _export(diary: Diary, fmt: str) -> str:
    return csv_text(diary) if fmt == "csv" else json.dumps(export_fhir(diary))


READERS = {"csv": read_csv, "fhir": read_fhir}


@pytest.mark.parametrize("fmt", ["csv", "fhir"])
def test_importing_the_same_file_twice_adds_nothing(full: Diary, empty: Diary, fmt: str) -> None:
    data = _export(full, fmt)
    first = empty.import_episodes(READERS[fmt](data))
    assert (first.added, first.skipped) == (len(EPISODES), 0)
    again = empty.import_episodes(READERS[fmt](data))
    assert (again.added, again.skipped) == (0, len(EPISODES))
    assert empty.count() == len(EPISODES)
    assert [e.id for e in empty.list()] == [e.id for e in full.list()]
    assert inputs(empty) == inputs(full)
    # Back into the diary it came from: all there already.
    home = full.import_episodes(READERS[fmt](data))
    assert (home.added, home.skipped) == (0, len(EPISODES))
    assert full.count() == len(EPISODES)


@pytest.mark.parametrize("fmt", ["csv", "fhir"])
def test_a_file_with_the_same_episode_twice_imports_it_once(
    full: Diary, empty: Diary, fmt: str
) -> None:
    entries = READERS[fmt](_export(full, fmt))
    result = empty.import_episodes(entries + entries[:1])
    assert (result.added, result.skipped) == (len(EPISODES), 1)


def test_files_without_ids_still_import(full: Diary, empty: Diary) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_text(full), newline="")))
    out = io.StringIO(newline="")
    old = [c for c in COLUMNS if c != "id"]
    writer = csv.DictWriter(out, old, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    bundle = export_fhir(full)
    for entry in bundle["entry"]:
        del entry["resource"]["identifier"]
    for data, read in ((out.getvalue(), read_csv), (json.dumps(bundle), read_fhir)):
        result = empty.import_episodes(read(data))
        assert (result.added, result.skipped) == (len(EPISODES), 0)
    assert empty.count() == 2 * len(EPISODES)  # no id, nothing to know them by
    assert not {e.id for e in empty.list()} & {e.id for e in full.list()}


def test_a_malformed_id_is_refused(full: Diary) -> None:
    header = "id,started_at,sites\n"
    message = refused(full, read_csv, f"{header}12,2025-01-01T08:00:00+00:00,calf\n")
    assert message.startswith("line 2: id: '12' is not an episode id")
    bundle = export_fhir(full)
    bundle["entry"][1]["resource"]["identifier"][0]["value"] = "not-an-id"
    assert "entry 1: id: 'not-an-id' is not an episode id" in refused(
        full, read_fhir, json.dumps(bundle)
    )


def test_import_on_each_database_keeps_everything_and_skips_by_id(
    diary_url: str, full: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL imports through COPY: the same episodes, sites and remedies as INSERT,
    over several batches, and an id someone else's diary holds is given a new one."""
    from charley.diary import store

    monkeypatch.setattr(store, "BATCH", 2)
    data = csv_text(full)
    with Diary(diary_url, person="ann") as ann, Diary(diary_url, person="bob") as bob:
        result = ann.import_episodes(read_csv(data))
        assert (result.added, result.skipped) == (len(EPISODES), 0)
        assert inputs(ann) == inputs(full)
        assert [e.id for e in ann.list()] == [e.id for e in full.list()]
        again = ann.import_episodes(read_csv(data))
        assert (again.added, again.skipped) == (0, len(EPISODES))
        theirs = bob.import_episodes(read_csv(data))
        assert (theirs.added, theirs.skipped) == (len(EPISODES), 0)
        assert inputs(bob) == inputs(full)
        assert not {e.id for e in bob.list()} & {e.id for e in ann.list()}
        assert ann.count() == bob.count() == len(EPISODES)
        saved = ann.add(episode_in(EPISODES[1]))  # the key sequence moved past the COPY
        assert ann.get(saved.id) == saved
