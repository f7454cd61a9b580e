"""One phone-made id, many requests at once (two tabs, a background sync and a page): recorded once.

Runs gunicorn with several workers on a file SQLite database or, when the suite runs on
PostgreSQL, on that database.
"""

import json
import threading
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import ModuleProgress, OfflineSubmission, QuizAttempt
from tests.helpers.database import FIXTURES
from tests.helpers.gunicorn import Browser, clean_up, prepared_app, start_gunicorn, stop_gunicorn
from tests.helpers.people import PASSWORD

COURSE = "offline-course"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app, url = prepared_app(tmp_path_factory, "offline-sync")
    with app.app_context():
        import_tree(FIXTURES / COURSE)
        create_user(UserFields(email="phone@example.ma", name_latin="Phone", password=PASSWORD))
        db.session.commit()
    process, base = start_gunicorn(url, workers=4, threads=4)
    yield base, app
    errors = stop_gunicorn(process)
    assert "database is locked" not in errors, errors
    assert "Traceback" not in errors, errors
    clean_up(app)


def _post_json(browser: Browser, path: str, payload: dict, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        browser.base + path,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    with browser.opener.open(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def _in_parallel(call, times: int) -> list:
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def run(index: int) -> None:
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_queue_sent_at_once_by_many_tabs_is_recorded_once(server):
    base, app = server
    browser = Browser(base)
    status, _, _ = browser.post(
        "/login", {"email": "phone@example.ma", "password": PASSWORD}, token_from="/login"
    )
    assert status == 302
    browser.post(f"/courses/{COURSE}/enrol", {})
    token = json.loads(browser.request("/offline/session")[2])["csrf_token"]
    items = [
        {"id": str(uuid.uuid4()), "kind": "read", "course": COURSE, "module": "un"},
        {"id": str(uuid.uuid4()), "kind": "read", "course": COURSE, "module": "deux"},
        {
            "id": str(uuid.uuid4()),
            "kind": "quiz",
            "course": COURSE,
            "module": "pratique",
            "answers": {"p-un": "true", "p-deux": "b"},
        },
    ]
    answers = _in_parallel(lambda: _post_json(browser, "/offline/sync", {"items": items}, token), 8)
    assert {status for status, _ in answers} == {200}
    assert all(body == answers[0][1] for _, body in answers)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OfflineSubmission)) == 3
        completed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ModuleProgress)
            .where(ModuleProgress.completed_at.is_not(None))
        )
        assert completed == 3  # un, deux, and the passed practice quiz (50 %)
