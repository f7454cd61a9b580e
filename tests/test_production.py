"""Running in production: request ids in responses and logs, JSON logs, health check, and static
files that are fingerprinted, cached for a year and gzipped."""

import gzip
import hashlib
import io
import json
import re

import pytest
import sqlalchemy as sa
from flask import Flask

from depomi_learn import create_app
from depomi_learn.extensions import db
from depomi_learn.models import Enrolment, ModuleProgress, Role
from tests.helpers.courses import make_course
from tests.helpers.database import ROOT
from tests.helpers.queries import enrol

STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"')


@pytest.fixture
def json_app() -> Flask:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", LOG_FORMAT="json")
    yield app
    with app.app_context():
        db.engine.dispose()


def log_lines(app: Flask) -> io.StringIO:
    buffer = io.StringIO()
    app.extensions["depomi_log_handler"].setStream(buffer)
    return buffer


def test_a_request_id_is_made_echoed_and_logged_as_json(json_app):
    buffer = log_lines(json_app)
    response = json_app.test_client().get("/login")
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    entry = json.loads(buffer.getvalue().splitlines()[-1])
    assert entry["request_id"] == request_id
    assert entry["method"] == "GET"
    assert entry["path"] == "/login"
    assert entry["status"] == 200
    assert entry["duration_ms"] >= 0
    assert entry["level"] == "INFO"


def test_a_load_balancer_request_id_is_kept_and_a_bad_one_replaced(json_app):
    client = json_app.test_client()
    kept = client.get("/login", headers={"X-Request-ID": "4bf92f3577b34da6a3ce929d0e0e4736"})
    assert kept.headers["X-Request-ID"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    forged = client.get("/login", headers={"X-Request-ID": 'x" injected {"level": "ERROR"}'})
    assert re.fullmatch(r"[0-9a-f]{16}", forged.headers["X-Request-ID"])


def test_every_log_line_of_a_request_carries_its_id_and_the_error_page_shows_it():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", LOG_FORMAT="json")
    app.config["PROPAGATE_TEST_ERRORS"] = False

    @app.route("/boom")
    def boom():
        app.logger.warning("about to fail")
        raise RuntimeError("boom")

    buffer = log_lines(app)
    response = app.test_client().get("/boom", headers={"X-Request-ID": "req-from-nginx-1"})
    assert response.status_code == 500
    assert "req-from-nginx-1" in response.get_data(as_text=True)  # the reference to quote
    entries = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert {entry["request_id"] for entry in entries} == {"req-from-nginx-1"}
    assert [entry["level"] for entry in entries] == ["WARNING", "ERROR", "WARNING"]
    assert "RuntimeError: boom" in entries[1]["exception"]
    with app.app_context():
        db.engine.dispose()


def test_healthz_answers_ok_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_when_the_database_is_gone(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/gone/db.sqlite3")
    app.logger.disabled = True
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    with app.app_context():
        db.engine.dispose()


def test_pages_link_fingerprinted_assets_that_are_cached_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    links = dict(STATIC_LINK.findall(html))
    assert "/static/css/app.css" in links
    for path, version in links.items():
        response = client.get(f"{path}?v={version}")
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


def test_the_fingerprint_is_the_content_hash(client):
    css = (ROOT / "static" / "css" / "app.css").read_bytes()
    version = hashlib.sha256(css).hexdigest()[:12]
    assert f"/static/css/app.css?v={version}" in client.get("/login").get_data(as_text=True)


def test_assets_without_or_with_a_stale_fingerprint_are_revalidated(client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-cache"
        etag = response.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("asset", ["css/app.css", "js/quiz.js"])
def test_text_assets_are_gzipped_for_browsers_that_accept_it(client, asset):
    original = (ROOT / "static" / asset).read_bytes()
    response = client.get(f"/static/{asset}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == original
    assert len(response.data) < len(original) / 2
    plain = client.get(f"/static/{asset}", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.data == original


def test_static_files_outside_the_folder_are_not_served(client):
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/static/css/missing.css").status_code == 404


def test_a_module_page_records_the_visit_and_still_renders(app, client, auth):
    make_course(app)
    auth.as_role(Role.LEARNER)
    enrol(client, "demo-course")
    page = client.get("/courses/demo-course/modules/acteurs")
    assert page.status_code == 200
    assert "acteurs" in page.get_data(as_text=True)
    with app.app_context():
        enrolment = db.session.scalars(sa.select(Enrolment)).one()
        assert enrolment.last_module_key == "acteurs"
        assert db.session.scalars(sa.select(ModuleProgress.module_key)).all() == ["acteurs"]


def test_apps_of_one_process_share_one_log_handler(app, json_app):
    handlers = [h for h in json_app.logger.handlers if h.get_name() == "depomi"]
    assert handlers == [json_app.extensions["depomi_log_handler"]]
