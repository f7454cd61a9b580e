"""Session pages: wiring, permissions and what people see; hostile input gets a clear 4xx."""

import re
import shutil
import subprocess

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import (
    CourseAuthor,
    Role,
    SessionAttendance,
    SessionRegistration,
    SurveyAnswer,
    TrainingSession,
    User,
)
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user
from tests.helpers.sessions import future_day, make_learners, make_session, register_all

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _post(client, path, data=None, token_from="/sessions"):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, token_from)})


@pytest.fixture
def trainer(app, auth):
    make_course(app, "c1")
    user_id = auth.as_role(Role.TRAINER, region=None)
    with app.app_context():
        db.session.add(CourseAuthor(course_id="c1", user_id=user_id, is_owner=True))
        db.session.commit()
    return user_id


def test_trainer_plans_a_two_day_session_with_the_form(app, client, trainer):
    day1, day2 = future_day(10).isoformat(), future_day(11).isoformat()
    form = {
        "title": "Atelier d'Agadir", "region": "souss-massa", "province": "", "mode": "in_person",
        "place": "Hôtel de la Région", "address": "Av. Hassan II", "capacity": "3",
        "date_0": day1, "start_0": "09:00", "end_0": "12:30",
        "date_1": day2, "start_1": "09:00", "end_1": "16:00", "modules": ["intro"], "trainers": "",
    }  # fmt: skip
    response = _post(client, "/sessions/new?course=c1", form, token_from="/sessions/new?course=c1")
    assert response.status_code == 302, response.get_data(as_text=True)
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Atelier d&#39;Agadir" in page
    written = f"{future_day(10):%B} {future_day(10).day}, {future_day(10).year}"  # en, written out
    assert f"{written}</strong> 09:00–12:30" in page
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        assert session.modules == ["intro"]
        assert [t.id for t in session.trainers] == [trainer]
    bad = dict(form, end_1="08:00")
    refused = _post(client, "/sessions/new?course=c1", bad, token_from="/sessions/new?course=c1")
    assert refused.status_code == 400
    assert "a day must end after it starts" in refused.get_data(as_text=True)
    hostile = dict(form, capacity="9" * 30, title="x\x00y")
    assert (
        _post(client, "/sessions/new?course=c1", hostile, "/sessions/new?course=c1").status_code
        == 400
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TrainingSession.id))) == 1


def test_trainer_of_another_course_cannot_plan_or_open_its_sessions(app, client, auth):
    make_course(app, "c1")
    session_id = make_session(app, "c1")
    auth.as_role(Role.TRAINER, region=None)
    assert client.get("/sessions/new?course=c1").status_code == 200  # the course is not offered
    assert "c1 title" not in client.get("/sessions/new").get_data(as_text=True)
    for path in (
        f"/sessions/{session_id}",
        f"/sessions/{session_id}/edit",
        f"/sessions/{session_id}/sheet.pdf",
    ):
        assert client.get(path).status_code == 404, path
    assert _post(client, f"/sessions/{session_id}/cancel").status_code == 404


def test_learners_see_register_wait_and_move_up(app, client, auth):
    make_course(app, "c1")
    session_id = make_session(app, "c1", capacity=1)
    other = make_learners(app, 1, prefix="first")
    register_all(app, session_id, other)
    auth.as_role(Role.LEARNER)
    home = client.get("/").get_data(as_text=True)
    assert "Upcoming training sessions" in home
    assert f"/sessions/{session_id}" in home
    assert f"/sessions/{session_id}" in client.get("/courses/c1").get_data(as_text=True)
    response = _post(client, f"/sessions/{session_id}/register")
    assert response.status_code == 302
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "You are on the waiting list" in page
    with app.app_context():
        first = db.session.get(User, other[0])
        from depomi_learn.sessions.registration import unregister

        unregister(first, db.session.get(TrainingSession, session_id))
        db.session.commit()
    assert "You are registered." in client.get(f"/sessions/{session_id}").get_data(as_text=True)
    ics = client.get(f"/sessions/{session_id}/calendar.ics")
    assert ics.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in ics.get_data(as_text=True)


