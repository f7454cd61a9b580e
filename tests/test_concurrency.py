"""Exactly once under real concurrency: several gunicorn workers, one database, parallel requests.

Runs against a file SQLite database (WAL, BEGIN IMMEDIATE) or, when the suite runs on PostgreSQL,
against that database.
"""

import threading

import pytest
import sqlalchemy as sa

from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import QuizAttempt
from tests.helpers.database import FIXTURES
from tests.helpers.gunicorn import Browser, clean_up, prepared_app, start_gunicorn, stop_gunicorn
from tests.helpers.people import PASSWORD

pytestmark = pytest.mark.slow  # live servers, crashes, races: make test-fast skips them

MODULE = "/courses/quiz-course/modules/evaluation"
LEARNERS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start gunicorn with 4 workers on a prepared database; yield its base URL."""
    app, url = prepared_app(tmp_path_factory, "concurrency")
    with app.app_context():
        import_tree(FIXTURES / "quiz-course")
        for number in range(LEARNERS):
            create_user(
                UserFields(
                    email=f"l{number}@example.ma", name_latin=f"L{number}", password=PASSWORD
                )
            )
        db.session.commit()
    process, base = start_gunicorn(url, workers=4, threads=4)
    yield base, app
    errors = stop_gunicorn(process)
    assert "database is locked" not in errors, errors
    assert "Traceback" not in errors, errors
    clean_up(app)


def _signed_in(base: str, number: int) -> Browser:
    browser = Browser(base)
    status, location, _ = browser.post(
        "/login", {"email": f"l{number}@example.ma", "password": PASSWORD}, token_from="/login"
    )
    assert status == 302, location
    browser.post("/courses/quiz-course/enrol", {})
    return browser


def _in_parallel(calls: list) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _attempts(app, email: str) -> list[QuizAttempt]:
    from depomi_learn.models import User

    with app.app_context():
        rows = db.session.scalars(
            sa.select(QuizAttempt).join(User).where(User.email == email)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_twenty_parallel_submits_grade_one_attempt(server):
    base, app = server
    browser = _signed_in(base, 0)
    _status, location, _ = browser.post(f"{MODULE}/quiz", {})
    token = browser.token()
    answers = {
        "q-q-single": "a",
        "q-q-true-false": "false",
        "q-q-multiple-shown": "1",
        "csrf_token": token,
    }
    results = _in_parallel([lambda: browser.request(location + "/submit", answers)] * 20)
    assert {status for status, _, _ in results} == {302}
    assert {loc for _, loc, _ in results} == {location}
    attempts = _attempts(app, "l0@example.ma")
    assert len(attempts) == 1
    assert attempts[0].submitted_at is not None
    assert attempts[0].points == 2


def test_parallel_starts_open_one_attempt(server):
    base, app = server
    browser = _signed_in(base, 1)
    token = browser.token()
    results = _in_parallel([lambda: browser.request(f"{MODULE}/quiz", {"csrf_token": token})] * 10)
    assert {status for status, _, _ in results} == {302}
    assert len({loc for _, loc, _ in results}) == 1
    assert len(_attempts(app, "l1@example.ma")) == 1


def test_many_learners_submitting_at_once_lose_nothing(server):
    base, app = server
    learners = [(number, _signed_in(base, number)) for number in range(2, LEARNERS)]
    prepared = []
    for number, browser in learners:
        _status, location, _ = browser.post(f"{MODULE}/quiz", {})
        prepared.append((number, browser, location, browser.token()))
    calls = [
        (lambda b=b, loc=loc, t=t: b.request(loc + "/submit", {"q-q-single": "a", "csrf_token": t}))
        for _number, b, loc, t in prepared
    ]
    results = _in_parallel(calls)
    assert [status for status, _, _ in results] == [302] * len(prepared)
    for number, *_ in prepared:
        attempts = _attempts(app, f"l{number}@example.ma")
        assert len(attempts) == 1
        assert attempts[0].submitted_at is not None
        assert attempts[0].points == 1
