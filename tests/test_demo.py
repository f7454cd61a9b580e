"""flask demo populate: a realistic synthetic population, never in production."""

import sqlalchemy as sa

from depomi_learn import create_app
from depomi_learn.extensions import db
from depomi_learn.models import Certificate, Enrolment, ModuleProgress, QuizAttempt, Role, User
from tests.factories import make_course


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