def test_hostile_ids_and_other_regions_get_404(app, client, auth):
    make_course(app, "c1")
    oriental = make_session(app, "c1", region="oriental")
    mine = make_session(app, "c1")
    auth.as_role(Role.LEARNER)
    with app.app_context():
        other_day = db.session.get(TrainingSession, oriental).days[0].id
    for path in (
        f"/sessions/{oriental}",
        "/sessions/" + "9" * 30,
        f"/sessions/{mine}/days/{other_day}/check-in",
        f"/sessions/{mine}/days/{'9' * 30}/check-in",
        f"/sessions/{oriental}/calendar.ics",
    ):
        assert client.get(path).status_code == 404, path
    assert _post(client, f"/sessions/{oriental}/register").status_code == 404
    assert client.get(f"/sessions/{mine}/days/1/attendance").status_code == 403  # learners never
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionRegistration.id))) == 0


def _started_session(app, learners: list[int]) -> tuple[int, list[int]]:
    """A session whose first day is under way now, with `learners` registered."""
    from datetime import timedelta

    from depomi_learn.models import utcnow

    make_course(app, "c1")
    session_id = make_session(app, "c1")
    register_all(app, session_id, learners)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        days = sorted(session.days, key=lambda d: d.starts_at)
        days[0].starts_at, days[0].ends_at = (
            utcnow() - timedelta(hours=1),
            utcnow() + timedelta(hours=2),
        )
        db.session.commit()
        return session_id, [d.id for d in days]


def test_qr_code_url_checks_a_registered_learner_in_once(app, client, auth):
    learners = make_learners(app, 2)
    session_id, day_ids = _started_session(app, learners)
    staff = make_user(app, email="a@example.ma", role=Role.ADMIN, region=None)
    del staff
    auth.login("a@example.ma")
    qr_page = client.get(f"/sessions/{session_id}/days/{day_ids[0]}/qr").get_data(as_text=True)
    url = re.search(r'href="(http[^"]+check-in\?code=[A-Z2-7]+)"', qr_page).group(1)
    assert "<svg" in qr_page
    assert 'http-equiv="refresh"' in qr_page
    auth.logout()
    auth.login("l0@example.ma")
    path = url.split("localhost", 1)[-1]
    page = client.get(path).get_data(as_text=True)
    assert "I am here" in page
    code = url.rsplit("=", 1)[1]
    for _ in range(3):
        done = _post(client, path.split("?")[0], {"code": code}, token_from=path)
        assert done.status_code == 200
    assert "already recorded" in done.get_data(as_text=True)
    wrong = _post(client, path.split("?")[0], {"code": "AAAAAAAAAA"}, token_from=path)
    assert wrong.status_code == 400
    with app.app_context():
        rows = db.session.scalars(sa.select(SessionAttendance)).all()
        assert [(r.user_id, r.method) for r in rows] == [(learners[0], "qr")]


def test_opening_the_check_in_link_records_nothing_until_the_learner_confirms(app, client, auth):
    """A link preview or a prefetch opens the scanned address: only the confirming POST counts."""
    from depomi_learn.models import SessionDay
    from depomi_learn.sessions.attendance import current_code

    learners = make_learners(app, 1)
    session_id, day_ids = _started_session(app, learners)
    with app.app_context():
        code = current_code(db.session.get(SessionDay, day_ids[0]))
    path = f"/sessions/{session_id}/days/{day_ids[0]}/check-in"

    def recorded() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(SessionAttendance.id)))

    preview = client.get(f"{path}?code={code}")  # a messaging app's preview: not signed in
    assert preview.status_code == 302
    assert "/login" in preview.headers["Location"]
    auth.login("l0@example.ma")
    for _ in range(3):
        page = client.get(f"{path}?code={code}")
        assert page.status_code == 200
        assert 'method="post"' in page.get_data(as_text=True)
        assert page.headers["Cache-Control"] == "no-store"
    assert client.head(f"{path}?code={code}").status_code == 200
    assert recorded() == 0
    forged = client.post(path, data={"code": code})  # no CSRF token: another site's form
    assert forged.status_code == 400
    assert recorded() == 0
    confirmed = _post(client, path, {"code": code}, token_from=f"{path}?code={code}")
    assert "Your presence is recorded" in confirmed.get_data(as_text=True)
    assert recorded() == 1


