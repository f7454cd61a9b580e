"""Exactly once under real concurrency: several gunicorn workers, one database, parallel requests.

Runs against a file SQLite database (WAL, BEGIN IMMEDIATE) or, when the suite runs on PostgreSQL,
against that database.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from depomi_learn import create_app
from depomi_learn.accounts import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import QuizAttempt
from depomi_learn.regions import load_reference_regions
from tests.conftest import FIXTURES, PASSWORD, ROOT, _delete_rows

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
MODULE = "/courses/quiz-course/modules/evaluation"
LEARNERS = 8


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A minimal cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def token(self, path: str = "/courses") -> str:
        return CSRF.search(self.request(path)[2]).group(1)

    def post(self, path: str, data: dict, token_from: str = "/courses") -> tuple[int, str, str]:
        return self.request(path, {**data, "csrf_token": self.token(token_from)})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start gunicorn with 4 workers on a prepared database; yield its base URL."""
    url = os.environ.get("DEPOMI_TEST_DATABASE_URL", "")
    if not url or url == "sqlite://":
        url = f"sqlite:///{tmp_path_factory.mktemp('concurrency') / 'db.sqlite3'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        import_tree(FIXTURES / "quiz-course")
        for number in range(LEARNERS):
            create_user(
                UserFields(
                    email=f"l{number}@example.ma", name_latin=f"L{number}", password=PASSWORD
                )
            )
        db.session.commit()
    port = _free_port()
    env = {**os.environ, "DEPOMI_TEST_DATABASE_URL": url}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "4",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            'depomi_learn:create_app("testing", PROPAGATE_TEST_ERRORS=False)',
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", app
    process.terminate()
    _out, errors = process.communicate(timeout=30)
    assert "database is locked" not in errors, errors
    assert "Traceback" not in errors, errors
    _delete_rows(app)  # on PostgreSQL this is the suite's database: leave it clean
    with app.app_context():
        db.engine.dispose()


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
