"""The results page, its definitions, downloads and quarterly report: scope, hostile input, and
the same numbers as `flask reports indicators`."""

import csv
import io
import json
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from depomi_learn.models import Role
from depomi_learn.reports.indicators import INDICATOR_IDS, INDICATORS
from tests.helpers.results import build_results_world

QUERY = "?by=region&by=sex&from=2026-01-01&to=2026-12-31"
CELL_RE = re.compile(r'<td class="value"[^>]*>([^<]*)</td>')


@pytest.fixture
def world(app):
    return build_results_world(app)


def page_values(html: str) -> list[str]:
    """Return the values of the page's tables in order, totals (tfoot) left out."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return [value.replace("&lt;", "<") for body in bodies for value in CELL_RE.findall(body)]


def test_page_csv_xlsx_and_command_give_the_same_numbers(app, auth, world):
    auth.as_role(Role.COORDINATOR, region=None)
    html = auth.client.get("/results/" + QUERY).get_data(as_text=True)
    command = app.test_cli_runner().invoke(
        args=[
            "reports",
            "indicators",
            "--by",
            "region,sex",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ]
    )
    expected = [str(row["value"]) for row in json.loads(command.stdout)]
    assert page_values(html) == expected
    assert "<5" in expected
    assert "6" in expected
    exported = auth.client.get("/results/export.csv" + QUERY).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))[1:]
    assert [row[3] for row in rows] == expected
    workbook = load_workbook(io.BytesIO(auth.client.get("/results/export.xlsx" + QUERY).data))
    values = [row[3] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert [str(value) for value in values] == expected


def test_the_page_shows_totals_and_hides_small_groups(app, auth, world):
    auth.as_role(Role.COORDINATOR, region=None)
    html = auth.client.get("/results/?by=sex&indicator=people_trained").get_data(as_text=True)
    table = html[html.index('id="table-people_trained"') :]
    assert re.search(r"<tfoot>.*?<td class=\"value\">17</td>", table, re.S)
    assert page_values(html) == ["<5", "8", "<5"]
    assert 'href="/results/definitions#people_trained"' in html


def test_coordinator_sees_their_region_only(app, auth, world):
    auth.as_role(Role.COORDINATOR, region="oriental")
    html = auth.client.get("/results/?by=province&indicator=people_trained").get_data(as_text=True)
    assert page_values(html) == ["5"]
    assert "Agadir" not in html
    assert "Tiznit" not in html
    exported = auth.client.get("/results/export.csv?by=region").get_data(as_text=True)
    assert "Souss" not in exported
    workbook = load_workbook(io.BytesIO(auth.client.get("/results/quarterly.xlsx").data))
    people = workbook.worksheets[0]
    assert next(r for r in people.iter_rows(values_only=True) if r[0] == "Total")[1] == 5


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_learners_and_trainers_are_refused(app, auth, world, role):
    auth.as_role(role)
    for path in (
        "/results/",
        "/results/definitions",
        "/results/export.csv",
        "/results/quarterly.pdf",
    ):
        assert auth.client.get(path).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    assert client.get("/results/").status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        "?indicator=nothing",
        "?by=age",
        "?by=sex&by=region&by=course&by=year",
        "?from=2026-13-01",
        "?from=2026-01-01%00",
        "?from=" + "9" * 30,
        "?from=2026-05-01&to=2026-04-01",
        "?by=sex%00",
    ],
)
def test_hostile_arguments_get_400(app, auth, world, query):
    auth.as_role(Role.COORDINATOR, region=None)
    for path in ("/results/", "/results/export.csv", "/results/quarterly.xlsx"):
        assert auth.client.get(path + query).status_code == 400, path + query


def test_unknown_formats_get_404(app, auth, world):
    auth.as_role(Role.COORDINATOR, region=None)
    assert auth.client.get("/results/export.pdf").status_code == 404
    assert auth.client.get("/results/quarterly.csv").status_code == 404
    assert auth.client.get("/results/quarterly.xlsx?lang=de").status_code == 400


def test_definitions_page_defines_every_indicator_right_to_left_in_arabic(app, auth, world):
    auth.as_role(Role.COORDINATOR, region=None, language="ar")
    html = auth.client.get("/results/definitions").get_data(as_text=True)
    assert 'dir="rtl"' in html
    for indicator in INDICATORS:
        assert f'id="{indicator.id}"' in html
        assert indicator.name["ar"] in html


def test_quarterly_workbook_has_a_sheet_per_indicator_and_definitions(app, auth, world):
    auth.as_role(Role.COORDINATOR, region=None)
    for language in ("fr", "ar"):
        response = auth.client.get(f"/results/quarterly.xlsx?lang={language}")
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.data))
        assert len(workbook.worksheets) == len(INDICATOR_IDS) + 1
        names = [indicator.name[language][:28] for indicator in INDICATORS]
        assert workbook.sheetnames[: len(names)] == names
        rtl = {bool(sheet.sheet_view.rightToLeft) for sheet in workbook.worksheets}
        assert rtl == {language == "ar"}
        people = {r[0]: r[1] for r in workbook.worksheets[0].iter_rows(values_only=True) if r[0]}
        assert people[{"fr": "Femme", "ar": "أنثى"}[language]] == "<5"
        definitions = workbook.worksheets[-1]
        ids = [row[1] for row in definitions.iter_rows(min_row=2, values_only=True)]
        assert ids == list(INDICATOR_IDS)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_quarterly_pdf_is_one_page_with_the_totals(app, auth, world, tmp_path, language):
    auth.as_role(Role.COORDINATOR, region=None)
    response = auth.client.get(f"/results/quarterly.pdf?lang={language}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert INDICATORS[0].name[language].split()[0] in text
    assert "51,3" in text  # the decimal comma of fr_MA and ar_MA
    assert "47,1" in text
