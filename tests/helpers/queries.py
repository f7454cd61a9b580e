"""Count the SQL statements a request runs."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from depomi_learn.extensions import db
from tests.helpers.people import csrf_token

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if not statement.lstrip().upper().startswith(CONTROL):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def queries_for(app: Flask, client: FlaskClient, path: str) -> int:
    """Request `path` twice (the first view of a module records the visit) and count the second."""
    assert client.get(path).status_code == 200, path
    with counting_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def enrol(client: FlaskClient, course_id: str) -> None:
    token = csrf_token(client, "/courses")
    assert client.post(f"/courses/{course_id}/enrol", data={"csrf_token": token}).status_code == 302
