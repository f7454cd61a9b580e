"""Sessions: creation, permissions (both faces), registration, the waiting list, the CLI."""

import json

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import (
    AuditEvent,
    Course,
    CourseAuthor,
    Enrolment,
    Region,
    Role,
    SessionRegistration,
    TrainingSession,
    User,
)
from depomi_learn.permissions import (
    can_manage_session,
    can_view_session,
    sessions_manageable_by,
    sessions_visible_to,
)
from depomi_learn.sessions.registration import (
    GroupCriteria,
    register,
    register_group,
    unregister,
)
from depomi_learn.sessions.scheduling import (
    SessionError,
    SessionPlan,
    cancel_session,
    create_session,
    parse_day,
    update_session,
)
from tests.helpers.courses import make_course
from tests.helpers.people import make_user
from tests.helpers.sessions import day_span, future_day, make_learners, make_session, register_all


def _region_id(code: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.code == code))


def test_parse_day_reads_casablanca_time_and_refuses_nonsense():
    start, end = parse_day("2027-01-12T09:00/12:30")
    assert start.isoformat() == "2027-01-12T08:00:00+00:00"  # UTC+1 in January
    assert end.isoformat() == "2027-01-12T11:30:00+00:00"
    ramadan, _ = parse_day("2027-02-20T09:00/12:00")
    assert ramadan.isoformat() == "2027-02-20T09:00:00+00:00"  # clocks back during Ramadan
    for bad in ("2027-02-30T09:00/12:00", "2027-01-12", "2027-01-12T25:00/26:00", "x" * 5000):
        with pytest.raises(SessionError):
            parse_day(bad)


def test_trainer_of_the_course_creates_and_coordinator_of_other_region_cannot(app):
    make_course(app, "c1")
    trainer = make_user(app, email="t@example.ma", role=Role.TRAINER, region=None)
    stranger = make_user(app, email="t2@example.ma", role=Role.TRAINER, region=None)
    oriental = make_user(app, email="co@example.ma", role=Role.COORDINATOR, region="oriental")
    with app.app_context():
        db.session.add(CourseAuthor(course_id="c1", user_id=trainer, is_owner=True))
        db.session.commit()
        plan = lambda: SessionPlan(  # noqa: E731
            course_id="c1",
            region_id=_region_id("souss-massa"),
            title="Atelier",
            days=[day_span(future_day(5))],
        )
        session = create_session(db.session.get(User, trainer), plan())
        assert [t.id for t in session.trainers] == [trainer]
        for refused in (stranger, oriental):
            with pytest.raises(SessionError) as caught:
                create_session(db.session.get(User, refused), plan())
            assert caught.value.status == 404
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(TrainingSession.id))) == 1


def test_permission_faces_agree(app):
    make_course(app, "c1")
    souss = make_session(app, "c1", region="souss-massa")
    oriental = make_session(app, "c1", region="oriental")
    people = {
        "admin": make_user(app, email="a@example.ma", role=Role.ADMIN, region=None),
        "coord": make_user(app, email="c@example.ma", role=Role.COORDINATOR),
        "learner": make_user(app, email="l@example.ma"),
        "trainer": make_user(app, email="t@example.ma", role=Role.TRAINER, region=None),
    }
    expected_visible = {
        "admin": {souss, oriental},
        "coord": {souss},
        "learner": {souss},
        "trainer": set(),
    }
    with app.app_context():
        for name, user_id in people.items():
            user = db.session.get(User, user_id)
            listed = set(
                db.session.scalars(sessions_visible_to(user).with_only_columns(TrainingSession.id))
            )
            assert listed == expected_visible[name], name
            for session_id in (souss, oriental):
                session = db.session.get(TrainingSession, session_id)
                assert can_view_session(user, session) == (session_id in listed), name
                managed = set(
                    db.session.scalars(
                        sessions_manageable_by(user).with_only_columns(TrainingSession.id)
                    )
                )
                assert can_manage_session(user, session) == (session_id in managed), name
        learner = db.session.get(User, people["learner"])
        assert not can_manage_session(learner, db.session.get(TrainingSession, souss))


def test_beyond_capacity_people_wait_and_move_up_in_order_when_someone_cancels(app):
    make_course(app, "c1")
    session_id = make_session(app, "c1", capacity=3)
    learners = make_learners(app, 5)
    assert register_all(app, session_id, learners) == [
        "registered",
        "registered",
        "registered",
        "waiting",
        "waiting",
    ]
    # Registering twice changes nothing, and the learner is enrolled in the course.
    assert register_all(app, session_id, [learners[3]]) == ["waiting"]
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        promoted = unregister(db.session.get(User, learners[1]), session)
        db.session.commit()
        assert promoted == [learners[3]]
        statuses = dict(
            db.session.execute(
                sa.select(SessionRegistration.user_id, SessionRegistration.status)
            ).all()
        )
        assert statuses == {
            learners[0]: "registered",
            learners[1]: "cancelled",
            learners[2]: "registered",
            learners[3]: "registered",
            learners[4]: "waiting",
        }
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Enrolment.id)).where(Enrolment.course_id == "c1")
            )
            == 5
        )


def test_learner_of_another_region_cannot_register(app):
    make_course(app, "c1")
    session_id = make_session(app, "c1", region="oriental")
    learner = make_user(app, email="l@example.ma", region="souss-massa")
    with app.app_context():
        with pytest.raises(SessionError) as caught:
            register(db.session.get(User, learner), db.session.get(TrainingSession, session_id))
        assert caught.value.status == 404
        assert db.session.scalar(sa.select(sa.func.count(SessionRegistration.id))) == 0


