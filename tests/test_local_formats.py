"""Dates, times and numbers written the way each language writes them in Morocco: Moroccan month
names, the 24-hour clock and the decimal comma, on pages, PDFs and sheets; real dates in XLSX."""

import io
from datetime import UTC, datetime

import openpyxl
import pytest
from flask import render_template_string, session

from depomi_learn.certificates.pdf import render_certificate_html
from depomi_learn.extensions import db
from depomi_learn.i18n import format_day, format_moment, format_number, plural_count
from depomi_learn.models import QuizAttempt, Role, utcnow
from depomi_learn.reports.exports import write_xlsx
from depomi_learn.reports.tables import Column, Table, cell_display, cell_text
from tests.helpers.certificates import certificate_row, complete_course, update_certificate
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user

DECEMBER_AFTERNOON = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)  # 15:30 in Casablanca (UTC+1)


def _speak(client, language: str) -> None:
    client.post(
        "/language", data={"language": language, "next": "/", "csrf_token": csrf_token(client)}
    )


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("ar", "5 دجنبر 2026", "5 دجنبر 2026، 15:30"),
        ("fr", "5 décembre 2026", "5 décembre 2026, 15:30"),
    ],
)
def test_days_are_written_out_with_moroccan_months_and_a_24_hour_clock(app, language, day, moment):
    with app.test_request_context():
        assert format_day(DECEMBER_AFTERNOON, language=language) == day
        assert format_moment(DECEMBER_AFTERNOON, language=language) == moment


@pytest.mark.parametrize(("language", "text"), [("fr", "31,0"), ("ar", "31,0"), ("en", "31.0")])
def test_numbers_take_the_decimal_sign_of_the_language(app, language, text):
    with app.test_request_context():
        assert format_number(31, 1, language) == text
        assert cell_display(31.04, "score", language) == text
        assert cell_text(31.04, "score") == "31.0"  # the CSV's data stays the same everywhere


@pytest.mark.parametrize(
    ("language", "template", "text"),
    [
        ("ar", "{{ when|datetimeformat }}", "5 دجنبر 2026، 15:30"),
        ("fr", "{{ when|dateformat }}", "5 décembre 2026"),
        ("fr", "{{ score|number }} %", "62,5 %"),
        ("ar", "{{ when|timeformat }}", "15:30"),
    ],
)
def test_template_filters_use_the_moroccan_locales(app, language, template, text):
    with app.test_request_context():
        session["language"] = language
        rendered = render_template_string(template, when=DECEMBER_AFTERNOON, score=62.5)
    assert rendered == text


@pytest.mark.parametrize(("language", "points", "form"), [("ar", 1.5, 5), ("ar", 2, 2)])
def test_points_choose_their_plural_form_from_the_exact_number(app, language, points, form):
    arabic_forms = {0: 0, 1: 1, 2: 2, 5: 5, 100: 5}  # gettext's Arabic formula on these numbers
    with app.test_request_context():
        assert arabic_forms[plural_count(points, language)] == form


@pytest.mark.parametrize(("points", "text"), [(1.5, "1,5 نقطة"), (2, "نقطتان"), (2.5, "2,5 نقطة")])
def test_arabic_points_say_two_only_for_exactly_two(app, points, text):
    template = (
        '{{ ngettext("%(num)s point", "%(num)s points", plural_count(points), num=points|number) }}'
    )
    with app.test_request_context():
        session["language"] = "ar"
        assert render_template_string(template, points=points) == text


def test_verification_page_writes_the_date_as_the_certificate_does(app, client):
    make_course(app)
    code = complete_course(app, make_user(app, email="fatima@example.ma"))
    update_certificate(app, code, issued_at=DECEMBER_AFTERNOON)
    _speak(client, "ar")
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "5 دجنبر 2026" in html
    assert "ديسمبر" not in html
    assert "2026-12-05" not in html


def test_certificate_pdf_writes_hours_with_a_decimal_comma(app):
    make_course(app)
    code = complete_course(app, make_user(app, email="fatima@example.ma"))
    update_certificate(app, code, hours_attended=12.5)
    with app.test_request_context():
        html = render_certificate_html(certificate_row(app, code), "https://example.ma/v")
    assert "suivies : 12,5<" in html
    assert "المتابعة: 12,5<" in html


