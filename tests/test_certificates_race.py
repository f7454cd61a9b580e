"""Concurrent completions of one course by one learner give one certificate, never two.

Threads with their own sessions and connections race through the real issuing path, against a
file SQLite database (WAL, BEGIN IMMEDIATE) or, when the suite runs on PostgreSQL, against that
database, where both transactions really do insert and the unique constraint decides.
"""

import pytest
import sqlalchemy as sa
from flask import Flask

from depomi_learn.certificates.issuing import issue_certificate
from depomi_learn.extensions import db
from depomi_learn.learning.progress import complete_module, enrol, find_enrolment, mark_read
from depomi_learn.models import Certificate, Course, User
from tests.helpers.courses import make_course
from tests.helpers.people import make_user
from tests.helpers.races import _race

pytestmark = pytest.mark.slow  # live servers, crashes, races: make test-fast skips them


def _ready_to_finish(app: Flask) -> int:
    """A learner enrolled in demo-course with every module read but the last; return the id."""
    make_course(app)
    user_id = make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        course = db.session.get(Course, "demo-course")
        enrolment = enrol(user, course)
        for module in course.current_version.modules[:-1]:
            mark_read(user, enrolment, module)
        db.session.commit()
    return user_id


def _certificates(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Certificate.code)))


def test_concurrent_completions_issue_one_certificate(race_app):
    user_id = _ready_to_finish(race_app)

    def finish() -> None:
        user = db.session.get(User, user_id)
        complete_module(user, "demo-course", "pratique")

    results = _race(race_app, finish)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert len(_certificates(race_app)) == 1


def test_concurrent_issues_return_the_one_winner(race_app):
    """Bypass the completion flag: every racer reaches the insert, one wins, all get its code."""
    user_id = _ready_to_finish(race_app)

    def issue() -> str:
        user = db.session.get(User, user_id)
        enrolment = find_enrolment(user, "demo-course")
        return issue_certificate(user, enrolment, enrolment.course.current_version).code

    results = _race(race_app, issue)
    assert [r for r in results if isinstance(r, Exception)] == []
    codes = _certificates(race_app)
    assert len(codes) == 1
    assert set(results) == set(codes)
