"""`flask reports indicators`: JSON rows, breakdowns that add up, CSV and XLSX alike."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from depomi_learn.reports.indicators import INDICATOR_IDS
from tests.helpers.results import EXPECTED_TOTALS, build_results_world


@pytest.fixture
def world(app):
    return build_results_world(app)


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["reports", "indicators", *args])
    return result


def rows_of(app, *args: str) -> list[dict]:
    result = run(app, *args)
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def test_json_gives_one_row_per_indicator_with_the_expected_totals(app, world):
    rows = rows_of(app, "--format", "json")
    assert [row["indicator"] for row in rows] == list(INDICATOR_IDS)
    values = {row["indicator"]: row["value"] for row in rows}
    for indicator, expected in EXPECTED_TOTALS.items():
        assert values[indicator] == expected, indicator
    assert not [row for row in rows if "note" in row]
    before = rows_of(app, "--to", "2026-01-31", "--indicators", "knowledge_gain,satisfaction")
    assert [row["value"] for row in before] == [None, None]  # no data: null, never zero
    assert all(row["note"] for row in before)


def test_by_sex_rows_add_up_to_the_total_when_nothing_is_hidden(app, world):
    totals = {r["indicator"]: r["value"] for r in rows_of(app, "--to", "2026-03-31")}
    rows = rows_of(app, "--to", "2026-03-31", "--by", "sex")
    assert {"indicator", "value", "sex"} == set(rows[0])
    for indicator in ("people_trained", "completions", "certificates_valid", "training_hours"):
        mine = [row for row in rows if row["indicator"] == indicator]
        assert all(row["value"] != "<5" for row in mine), indicator
        assert round(sum(row["value"] for row in mine), 1) == totals[indicator], indicator
    assert not [row for row in rows if row["indicator"] == "women_share"]


def test_small_groups_print_as_less_than_five(app, world):
    rows = rows_of(app, "--by", "sex", "--indicators", "people_trained")
    assert rows == [
        {"indicator": "people_trained", "sex": "female", "value": "<5"},
        {"indicator": "people_trained", "sex": "male", "value": 8},
        {"indicator": "people_trained", "sex": "not_stated", "value": "<5"},
    ]


def test_region_option_narrows_to_one_region(app, world):
    rows = rows_of(app, "--region", "oriental", "--indicators", "people_trained,completions")
    assert rows == [
        {"indicator": "people_trained", "value": 5},
        {"indicator": "completions", "value": 5},
    ]


def test_csv_and_xlsx_give_the_json_numbers(app, world, tmp_path):
    args = ("--by", "region,sex", "--from", "2026-01-01", "--to", "2026-12-31")
    expected = [str(row["value"]) for row in rows_of(app, *args)]
    result = run(app, *args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))[1:]
    value = 3  # indicator, region, sex, value
    assert [row[value] for row in table] == expected
    target = tmp_path / "results.xlsx"
    assert run(app, *args, "--format", "xlsx", "--output", str(target)).exit_code == 0
    sheet = load_workbook(target).active
    cells = [row[value] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [str(value) for value in cells] == expected  # numbers stay numbers in XLSX


@pytest.mark.parametrize(
    "args",
    [
        ("--by", "age"),
        ("--by", "sex;drop table user"),
        ("--indicators", "people_trained,nothing"),
        ("--from", "2026-13-01"),
        ("--from", "2026-05-01", "--to", "2026-04-01"),
        ("--region", "atlantis"),
        ("--format", "pdf"),
    ],
)
def test_bad_options_are_refused_with_a_message(app, world, args):
    result = run(app, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