def test_trainer_marks_a_day_and_learner_cannot(app, client, auth):
    learners = make_learners(app, 2)
    session_id, day_ids = _started_session(app, learners)
    make_user(app, email="a@example.ma", role=Role.ADMIN, region=None)
    auth.login("a@example.ma")
    path = f"/sessions/{session_id}/days/{day_ids[1]}/attendance"
    form = {f"status_{learners[0]}": "present", f"status_{learners[1]}": "excused",
            f"note_{learners[1]}": "mission"}  # fmt: skip
    assert _post(client, path, form, token_from=path).status_code == 302
    hostile = {f"status_{learners[0]}": "late"}
    assert _post(client, path, hostile, token_from=path).status_code == 302
    with app.app_context():
        marks = {
            r.user_id: (r.status, r.note) for r in db.session.scalars(sa.select(SessionAttendance))
        }
        assert marks == {learners[0]: ("present", ""), learners[1]: ("excused", "mission")}
    auth.logout()
    auth.login("l0@example.ma")
    assert client.get(path).status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_attendance_sheet_has_arabic_names_in_logical_order(app, client, auth, tmp_path):
    make_course(app, "c1")
    session_id = make_session(app, "c1")
    names = ["أمينة آيت علي", "يوسف برادة"]
    ids = [
        make_user(app, email=f"ar{n}@example.ma", name=f"Person {n}", name_ar=name)
        for n, name in enumerate(names)
    ]
    register_all(app, session_id, ids)
    make_user(app, email="a@example.ma", role=Role.ADMIN, region=None)
    auth.login("a@example.ma")
    response = client.get(f"/sessions/{session_id}/sheet.pdf")
    assert response.mimetype == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = BIDI_CONTROLS.sub("", text)
    for name in names:
        assert name in text
    assert "ورقة الحضور" in text
    assert "Feuille de présence" in text
    assert text.count("Signature") >= 2  # one column per day
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text), "presentation forms leaked"


def test_csv_upload_shows_line_errors_and_writes_nothing(app, client, auth):
    learners = make_learners(app, 1)
    session_id, _days = _started_session(app, learners)
    make_user(app, email="a@example.ma", role=Role.ADMIN, region=None)
    auth.login("a@example.ma")
    path = f"/sessions/{session_id}/attendance/upload"
    import io

    data = {"csrf_token": csrf_token(client, path), "dry_run": "0",
            "file": (io.BytesIO(b"email,date,status\nl0@example.ma,2001-01-01,present\n"),
                     "a.csv")}  # fmt: skip
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "line 2: date:" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionAttendance.id))) == 0


def _answer(app, client, auth, email: str, session_id: int, relevance: str) -> None:
    auth.login(email)
    path = f"/sessions/{session_id}/evaluation"
    form = {"relevance": relevance, "trainer": "4", "recommend": "yes", "apply": f"apply {email}"}
    assert _post(client, path, form, token_from=path).status_code == 302
    auth.logout()


def test_evaluation_shows_averages_from_five_answers_never_with_names(app, client, auth):
    learners = make_learners(app, 5)
    session_id, _days = _started_session(app, learners)
    for n in range(4):
        _answer(app, client, auth, f"l{n}@example.ma", session_id, str(n + 1))
    make_user(app, email="a@example.ma", role=Role.ADMIN, region=None)
    auth.login("a@example.ma")
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Not enough answers to show" in page
    assert "Average:" not in page
    auth.logout()
    _answer(app, client, auth, "l4@example.ma", session_id, "5")
    auth.login("l4@example.ma")  # a second answer is refused
    path = f"/sessions/{session_id}/evaluation"
    assert _post(client, path, {"relevance": "1"}, token_from="/sessions").status_code == 302
    auth.logout()
    auth.login("a@example.ma")
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Average: 3.00 / 5" in page  # (1+2+3+4+5)/5 for relevance
    assert "Average: 4.00 / 5" in page
    assert "apply l0@example.ma" in page
    results = page.split("People")[0]
    assert "Learner 0" not in results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyAnswer.id))) == 20
        assert "user_id" not in SurveyAnswer.__table__.columns


