"""Session reports for coordinators: by region and province with drill-down, the same rows on
the page, in CSV and in XLSX, kept to the coordinator's region, and satisfaction that no
subtraction can recover below five evaluations."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import (
    Province,
    Region,
    Role,
    SurveyAnswer,
    SurveyResponse,
    TrainingSession,
)
from tests.helpers.courses import make_course
from tests.helpers.people import make_user
from tests.helpers.report_pages import csv_rows, table_on_page, xlsx_rows
from tests.helpers.sessions import make_learners, make_session

# Session title -> (region, province index or None, evaluations answered with these marks)
PLAN = {
    "Agadir A": ("souss-massa", 0, [5, 5, 4, 4, 4, 3]),  # 6 answers: shown
    "Agadir B": ("souss-massa", 0, [1, 1, 2]),  # 3 answers: hidden
    "Tiznit": ("souss-massa", 1, [4, 4, 4, 5, 5, 5, 3]),
    "Souss, whole region": ("souss-massa", None, []),
    "Oujda": ("oriental", 0, [3, 3, 4, 4, 5]),
}


def _provinces(region: str) -> list[Province]:
    return list(
        db.session.scalars(
            sa.select(Province)
            .join(Region, Region.id == Province.region_id)
            .where(Region.code == region)
            .order_by(Province.code)
        )
    )


@pytest.fixture
def evaluated(app) -> dict[str, str]:
    """The sessions of PLAN with their evaluations; return the province codes used."""
    make_course(app, "c1")
    people = make_learners(app, 7, region="souss-massa")
    codes = {}
    for title, (region, province, marks) in PLAN.items():
        session_id = make_session(app, "c1", region=region, title=title)
        with app.app_context():
            session = db.session.get(TrainingSession, session_id)
            if province is not None:
                chosen = _provinces(region)[province]
                session.province_id = chosen.id
                codes[title] = chosen.code
            for person, mark in zip(people, marks, strict=False):
                db.session.add(SurveyResponse(session_id=session_id, user_id=person))
                db.session.add(SurveyAnswer(session_id=session_id, question="trainer", number=mark))
            db.session.commit()
    make_user(app, email="national@example.ma", role=Role.COORDINATOR, region=None)
    make_user(app, email="souss@example.ma", role=Role.COORDINATOR, region="souss-massa")
    return codes


def _page_rows(client, query: str) -> list[list[str]]:
    response = client.get(f"/sessions/report?{query}")
    assert response.status_code == 200, query
    html = response.get_data(as_text=True)
    name = "sessions" if "by=" not in query else query.split("by=")[1].split("&")[0]
    table = "sessions" if name == "sessions" else f"sessions-by-{name}"
    rows = table_on_page(html, table)
    return [["" if cell == "–" else cell for cell in row] for row in rows]


def _same_cell(shown: str, cell: object) -> bool:
    if cell is None:
        return shown == ""
    if isinstance(cell, int | float):
        return shown != "" and abs(float(shown) - cell) < 0.0051
    if isinstance(cell, datetime):  # a date cell in the workbook
        return shown == cell.date().isoformat()
    return shown == str(cell)


def _assert_exports_equal_the_page(client, query: str) -> list[list[str]]:
    page = _page_rows(client, query)
    assert len(page) > 1, query
    assert csv_rows(client.get(f"/sessions/report.csv?{query}").data) == page, query
    sheet = xlsx_rows(client.get(f"/sessions/report.xlsx?{query}").data)
    assert len(sheet) == len(page), query
    for shown, written in zip(page, sheet, strict=True):
        assert len(shown) == len(written)
        assert all(_same_cell(a, b) for a, b in zip(shown, written, strict=True)), (shown, written)
    return page


def test_national_coordinator_drills_down_and_every_export_equals_the_screen(
    app, client, auth, evaluated
):
    auth.login("national@example.ma")
    regions = _assert_exports_equal_the_page(client, "by=region")
    assert [row[0] for row in regions[1:]] == ["Oriental", "Souss-Massa"]
    page = client.get("/sessions/report?by=region").get_data(as_text=True)
    assert 'href="/sessions/report?by=province&amp;region=souss-massa"' in page

    provinces = _assert_exports_equal_the_page(client, "by=province&region=souss-massa")
    names = [row[1] for row in provinces[1:]]
    assert names[-1] == "Whole region"
    assert len(names) == 3
    page = client.get("/sessions/report?by=province&region=souss-massa").get_data(as_text=True)
    agadir = evaluated["Agadir A"]
    assert f'href="/sessions/report?region=souss-massa&amp;province={agadir}"' in page
    assert 'href="/sessions/report?region=souss-massa&amp;province=none"' in page

    sessions = _assert_exports_equal_the_page(client, f"region=souss-massa&province={agadir}")
    assert sorted(row[1] for row in sessions[1:]) == ["Agadir A", "Agadir B"]
    whole = _assert_exports_equal_the_page(client, "region=souss-massa&province=none")
    assert [row[1] for row in whole[1:]] == ["Souss, whole region"]
    every = _assert_exports_equal_the_page(client, "by=province")  # all provinces, with regions
    assert {row[0] for row in every[1:]} == {"Oriental", "Souss-Massa"}


def test_satisfaction_hides_below_five_answers_and_where_a_subtraction_would_reveal_it(
    app, client, auth, evaluated
):
    auth.login("national@example.ma")
    label = "Satisfaction (1-5)"
    sessions = _page_rows(client, "")
    by_title = {row[1]: row[sessions[0].index(label)] for row in sessions[1:]}
    assert by_title["Agadir A"] == "4.17"  # 25 / 6
    assert by_title["Agadir B"] == ""  # 3 answers
    assert by_title["Tiznit"] == "4.29"
    assert by_title["Oujda"] == "3.80"
    # Agadir's province minus session A would give session B: hidden, and so is Souss-Massa
    # (its total minus Tiznit would give the province), on the page and in the exports.
    provinces = _page_rows(client, "by=province&region=souss-massa")
    satisfaction = {row[1]: row[provinces[0].index(label)] for row in provinces[1:]}
    tiznit = [row[1] for row in provinces[1:]][1]
    assert list(satisfaction.values()) == ["", "4.29", ""]
    assert satisfaction[tiznit] == "4.29"
    regions = _page_rows(client, "by=region")
    assert {row[0]: row[regions[0].index(label)] for row in regions[1:]} == {
        "Oriental": "3.80",
        "Souss-Massa": "",
    }
    exported = csv_rows(client.get("/sessions/report.csv?by=region").data)
    assert [row[exported[0].index(label)] for row in exported[1:]] == ["3.80", ""]
    # Evaluations are still counted: the number of answers is not a result.
    assert [row[regions[0].index("Evaluations")] for row in regions[1:]] == ["5", "16"]


def test_regional_coordinator_sees_only_their_region_and_cannot_reach_another(
    app, client, auth, evaluated
):
    auth.login("souss@example.ma")
    regions = _page_rows(client, "by=region")
    assert [row[0] for row in regions[1:]] == ["Souss-Massa"]
    provinces = _page_rows(client, "by=province")
    assert {row[0] for row in provinces[1:]} == {"Souss-Massa"}
    titles = [row[1] for row in _page_rows(client, "")[1:]]
    assert "Oujda" not in titles
    oujda = evaluated["Oujda"]
    for query in (
        "region=oriental",
        "by=province&region=oriental",
        f"province={oujda}",
        f"region=souss-massa&province={oujda}",
        "province=nowhere",
    ):
        for path in ("/sessions/report", "/sessions/report.csv", "/sessions/report.xlsx"):
            assert client.get(f"{path}?{query}").status_code == 404, (path, query)
    assert "Oriental" not in client.get("/sessions/report?by=province").get_data(as_text=True)


def test_coordinator_dashboard_shows_the_same_groups_and_drills_down(app, client, auth, evaluated):
    auth.login("national@example.ma")
    dashboard = client.get("/coordinate/").get_data(as_text=True)
    on_dashboard = [
        ["" if cell == "–" else cell for cell in row]
        for row in table_on_page(dashboard, "sessions-by-region")
    ]
    assert on_dashboard == _page_rows(client, "by=region")
    assert 'href="/sessions/report?by=province&amp;region=souss-massa"' in dashboard
    auth.logout()
    auth.login("souss@example.ma")
    dashboard = client.get("/coordinate/").get_data(as_text=True)
    provinces = table_on_page(dashboard, "sessions-by-province")
    assert {row[0] for row in provinces[1:]} == {"Souss-Massa"}
    assert len(provinces) == 4  # the header, two provinces and the whole region
    assert f"province={evaluated['Tiznit']}" in dashboard


def test_report_queries_do_not_grow_with_learners_or_evaluations(app, client, auth, evaluated):
    from tests.helpers.queries import queries_for

    auth.login("national@example.ma")
    paths = ("/sessions/report", "/sessions/report?by=region", "/sessions/report?by=province")
    few = [queries_for(app, client, path) for path in paths]
    more = make_learners(app, 12, region="souss-massa", prefix="m")
    with app.app_context():
        session_id = db.session.scalar(
            sa.select(TrainingSession.id).where(TrainingSession.title == "Tiznit")
        )
        for person in more:
            db.session.add(SurveyResponse(session_id=session_id, user_id=person))
            db.session.add(SurveyAnswer(session_id=session_id, question="trainer", number=2))
        db.session.commit()
    assert [queries_for(app, client, path) for path in paths] == few


def test_trainer_sees_their_sessions_with_attendance_gain_and_satisfaction_only(
    app, client, auth, evaluated
):
    from depomi_learn.models import CourseAuthor

    make_course(app, "c2")
    make_session(app, "c2", title="Autre cours")
    trainer = make_user(app, email="trainer@example.ma", role=Role.TRAINER, region=None)
    with app.app_context():
        db.session.add(CourseAuthor(course_id="c1", user_id=trainer, is_owner=True))
        db.session.commit()
    auth.login("trainer@example.ma")
    rows = _assert_exports_equal_the_page(client, "")
    header = rows[0]
    for label in ("Attendance rate (%)", "Average gain (points)", "Satisfaction (1-5)"):
        assert label in header
    titles = {row[1]: row[header.index("Satisfaction (1-5)")] for row in rows[1:]}
    assert set(titles) == set(PLAN)
    assert titles["Agadir A"] == "4.17"
    assert titles["Agadir B"] == ""
    # No grouping for a trainer: asking for one gives their sessions.
    grouped = client.get("/sessions/report?by=region").get_data(as_text=True)
    assert table_on_page(grouped, "sessions-by-region") == []
    assert len(table_on_page(grouped, "sessions")) == len(rows)


def test_places_are_named_in_the_readers_language_on_the_page_and_in_the_exports(
    app, client, auth, evaluated
):
    make_user(
        app, email="ar@example.ma", role=Role.COORDINATOR, region="souss-massa", language="ar"
    )
    auth.login("ar@example.ma")
    with app.app_context():
        region = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
        arabic, french = region.name_ar, region.name_fr
    rows = _assert_exports_equal_the_page(client, "by=region")
    assert [row[0] for row in rows[1:]] == [arabic]
    page = client.get("/sessions/report?by=province").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert french not in page
    sessions = _assert_exports_equal_the_page(client, "")
    assert {row[3] for row in sessions[1:]} == {arabic}
