"""Shared fixtures: one app per test session, a clean database for every test."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from depomi_learn import create_app
from depomi_learn.extensions import db
from tests.helpers.database import delete_rows, reset_schema
from tests.helpers.gunicorn import clean_up
from tests.helpers.people import Auth


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    app = create_app("testing")
    reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the interpreter does


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        delete_rows(request.getfixturevalue("app"))


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for tests of domain functions (not for client requests)."""
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(app: Flask, client: FlaskClient) -> Auth:
    return Auth(app, client)


@pytest.fixture
def smtp_server():
    """A local SMTP server that keeps the messages it receives."""
    from aiosmtpd.controller import Controller

    from tests.helpers.gunicorn import free_port

    class Inbox:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def race_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database many connections can share: the suite's PostgreSQL, or a file."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        yield app
        return
    file_app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'race.sqlite3'}"
    )
    reset_schema(file_app)
    yield file_app
    clean_up(file_app)