def test_report_and_csv_export_agree(app, client, auth):
    learners = make_learners(app, 2)
    session_id, day_ids = _started_session(app, learners)
    make_user(app, email="co@example.ma", role=Role.COORDINATOR)
    auth.login("co@example.ma")
    path = f"/sessions/{session_id}/days/{day_ids[0]}/attendance"
    _post(client, path, {f"status_{learners[0]}": "present"}, token_from=path)
    page = client.get("/sessions/report").get_data(as_text=True)
    assert "25.0" in page  # one present mark of 2 people x 2 days
    csv_text = client.get("/sessions/report.csv").get_data(as_text=True)
    assert "25.0" in csv_text
    assert "Atelier SNIA Agadir" in csv_text
    by_region = client.get("/sessions/report?by=region").get_data(as_text=True)
    assert "Souss-Massa" in by_region
    assert "by=province&amp;region=souss-massa" in by_region
    assert client.get("/sessions/report?region=oriental").status_code == 404
    session_page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Days present" in session_page
    learners_csv = client.get(f"/sessions/{session_id}/learners.csv").get_data(as_text=True)
    assert "l0@example.ma" in learners_csv
    assert learners_csv.count("50.0") == 1  # the learner present on one of the two days
    auth.logout()
    auth.login("l0@example.ma")
    assert client.get(f"/sessions/{session_id}/learners.csv").status_code == 403
    auth.logout()
    auth.login("co@example.ma")
    xlsx = client.get("/sessions/report.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.data[:2] == b"PK"


def test_cancelling_and_moving_tell_every_registered_person_in_their_language(
    app,
    client,
    auth,
    smtp_server,
):
    from email import message_from_bytes, policy

    port, inbox = smtp_server
    make_course(app, "c1")
    session_id = make_session(app, "c1", capacity=1)
    french = make_user(app, email="fr@example.ma", language="fr")
    arabic = make_user(app, email="ar@example.ma", language="ar")
    register_all(app, session_id, [french, arabic])  # the second one waits
    make_user(app, email="co@example.ma", role=Role.COORDINATOR)
    auth.login("co@example.ma")
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
    try:
        edit = f"/sessions/{session_id}/edit"
        form = {
            "title": "Atelier SNIA Agadir", "region": "souss-massa", "mode": "in_person",
            "place": "Salle 2", "capacity": "1",
            "date_0": future_day(20).isoformat(), "start_0": "09:00", "end_0": "12:00",
        }  # fmt: skip
        assert _post(client, edit, form, token_from=edit).status_code == 302
        moved = [message_from_bytes(m.content, policy=policy.default) for m in inbox.messages]
        assert [m["To"] for m in moved] == ["fr@example.ma"]
        assert moved[0]["Subject"].startswith("Modification")
        assert "Salle 2" in moved[0].get_content()
        inbox.messages.clear()
        assert _post(client, f"/sessions/{session_id}/cancel").status_code == 302
    finally:
        app.config.update(SMTP_HOST="", SMTP_PORT=587, SMTP_SECURITY="starttls")
    cancelled = {
        m["To"]: m["Subject"]
        for m in (message_from_bytes(m.content, policy=policy.default) for m in inbox.messages)
    }
    assert cancelled == {
        "fr@example.ma": "Annulation : Atelier SNIA Agadir",
        "ar@example.ma": "إلغاء: Atelier SNIA Agadir",
    }


def test_head_requests_to_session_forms_only_show_them(app, client, trainer):
    """HEAD is routed like GET and skips the CSRF check: it must never reach the writing half."""
    session_id = make_session(app, "c1")
    for path in (
        "/sessions/new?course=c1",
        f"/sessions/{session_id}/edit",
        f"/sessions/{session_id}/attendance/upload",
    ):
        assert client.head(path).status_code == 200, path
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TrainingSession.id))) == 1
