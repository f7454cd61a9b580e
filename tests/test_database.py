"""How transactions start on SQLite: writers take the lock first, readers never queue."""

import pytest

from depomi_learn.views.transactions import (
    _transaction_may_write,
    start_writing,
    writes_on_get,
)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/courses", False),
        ("POST", "/courses/x/enrol", True),
        ("POST", "/quiz/attempts/1/submit", False),  # grades first, then `start_writing`
        ("POST", "/author/some-course/preview", False),  # the live preview only reads
        ("POST", "/author/some-course/publish", True),
    ],
)
def test_which_requests_begin_immediate(app, method, path, expected):
    with app.test_request_context(path, method=method):
        assert _transaction_may_write() is expected


def test_a_get_that_records_something_says_so(app):
    with app.test_request_context("/courses/x/modules/y"):
        writes_on_get()
        assert _transaction_may_write() is True


def test_command_line_work_may_write(app):
    with app.app_context():
        assert _transaction_may_write() is True


def test_a_submission_writes_once_it_has_graded(app):
    with app.test_request_context("/quiz/attempts/1/submit", method="POST"):
        assert _transaction_may_write() is False
        start_writing()
        assert _transaction_may_write() is True