def test_moving_a_session_keeps_day_rows_and_raises_the_sequence(app):
    make_course(app, "c1")
    session_id = make_session(app, "c1")
    admin = make_user(app, email="a@example.ma", role=Role.ADMIN, region=None)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        day_ids = [d.id for d in session.days]
        plan = SessionPlan(
            course_id="c1",
            region_id=session.region_id,
            title=session.title,
            days=[day_span(future_day(20), "10:00", "13:00"), day_span(future_day(21))],
            place="Salle 2",
            capacity=session.capacity,
        )
        assert update_session(db.session.get(User, admin), session, plan) is True
        db.session.commit()
        assert [d.id for d in session.days] == day_ids
        assert session.sequence == 1
        assert cancel_session(db.session.get(User, admin), session) == []
        assert session.sequence == 2
        with pytest.raises(SessionError):
            update_session(db.session.get(User, admin), session, plan)


def test_coordinator_registers_a_group_with_the_assignment_selection(app):
    make_course(app, "c1")
    session_id = make_session(app, "c1", capacity=2)
    learners = make_learners(app, 3)
    other = make_learners(app, 1, region="oriental", prefix="o")
    coordinator = make_user(app, email="c@example.ma", role=Role.COORDINATOR)
    with app.app_context():
        actor = db.session.get(User, coordinator)
        session = db.session.get(TrainingSession, session_id)
        outcome = register_group(actor, session, GroupCriteria())
        db.session.commit()
        assert sorted(outcome["registered"] + outcome["waiting"]) == sorted(learners)
        assert len(outcome["waiting"]) == 1
        with pytest.raises(SessionError):
            register_group(actor, session, GroupCriteria(emails=("o0@example.ma",)))
        assert other[0] not in outcome["registered"]
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "session.register")
        ).all()
        assert {e.actor_id for e in events} == {coordinator}


def test_cli_create_prints_the_id_last_and_list_gives_json(app):
    make_course(app, "c1")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "sessions", "create", "--course", "c1", "--region", "souss-massa",
            "--title", "Atelier d'Agadir", "--day", "2027-01-12T09:00/12:30",
            "--day", "2027-01-13T09:00/12:30", "--place", "Agadir", "--capacity", "25",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    session_id = int(result.output.strip().splitlines()[-1])
    listed = json.loads(
        app.test_cli_runner().invoke(args=["sessions", "list", "--format", "json"]).output
    )
    assert [s["id"] for s in listed] == [session_id]
    assert listed[0]["days"][0]["starts_at"] == "2027-01-12T09:00:00+01:00"
    assert listed[0]["capacity"] == 25
    assert listed[0]["place"] == "Agadir"
    bad = runner.invoke(
        args=["sessions", "create", "--course", "c1", "--region", "nowhere", "--title", "x",
              "--day", "2027-01-12T09:00/12:30"]
    )  # fmt: skip
    assert bad.exit_code != 0
    assert "region" in bad.output


def test_nobody_unregisters_once_the_session_has_started(app):
    from datetime import timedelta

    from depomi_learn.models import utcnow

    make_course(app, "c1")
    session_id = make_session(app, "c1")
    learner = make_learners(app, 1)[0]
    register_all(app, session_id, [learner])
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        min(session.days, key=lambda d: d.starts_at).starts_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        with pytest.raises(SessionError):
            unregister(db.session.get(User, learner), session)
        db.session.rollback()
        status = db.session.scalar(sa.select(SessionRegistration.status))
        assert status == "registered"


@pytest.mark.slow  # four `flask` processes
def test_the_real_flask_command_prints_the_id_alone_last_then_ics_and_json(tmp_path):
    """What checks run: the installed `flask` on a real database, stdout only."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from icalendar import Calendar

    root = Path(__file__).resolve().parent.parent
    flask = str(Path(sys.executable).parent / "flask")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args: str) -> str:
        done = subprocess.run(
            [flask, *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("db", "upgrade")
    run("regions", "load")
    run("courses", "import", "tests/fixtures/blended-course")
    created = run(
        "sessions", "create", "--course", "blended-course", "--region", "souss-massa",
        "--title", "Atelier d'Agadir", "--day", "2027-01-12T09:00/12:30",
        "--day", "2027-01-13T14:00/17:00", "--place", "Agadir", "--capacity", "20",
    )  # fmt: skip
    last = created.rstrip("\n").splitlines()[-1]
    assert last.isdigit(), created
    calendar = Calendar.from_ical(run("sessions", "ics", last))
    events = list(calendar.walk("VEVENT"))
    assert [e.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") for e in events] == [
        "2027-01-12 09:00",
        "2027-01-13 14:00",
    ]
    [listed] = json.loads(run("sessions", "list", "--format", "json"))
    assert (listed["id"], listed["capacity"], listed["place"]) == (int(last), 20, "Agadir")


def test_a_learner_lacking_a_prerequisite_cannot_register_but_a_group_registration_can(app):
    make_course(app, "basics")
    make_course(app, "c1")
    with app.app_context():
        db.session.get(Course, "c1").current_version.prerequisites = ["basics"]
        db.session.commit()
    session_id = make_session(app, "c1")
    learner = make_user(app, email="l@example.ma")
    coordinator = make_user(app, email="c@example.ma", role=Role.COORDINATOR)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        with pytest.raises(SessionError) as caught:
            register(db.session.get(User, learner), session)
        assert caught.value.status == 409
        assert "basics title" in caught.value.message
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(SessionRegistration.id))) == 0
        register(db.session.get(User, learner), session, by=db.session.get(User, coordinator))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(SessionRegistration.id))) == 1
