"""Six tabs handing in the same work, or six reviews of one submission, at the same moment: one
submission, one review. Real threads and connections, through the real domain functions."""

import sqlalchemy as sa

from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.learning.practical_work import SubmissionRefused
from depomi_learn.learning.practical_work.reviews import Decision, decide
from depomi_learn.learning.practical_work.submissions import submit
from depomi_learn.learning.progress import enrol
from depomi_learn.models import Course, Module, Review, Role, Submission, User
from tests.helpers.database import FIXTURES
from tests.helpers.people import make_user
from tests.helpers.races import _race


def _learner(app, tmp_path) -> int:
    app.config["SUBMISSIONS_FOLDER"] = str(tmp_path / "submissions")
    user_id = make_user(app)
    with app.app_context():
        results, findings = import_tree(FIXTURES / "practical-course")
        assert results, findings
        enrol(db.session.get(User, user_id), db.session.get(Course, "practical-course"))
        db.session.commit()
    return user_id


def _hand_in(user_id: int) -> Submission:
    user = db.session.get(User, user_id)
    module = db.session.scalars(
        sa.select(Module)
        .join(Course, Course.current_version_id == Module.version_id)
        .where(Module.key == "profil")
    ).one()
    return submit(user, "practical-course", module, "Profil", [])


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        submissions = db.session.scalar(sa.select(sa.func.count(Submission.id)))
        return submissions, db.session.scalar(sa.select(sa.func.count(Review.id)))


def test_six_tabs_handing_in_at_once_make_one_submission(race_app, tmp_path):
    previous = race_app.config["SUBMISSIONS_FOLDER"]
    try:
        user_id = _learner(race_app, tmp_path)
        results = _race(race_app, lambda: _hand_in(user_id).id)
    finally:
        race_app.config["SUBMISSIONS_FOLDER"] = previous
    refused = [r for r in results if isinstance(r, SubmissionRefused)]
    assert len(refused) == len(results) - 1, results
    assert _counts(race_app) == (1, 0)


def test_six_simultaneous_reviews_record_one_decision(race_app, tmp_path):
    previous = race_app.config["SUBMISSIONS_FOLDER"]
    try:
        user_id = _learner(race_app, tmp_path)
        admin_id = make_user(race_app, email="admin@example.ma", role=Role.ADMIN, region=None)
        with race_app.app_context():
            submission_id = _hand_in(user_id).id
            db.session.commit()

        def review() -> int:
            submission = db.session.get(Submission, submission_id)
            levels = {"donnees": 2, "projet": 2}
            reviewer = db.session.get(User, admin_id)
            return decide(reviewer, submission, Decision("pass", levels, "")).id

        results = _race(race_app, review)
    finally:
        race_app.config["SUBMISSIONS_FOLDER"] = previous
    refused = [r for r in results if isinstance(r, SubmissionRefused)]
    assert len(refused) == len(results) - 1, results
    assert _counts(race_app) == (1, 1)
