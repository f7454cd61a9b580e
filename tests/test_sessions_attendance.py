"""Attendance: trainer marks, QR check-in, paper sheets as CSV, completion rules, certificates."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.learning.completion import learner_gain, normalised_gain
from depomi_learn.models import (
    AuditEvent,
    Certificate,
    Enrolment,
    Role,
    SessionAttendance,
    TrainingSession,
    User,
    utcnow,
)
from depomi_learn.sessions.attendance import Mark, check_in, check_in_code, minute_of, record_marks
from depomi_learn.sessions.attendance_csv import import_attendance_csv
from depomi_learn.sessions.scheduling import SessionError, close_session
from tests.helpers.people import make_user
from tests.helpers.sessions import (
    day_span,
    future_day,
    make_blended_course,
    make_learners,
    make_session,
    register_all,
)


@pytest.fixture
def world(app):
    make_blended_course(app)
    session_id = make_session(app, "blended", capacity=5)
    learners = make_learners(app, 3)
    register_all(app, session_id, learners)
    trainer = make_user(app, email="t@example.ma", role=Role.TRAINER, region=None)
    coordinator = make_user(app, email="c@example.ma", role=Role.COORDINATOR)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        session.trainers.append(db.session.get(User, trainer))
        db.session.commit()
    return {"session": session_id, "learners": learners, "trainer": trainer, "coord": coordinator}


def _days(session_id: int):
    return sorted(db.session.get(TrainingSession, session_id).days, key=lambda d: d.starts_at)


def test_check_in_counts_once_with_the_current_or_previous_code_only(app, world):
    with app.app_context():
        day = _days(world["session"])[0]
        user = db.session.get(User, world["learners"][0])
        now = day.starts_at + timedelta(minutes=5)
        minute = minute_of(now)
        assert check_in(user, day, check_in_code(day, minute), now) == "recorded"
        assert check_in(user, day, check_in_code(day, minute - 1), now) == "already"
        for code in (check_in_code(day, minute - 2), check_in_code(day, minute + 1), "X" * 10, ""):
            with pytest.raises(SessionError):
                check_in(db.session.get(User, world["learners"][1]), day, code, now)
        db.session.commit()
        rows = db.session.scalars(sa.select(SessionAttendance)).all()
        assert [(r.user_id, r.status, r.method) for r in rows] == [
            (world["learners"][0], "present", "qr")
        ]


def test_check_in_only_during_the_day_and_only_for_registered_people(app, world):
    outsider = make_user(app, email="x@example.ma")
    with app.app_context():
        day = _days(world["session"])[0]
        learner = db.session.get(User, world["learners"][0])
        for moment in (day.starts_at - timedelta(minutes=31), day.ends_at + timedelta(minutes=31)):
            with pytest.raises(SessionError):
                check_in(learner, day, check_in_code(day, minute_of(moment)), moment)
        early = day.starts_at - timedelta(minutes=29)
        assert check_in(learner, day, check_in_code(day, minute_of(early)), early) == "recorded"
        with pytest.raises(SessionError) as caught:
            check_in(
                db.session.get(User, outsider), day, check_in_code(day, minute_of(early)), early
            )
        assert caught.value.status == 403


def test_trainer_corrects_until_closed_then_only_a_coordinator_audited(app, world):
    first = world["learners"][0]
    with app.app_context():
        trainer = db.session.get(User, world["trainer"])
        day = _days(world["session"])[0]
        assert record_marks(trainer, day, [Mark(first, "absent", "malade")]) == 1
        assert record_marks(trainer, day, [Mark(first, "excused", "certificat")]) == 1
        close_session(trainer, day.session)
        db.session.commit()
        with pytest.raises(SessionError):
            record_marks(trainer, day, [Mark(first, "present")])
        coordinator = db.session.get(User, world["coord"])
        record_marks(coordinator, day, [Mark(first, "present", "erreur de saisie")])
        db.session.commit()
        row = db.session.scalar(sa.select(SessionAttendance))
        assert (row.status, row.note, row.recorded_by_id) == (
            "present",
            "erreur de saisie",
            world["coord"],
        )
        audit = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "session.attendance_correct")
        ).all()
        assert [a.actor_id for a in audit] == [world["coord"]]


def test_marks_refuse_people_not_registered_and_unknown_statuses(app, world):
    outsider = make_user(app, email="x@example.ma")
    with app.app_context():
        trainer = db.session.get(User, world["trainer"])
        day = _days(world["session"])[0]
        for mark in (Mark(outsider, "present"), Mark(world["learners"][0], "late")):
            with pytest.raises(SessionError):
                record_marks(trainer, day, [mark])


def test_csv_dry_run_reports_every_row_and_writes_nothing_on_error(app, world):
    with app.app_context():
        session = db.session.get(TrainingSession, world["session"])
        day1, day2 = (
            d.starts_at.astimezone(_zone()).date().isoformat() for d in _days(world["session"])
        )
        trainer = db.session.get(User, world["trainer"])
        bad = (
            "email,date,status,note\n"
            f"l0@example.ma,{day1},present,\n"
            f"nobody@example.ma,{day1},present,\n"
            f"l1@example.ma,2031-01-01,late,\n"
        ).encode()
        outcome = import_attendance_csv(trainer, session, bad, dry_run=False)
        assert outcome.errors == [
            "line 3: email: not registered in this session",
            "line 4: date: not a day of this session (YYYY-MM-DD)",
            "line 4: status: choose present, absent or excused",
        ]
        assert db.session.scalar(sa.select(sa.func.count(SessionAttendance.id))) == 0
        good = (
            "email,date,status,note\n"
            f"L0@example.ma,{day1},present,\nl1@example.ma,{day2},absent,grève\n"
        )
        dry = import_attendance_csv(trainer, session, good.encode(), dry_run=True)
        assert dry.errors == []
        assert dry.written == 0
        assert db.session.scalar(sa.select(sa.func.count(SessionAttendance.id))) == 0
        done = import_attendance_csv(trainer, session, good.encode("utf-8-sig"), dry_run=False)
        db.session.commit()
        assert done.written == 2
        methods = db.session.scalars(sa.select(SessionAttendance.method)).all()
        assert methods == ["csv", "csv"]
        for hostile in (b"\xff\xfe\x00", b"email,date\n", b"a\x00b"):
            assert import_attendance_csv(trainer, session, hostile, dry_run=False).errors


def _zone():
    from depomi_learn.sessions.scheduling import ZONE

    return ZONE


def _pass_quiz(app, user_id: int, module_key: str, percent: float) -> None:
    """Record a submitted attempt and complete the module as the quiz code would."""
    from depomi_learn.learning.progress import complete_module
    from depomi_learn.models import CourseVersion, QuizAttempt

    with app.app_context():
        user = db.session.get(User, user_id)
        version = db.session.scalar(
            sa.select(CourseVersion).where(CourseVersion.course_id == "blended")
        )
        number = 1 + db.session.scalar(
            sa.select(sa.func.count(QuizAttempt.id)).where(QuizAttempt.user_id == user_id)
        )
        db.session.add(
            QuizAttempt(
                user_id=user_id, course_id="blended", module_key=module_key, version_id=version.id,
                number=number, language="fr", settings={}, questions=[], submitted_at=utcnow(),
                percent=percent, passed=percent >= 70, points=percent, max_points=100,
            )
        )  # fmt: skip
        db.session.flush()
        if percent >= 70 or module_key == "pre":
            complete_module(user, "blended", module_key)
        db.session.commit()


def _certificate(app, user_id: int) -> Certificate | None:
    with app.app_context():
        row = db.session.scalar(sa.select(Certificate).where(Certificate.user_id == user_id))
        if row is not None:
            db.session.expunge(row)
        return row


def test_certificate_only_when_modules_post_test_and_attendance_meet_the_rule(app, world):
    learner = world["learners"][0]
    _pass_quiz(app, learner, "pre", 40)
    with app.app_context():
        from depomi_learn.learning.progress import complete_module

        complete_module(db.session.get(User, learner), "blended", "lesson")
        db.session.commit()
    _pass_quiz(app, learner, "post", 85)
    assert _certificate(app, learner) is None  # attendance 0 %
    with app.app_context():
        trainer = db.session.get(User, world["trainer"])
        day1, _day2 = _days(world["session"])
        record_marks(trainer, day1, [Mark(learner, "present")])
        db.session.commit()
    assert _certificate(app, learner) is None  # 50 % < 80 %
    with app.app_context():
        record_marks(
            db.session.get(User, world["trainer"]),
            _days(world["session"])[1],
            [Mark(learner, "present")],
        )
        db.session.commit()
        enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == learner))
        assert enrolment.completed_at is not None
    certificate = _certificate(app, learner)
    assert certificate is not None
    assert certificate.hours_attended == 7.0
    with app.app_context():
        from depomi_learn.models import CourseVersion
        from depomi_learn.reports.counters import differences

        # Quizzes, a module and attendance completed the course: the dashboard counted it.
        assert differences(db.session.connection()) == []

        version = db.session.scalar(sa.select(CourseVersion))
        assert learner_gain(learner, version) == {"pre": 40, "post": 85, "gain": 45}
    assert normalised_gain(40, 85) == 0.75


def test_pre_test_alone_never_completes_and_a_course_without_rule_behaves_as_before(app):
    from depomi_learn.learning.progress import complete_module
    from tests.helpers.courses import make_course

    make_course(app, "plain", modules=("a", "b"))
    learner = make_user(app, email="p@example.ma")
    with app.app_context():
        from depomi_learn.learning.progress import enrol
        from depomi_learn.models import Course

        user = db.session.get(User, learner)
        enrol(user, db.session.get(Course, "plain"))
        complete_module(user, "plain", "a")
        complete_module(user, "plain", "b")
        db.session.commit()
    certificate = _certificate(app, learner)
    assert certificate is not None
    assert certificate.hours_attended is None


def test_one_day_session_hours(app):
    make_blended_course(app, "one")
    session_id = make_session(app, "one", days=[day_span(future_day(3), "09:00", "17:00")])
    with app.app_context():
        assert _days(session_id)[0].hours == 8


def test_session_report_gains_are_sql_aggregates_over_learners_with_both_tests(app, world):
    from depomi_learn.sessions.report_groups import group_rows
    from depomi_learn.sessions.reports import learner_rows, session_rows, session_summary

    first, second, third = world["learners"]
    for user_id, module_key, percent in (
        (first, "pre", 40),
        (first, "post", 85),
        (second, "pre", 60),
        (second, "post", 50),
        (second, "post", 80),  # the best attempt counts
        (third, "post", 90),  # no pre-test: not in the gain
    ):
        _pass_quiz(app, user_id, module_key, percent)
    oriental = make_user(app, email="co2@example.ma", role=Role.COORDINATOR, region="oriental")
    with app.app_context():
        session = db.session.get(TrainingSession, world["session"])
        summary = session_summary(session)
        assert summary["pre"] == 50
        assert summary["post"] == 82.5
        assert summary["gain"] == 32.5
        assert summary["normalised_gain"] == 0.65
        assert summary["satisfaction"] is None  # no evaluation
        gains = {row["email"]: row["gain"] for row in learner_rows(session)}
        assert gains == {"l0@example.ma": 45, "l1@example.ma": 20, "l2@example.ma": None}
        coordinator = db.session.get(User, world["coord"])
        [row] = session_rows(coordinator)
        assert (row["pre"], row["post"], row["gain"]) == (50, 82.5, 32.5)
        [region] = group_rows(coordinator, "region")
        assert region["sessions"] == 1
        assert region["gain"] == 32.5
        assert session_rows(db.session.get(User, oriental)) == []


def test_the_pre_test_closes_when_the_first_day_begins(app, world):
    from depomi_learn.learning.quizzes import QuizRefused, start_attempt
    from depomi_learn.models import Module

    learners = world["learners"]
    with app.app_context():
        pre = db.session.scalar(sa.select(Module).where(Module.key == "pre"))
        attempt = start_attempt(db.session.get(User, learners[0]), pre, "fr")
        assert attempt.module_key == "pre"
        day = _days(world["session"])[0]
        day.starts_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        with pytest.raises(QuizRefused) as refused:
            start_attempt(db.session.get(User, learners[1]), pre, "fr")
        assert refused.value.reason == "pre_test_closed"
        post = db.session.scalar(sa.select(Module).where(Module.key == "post"))
        assert start_attempt(db.session.get(User, learners[1]), post, "fr").module_key == "post"
