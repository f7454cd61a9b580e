"""flask demo populate: a realistic synthetic population, never in production."""

import json

import sqlalchemy as sa

from depomi_learn import create_app
from depomi_learn.extensions import db
from depomi_learn.models import (
    Certificate,
    Enrolment,
    ModuleProgress,
    QuizAttempt,
    Role,
    SessionRegistration,
    TrainingSession,
    User,
    utcnow,
)
from tests.helpers.courses import make_course
from tests.helpers.sessions import make_blended_course


def test_populate_creates_learners_with_learning_history(app):
    make_course(app, "course-a", quiz_modules=("pratique",))
    make_course(app, "course-b")
    result = app.test_cli_runner().invoke(args=["demo", "populate", "--learners", "200"])
    assert result.exit_code == 0, result.output
    assert "200 learners" in result.output
    with app.app_context():
        learners = db.session.scalars(sa.select(User).where(User.role == Role.LEARNER)).all()
        assert len(learners) == 200
        assert any(u.name_arabic and u.name_latin for u in learners)
        assert len({u.region_id for u in learners}) > 3
        assert all(u.region_id == u.province.region_id for u in learners)
        assert not any(u.password_hash.startswith("$argon2") for u in learners)
        for model in (Enrolment, ModuleProgress, QuizAttempt, Certificate):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) > 0
        completed = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.completed_at.is_not(None))
        ).all()
        assert all(e.completed_at >= e.enrolled_at for e in completed)


def test_populate_needs_courses(app):
    result = app.test_cli_runner().invoke(args=["demo", "populate", "--learners", "5"])
    assert result.exit_code != 0
    assert "courses import" in result.output


def test_populate_is_refused_in_production():
    app = create_app("production", SECRET_KEY="x" * 48, SQLALCHEMY_DATABASE_URI="sqlite://")
    result = app.test_cli_runner().invoke(args=["demo", "populate", "--learners", "5"])
    assert result.exit_code != 0
    assert "never" in result.output
    with app.app_context():
        db.engine.dispose()


def test_populate_fills_sex_institution_type_and_post_category_with_plausible_shares(app):
    make_course(app, "course-a")
    result = app.test_cli_runner().invoke(args=["demo", "populate", "--learners", "1000"])
    assert result.exit_code == 0, result.output
    with app.app_context():

        def shares(column) -> dict:
            rows = db.session.execute(
                sa.select(column, sa.func.count()).where(User.role == Role.LEARNER).group_by(column)
            ).all()
            return {value: count / 1000 for value, count in rows}

        sex = shares(User.sex)
        assert 0.30 <= sex["female"] <= 0.40
        assert 0 < sex["not_stated"] <= 0.08
        types = shares(User.institution_type)
        assert types["commune"] + types["regional_council"] > 0.6
        assert set(types) <= {
            "commune",
            "regional_council",
            "provincial_council",
            "public_body",
            "central_ministry",
            "deconcentrated_service",
            "civil_society",
            "other",
            None,
        }
        assert len(shares(User.post_category)) == 5


def test_populate_holds_past_sessions_of_blended_courses_with_gain_and_satisfaction(app):
    make_course(app, "self-paced", quiz_modules=("pratique",))
    make_blended_course(app, "blended")
    result = app.test_cli_runner().invoke(args=["demo", "populate", "--learners", "600"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        sessions = db.session.scalars(sa.select(TrainingSession)).all()
        assert sessions
        assert {s.course_id for s in sessions} == {"blended"}
        assert all(s.region.is_programme and len(s.days) == 2 for s in sessions)
        assert all(s.closed_at is not None and s.closed_at < utcnow() for s in sessions)
        registrations = db.session.execute(
            sa.select(SessionRegistration.session_id, User.region_id, User.province_id)
            .join(User, User.id == SessionRegistration.user_id)
            .join(
                Enrolment,
                sa.and_(Enrolment.user_id == User.id, Enrolment.course_id == "blended"),
            )
        ).all()
        by_id = {s.id: s for s in sessions}
        assert len(registrations) == db.session.scalar(
            sa.select(sa.func.count()).select_from(SessionRegistration)
        )  # every registered person is enrolled in the session's course
        assert all(
            (by_id[sid].region_id, by_id[sid].province_id) == (region, province)
            for sid, region, province in registrations
        )
        roles = db.session.scalars(
            sa.select(QuizAttempt.settings["role"].as_string()).where(
                QuizAttempt.course_id == "blended"
            )
        ).all()
        assert roles.count("pre_test") == roles.count("post_test") == len(registrations)
        # the self-paced course's quiz keeps its attempts without a role
        assert db.session.scalar(
            sa.select(sa.func.count()).where(
                QuizAttempt.course_id == "self-paced", QuizAttempt.module_key == "pratique"
            )
        )
    rows = json.loads(
        app.test_cli_runner()
        .invoke(args=["reports", "indicators", "--format", "json"], catch_exceptions=False)
        .stdout
    )
    values = {row["indicator"]: row["value"] for row in rows}
    assert 0 < values["knowledge_gain"] < 1
    assert 50 < values["satisfaction"] < 100