def test_session_pages_write_days_out_not_in_iso(app, client, auth):
    from datetime import timedelta

    from depomi_learn.sessions.scheduling import SessionPlan, create_session

    make_course(app)
    trainer = auth.as_role(Role.TRAINER, language="fr")
    with app.app_context():
        from depomi_learn.models import User

        start = datetime(2027, 1, 12, 8, 0, tzinfo=UTC)
        plan = SessionPlan(
            course_id="demo-course",
            title="Accueil des migrants",
            region_id=db.session.get(User, trainer).region_id,
            days=[(start, start + timedelta(hours=3, minutes=30))],
            place="Agadir",
            trainer_ids=[trainer],
        )
        training = create_session(None, plan)
        db.session.commit()
        session_id = training.id
    html = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "12 janvier 2027" in html
    assert "09:00" in html
    assert "2027-01-12" not in html


def test_session_emails_write_days_out_in_the_reader_language(app):
    from datetime import timedelta

    from depomi_learn.models import User
    from depomi_learn.sessions.notices import message_for
    from depomi_learn.sessions.scheduling import SessionPlan, create_session

    make_course(app)
    reader = make_user(app, email="fatima@example.ma", language="ar")
    with app.test_request_context():
        start = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
        plan = SessionPlan(
            course_id="demo-course",
            title="Atelier",
            region_id=db.session.get(User, reader).region_id,
            days=[(start, start + timedelta(hours=3, minutes=30))],
            place="Agadir",
        )
        training = create_session(None, plan)
        db.session.flush()
        _subject, body = message_for(db.session.get(User, reader), training, "registered")
        db.session.rollback()
    assert "15 دجنبر 2026، 09:00-12:30" in body


def test_coordinator_learner_page_shows_module_titles_and_local_scores(app, client, auth):
    make_course(app, quiz_modules=("intro",))
    learner = make_user(app, email="fatima@example.ma")
    with app.app_context():
        from depomi_learn.models import CourseVersion

        version = db.session.scalar(db.select(CourseVersion))
        db.session.add(
            QuizAttempt(
                user_id=learner,
                course_id="demo-course",
                module_key="intro",
                version_id=version.id,
                number=1,
                language="fr",
                settings={"pass_mark": 70},
                questions=[],
                started_at=DECEMBER_AFTERNOON,
                submitted_at=DECEMBER_AFTERNOON,
                points=2.5,
                max_points=4,
                percent=62.5,
                passed=False,
            )
        )
        db.session.commit()
    auth.as_role(Role.COORDINATOR, language="fr")
    html = client.get(f"/coordinate/learners/{learner}").get_data(as_text=True)
    assert "intro [fr]" in html
    assert ">intro<" not in html
    assert "62,5" in html
    assert "5 décembre 2026" in html


def test_xlsx_days_are_date_cells_and_scores_keep_their_decimals(app):
    table = Table(
        "learners",
        (Column("completed_at", "Completed on", "date"), Column("score", "Score", "score")),
        [{"completed_at": DECEMBER_AFTERNOON, "score": 62.54}],
    )
    with app.app_context(), write_xlsx([table]) as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    day, score = sheet.cell(2, 1), sheet.cell(2, 2)
    assert day.is_date
    assert day.value == datetime(2026, 12, 5)
    assert day.number_format == "dd/mm/yyyy"
    assert score.value == pytest.approx(62.5)
    assert score.number_format == "0.0"


def test_now_is_never_written_in_iso_on_my_certificates(app, client, auth):
    make_course(app)
    user_id = auth.as_role(Role.LEARNER, language="fr")
    code = complete_course(app, user_id)
    update_certificate(app, code, issued_at=utcnow().replace(month=12, day=5))
    html = client.get("/certificates/").get_data(as_text=True)
    assert "décembre" in html


def test_dashboard_charts_write_months_out_and_rates_with_a_decimal_comma(app):
    from depomi_learn.reports.charts import dashboard_charts
    from depomi_learn.reports.tables import MEASURE_COLUMNS

    summary = {column.key: 0 for column in MEASURE_COLUMNS}
    tables = {
        "summary": Table("summary", MEASURE_COLUMNS, [summary]),
        "timeline": Table("timeline", (), [{"month": "2026-12", "completed": 3}]),
        "region": Table(
            "region", (), [{"label": "Souss-Massa", "programme": True, "completion_rate": 62.5}]
        ),
    }
    with app.test_request_context():
        session["language"] = "ar"
        charts = dashboard_charts(tables, rtl=True)
    assert "دجنبر 2026" in charts["timeline"]
    assert "2026-12" not in charts["timeline"]
    assert "62,5%" in charts["region"]
