"""Every migration goes up and down on a populated database, step by step, on the configured
engine (CI runs the suite on SQLite and on PostgreSQL), and the schema the migrations build is the
schema the models describe (`flask db check`)."""

from collections.abc import Iterator
from datetime import date, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.authoring.drafts import start_draft
from depomi_learn.certificates.issuing import issue_certificate, revoke_certificate
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.learning.assignments import AssignmentTarget, create_assignment
from depomi_learn.learning.progress import enrol
from depomi_learn.learning.quizzes import start_attempt, submit_attempt
from depomi_learn.models import Course, Region, Role
from depomi_learn.operations.regions import load_reference_regions
from tests.helpers.database import FIXTURES, ROOT

MIGRATIONS = str(ROOT / "migrations")


@pytest.fixture
def scratch(app: Flask, tmp_path) -> Iterator[Flask]:
    """An app on an empty database of the configured engine, dropped afterwards."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        scratch_app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
        yield scratch_app
        with scratch_app.app_context():
            db.engine.dispose()
        return
    name = f"{url.database}_migrations"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    scratch_app = create_app("testing", SQLALCHEMY_DATABASE_URI=url.set(database=name))
    yield scratch_app
    with scratch_app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _populate(suffix: str) -> None:
    """Add realistic rows: people, an imported course, enrolment, attempts, a certificate (and a
    revoked one), an assignment and an authoring draft."""
    load_reference_regions()
    region = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
    people = {
        role: create_user(
            UserFields(
                email=f"{role.value}{suffix}@example.ma",
                name_latin=f"{role.value} {suffix}",
                name_arabic="فاطمة",
                role=role,
                region=region if role != Role.ADMIN else None,
            )
        )
        for role in Role
    }
    import_tree(FIXTURES / "quiz-course")
    course = db.session.get(Course, "quiz-course")
    learner = people[Role.LEARNER]
    enrolment = enrol(learner, course)
    module = next(m for m in course.current_version.modules if m.key == "evaluation")
    submit_attempt(start_attempt(learner, module, "fr"), {"q-single": "b"})
    certificate = issue_certificate(learner, enrolment, course.current_version)
    trainer = people[Role.TRAINER]
    other = issue_certificate(trainer, enrol(trainer, course), course.current_version)
    revoke_certificate(other, actor=people[Role.ADMIN], reason="Issued by mistake, see ticket 12")
    assert certificate is not None
    create_assignment(
        people[Role.COORDINATOR],
        AssignmentTarget(
            course_id=course.id, due_on=date.today() + timedelta(days=30), region_id=region.id
        ),
    )
    start_draft(course, trainer)
    db.session.commit()


def _schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _current() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_every_migration_goes_down_and_up_on_a_populated_database(scratch):
    with scratch.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        _populate("a")
        assert _schema_differences() == []
        heads = []
        while (current := _current()) is not None:
            heads.append(current)
            flask_migrate.downgrade(directory=MIGRATIONS, revision="-1")
            assert _current() != current
        assert len(heads) >= 8
        for expected in reversed(heads):
            flask_migrate.upgrade(directory=MIGRATIONS, revision="+1")
            assert _current() == expected
        assert _schema_differences() == []
        db.session.remove()
        _populate("b")
    checked = scratch.test_cli_runner().invoke(args=["db", "check"])
    assert checked.exit_code == 0, checked.output


def test_the_report_counters_migration_fills_them_from_the_existing_rows(scratch):
    from depomi_learn.models import ReportCounter
    from depomi_learn.reports.counters import differences

    with scratch.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision="7c1d5e9a2b40")
        _populate("a")
        db.session.remove()
        # Down drops the counters; up builds them again from the rows alone.
        flask_migrate.downgrade(directory=MIGRATIONS, revision="7a3c9e1f5b20")
        flask_migrate.upgrade(directory=MIGRATIONS, revision="7c1d5e9a2b40")
        enrolled = sa.select(sa.func.sum(ReportCounter.enrolled)).where(
            ReportCounter.dimension == "all"
        )
        assert db.session.scalar(enrolled) == 1  # the learner's (the trainer is not counted)
        assert differences(db.session.connection()) == []
