"""What one worker commits, every other worker sees at the next request: a new published
version, a role change, a deactivation. Guards any per-process cache (pages keep nothing that
is not keyed by an immutable version: learning/outlines.py; the signed-in user is loaded at
each request)."""

import shutil

import pytest
import sqlalchemy as sa

from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.learning.progress import enrol
from depomi_learn.models import Course, Role, User
from tests.helpers.database import FIXTURES
from tests.helpers.gunicorn import Browser, clean_up, prepared_app, start_gunicorn, stop_gunicorn
from tests.helpers.people import PASSWORD

pytestmark = pytest.mark.slow

COURSE = "/courses/quiz-course"


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    """Two gunicorn servers (one worker each) on one database, and the app to change it."""
    app, url = prepared_app(tmp_path_factory, "workers")
    with app.app_context():
        import_tree(FIXTURES / "quiz-course")
        for email, role in (("l@example.ma", Role.LEARNER), ("t@example.ma", Role.TRAINER)):
            create_user(UserFields(email=email, name_latin="X", role=role, password=PASSWORD))
        db.session.commit()
    servers = [start_gunicorn(url, workers=1), start_gunicorn(url, workers=1)]
    yield app, [base for _process, base in servers]
    for process, _base in servers:
        errors = stop_gunicorn(process)
        assert "Traceback" not in errors, errors
    clean_up(app)


def _signed_in(base: str, email: str) -> Browser:
    browser = Browser(base)
    status, _location, _ = browser.post(
        "/login", {"email": email, "password": PASSWORD}, token_from="/login"
    )
    assert status == 302
    return browser


def _change_user(app, email: str, **fields) -> None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


def test_a_new_published_version_is_seen_by_every_worker(two_servers, tmp_path):
    app, bases = two_servers
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email == "l@example.ma"))
        enrol(learner, db.session.get(Course, "quiz-course"))
        db.session.commit()
    browsers = [_signed_in(base, "l@example.ma") for base in bases]
    for browser in browsers:  # each worker has served the course page and its modules
        assert "Cours de quiz" in browser.request(COURSE)[2]
        browser.request(COURSE + "/modules/evaluation")
        assert "Un module à lire." in browser.request(COURSE + "/modules/lecture")[2]
    folder = tmp_path / "quiz-course"
    shutil.copytree(FIXTURES / "quiz-course", folder)
    manifest = folder / "course.yaml"
    text = manifest.read_text("utf-8").replace('version: "2026.1"', 'version: "2026.2"')
    manifest.write_text(text.replace("fr: Cours de quiz,", "fr: Cours de quiz revu,"), "utf-8")
    lesson = folder / "fr" / "01-lecture.md"
    lesson.write_text(
        lesson.read_text("utf-8").replace("Un module à lire.", "Un module réécrit."), "utf-8"
    )
    with app.app_context():
        results, findings = import_tree(folder)
        assert results, findings
        db.session.commit()
    for browser in browsers:
        assert "Cours de quiz revu" in browser.request(COURSE)[2]
        module_page = browser.request(COURSE + "/modules/lecture")[2]
        assert "Un module réécrit." in module_page
        assert "Un module à lire." not in module_page


def test_a_role_change_is_seen_by_every_worker(two_servers):
    app, bases = two_servers
    browsers = [_signed_in(base, "t@example.ma") for base in bases]
    assert [browser.request("/author/")[0] for browser in browsers] == [200, 200]
    _change_user(app, "t@example.ma", role=Role.LEARNER)
    assert all(browser.request("/author/")[0] in (403, 404) for browser in browsers)
    _change_user(app, "t@example.ma", role=Role.TRAINER)


def test_a_deactivation_is_seen_by_every_worker(two_servers):
    app, bases = two_servers
    browsers = [_signed_in(base, "l@example.ma") for base in bases]
    assert [browser.request("/profile")[0] for browser in browsers] == [200, 200]
    _change_user(app, "l@example.ma", active=False)
    try:
        for browser in browsers:
            status, location, _ = browser.request("/profile")
            assert status == 302
            assert "/login" in location
    finally:
        _change_user(app, "l@example.ma", active=True)
