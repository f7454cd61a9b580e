"""A database that answers but refuses writes, or does not answer: 503 for the load balancer and
a "try again in a moment" page for people, never 200 nor 500."""

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from depomi_learn import create_app
from depomi_learn.extensions import db
from depomi_learn.operations.regions import load_reference_regions
from tests.helpers.database import ROOT
from tests.helpers.people import csrf_token

CLOSED_PORT_URL = "postgresql+psycopg://depomi@127.0.0.1:1/depomi?connect_timeout=2"


def _migrated_sqlite(path: Path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def read_only_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The configured engine, opened so that every write fails while reads still work."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        read_only = url.update_query_dict({"options": "-c default_transaction_read_only=on"})
    else:
        _migrated_sqlite(tmp_path / "ro.db")
        read_only = f"sqlite:///file:{tmp_path / 'ro.db'}?mode=ro&uri=true"
    ro_app = create_app("testing", SQLALCHEMY_DATABASE_URI=read_only)
    ro_app.logger.disabled = True
    yield ro_app
    ro_app.logger.disabled = False  # one logger for every app of the session
    with ro_app.app_context():
        db.engine.dispose()


@pytest.fixture
def unreachable_app() -> Iterator[Flask]:
    down = create_app("testing", SQLALCHEMY_DATABASE_URI=CLOSED_PORT_URL)
    down.logger.disabled = True
    yield down
    down.logger.disabled = False
    with down.app_context():
        db.engine.dispose()


def test_healthz_answers_503_on_a_read_only_database(read_only_app):
    client = read_only_app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "read-only"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_write_on_a_read_only_database_answers_503_try_again(read_only_app):
    client = read_only_app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": "a@example.ma", "password": "whatever it is", "csrf_token": token}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Try again in a moment" in response.get_data(as_text=True)


def test_healthz_answers_503_when_postgresql_is_unreachable(unreachable_app):
    response = unreachable_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Réessayez dans un instant"),
        ("ar", "يرجى إعادة المحاولة بعد لحظات"),
        ("en", "Try again in a moment"),
    ],
)
def test_pages_answer_503_translated_when_postgresql_is_down(unreachable_app, language, text):
    response = unreachable_app.test_client().get("/courses", headers={"Accept-Language": language})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert text in html
    assert f'lang="{language}"' in html
