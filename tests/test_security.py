"""Requests and sessions, attacked: each test tries an attack and sees it fail."""

import hashlib
import time

import pytest
import sqlalchemy as sa
from flask import Flask

from depomi_learn import create_app
from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Role, User
from tests.helpers.people import PASSWORD, csrf_token, get_user, make_user


def _snapshot(app: Flask) -> str:
    """A digest of every row of every table, to prove that a request changed nothing."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(sa.select(table).order_by(*table.primary_key)).all()
            digest.update(f"{table.name}:{sorted(map(repr, rows))}".encode())
    return digest.hexdigest()


# --- CSRF: every state change needs the token of this very session ---------------------------


def _state_changes(ids: dict) -> list[tuple[str, dict]]:
    return [
        ("/logout", {}),
        ("/profile", {"name_latin": "Changed", "preferred_language": "fr"}),
        ("/profile/password", {"pw-current_password": PASSWORD, "pw-new_password": "x" * 20}),
        (f"/admin/users/{ids['learner']}/active", {"active": "0"}),
        (
            f"/admin/users/{ids['learner']}",
            {"email": "l@example.ma", "name_latin": "L", "role": "admin", "region": ""},
        ),
        ("/account/data", {}),
        ("/account/two-factor/start", {}),
    ]


@pytest.mark.parametrize("token_kind", ["missing", "other session"])
def test_state_changes_without_this_sessions_csrf_token_are_refused(app, client, auth, token_kind):
    ids = {"learner": make_user(app, email="l@example.ma")}
    auth.as_role(Role.ADMIN, region=None)
    other = app.test_client()
    make_user(app, email="other@example.ma")
    other_token = csrf_token(other)
    for path, data in _state_changes(ids):
        before = _snapshot(app)
        if token_kind == "other session":
            data = {**data, "csrf_token": other_token}
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert _snapshot(app) == before, path
    assert client.get("/profile").status_code == 200  # still signed in


def test_sign_in_needs_a_csrf_token_of_this_session(app, client):
    make_user(app)
    before = _snapshot(app)
    foreign = csrf_token(app.test_client())
    for data in ({}, {"csrf_token": foreign}):
        response = client.post(
            "/login", data={"email": "learner@example.ma", "password": PASSWORD, **data}
        )
        assert response.status_code == 400
    assert _snapshot(app) == before
    assert client.get("/profile").status_code == 302


def test_sign_in_starts_a_new_session(app, client, auth):
    """Nothing of the session before sign-in survives it: its CSRF token no longer works."""
    make_user(app)
    token_before = csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session
    response = client.post("/logout", data={"csrf_token": token_before})
    assert response.status_code == 400


def test_get_never_changes_state(app, client, auth):
    """Every page without parameters, opened by an admin, leaves the database as it was."""
    auth.as_role(Role.ADMIN, region=None)
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static")
    )
    assert "/admin/users" in paths
    client.get("/")  # settle the session cookie's timestamps
    before = _snapshot(app)
    for path in paths:
        client.get(path)
        assert _snapshot(app) == before, path


# --- Redirects after sign-in never leave the site ----------------------------------------------

NEXT_VECTORS = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "%2F%2Fevil.example",
    "/\r\nLocation: https://evil.example",
    "evil.example",
]


@pytest.mark.parametrize("target", NEXT_VECTORS)
def test_next_vectors_stay_on_the_site(app, client, target):
    make_user(app)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "email": "learner@example.ma",
            "password": PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["//evil.example", "javascript:alert(1)", "/\\evil.example"])
def test_language_switcher_next_stays_on_the_site(client, target):
    response = client.post(
        "/language", data={"language": "ar", "next": target, "csrf_token": csrf_token(client)}
    )
    assert response.headers["Location"] == "/"


# --- Sessions ---------------------------------------------------------------------------------


def test_session_replayed_after_sign_out_is_refused_everywhere(app, client, auth):
    make_user(app)
    auth.login()
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    for path in ("/profile", "/"):
        response = thief.get(path)
        assert "Fatima Zahra Alaoui" not in response.get_data(as_text=True)
    assert thief.post("/account/data", data={"csrf_token": "x"}).status_code in (302, 400)


def test_deactivated_user_is_signed_out_on_next_request(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    auth.login("l@example.ma")
    assert client.get("/profile").status_code == 200
    admin = app.test_client()
    from tests.helpers.people import Auth

    Auth(app, admin).as_role(Role.ADMIN, region=None)
    response = admin.post(
        f"/admin/users/{learner}/active",
        data={"active": "0", "csrf_token": csrf_token(admin, f"/admin/users/{learner}")},
    )
    assert response.status_code == 302
    assert not get_user(app, learner).active
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("role", "key", "age"),
    [
        (Role.TRAINER, "seen_at", 31 * 60),
        (Role.LEARNER, "seen_at", 121 * 60),
        (Role.LEARNER, "signed_in_at", 13 * 3600),
    ],
)
def test_idle_and_absolute_timeouts_end_the_session(app, client, auth, role, key, age):
    make_user(app, role=role)
    auth.login()
    with client.session_transaction() as session:
        session[key] = int(time.time()) - age
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/profile")
    assert client.get("/profile").status_code == 302  # and it stays ended


def test_a_learner_idle_for_an_hour_is_still_signed_in(app, client, auth):
    make_user(app)
    auth.login()
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 60 * 60
    assert client.get("/profile").status_code == 200


def test_an_active_session_is_kept(app, client, auth):
    make_user(app)
    auth.login()
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 29 * 60
    assert client.get("/profile").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["seen_at"] < 5  # the idle clock restarted


def test_production_cookies_are_host_prefixed_secure_httponly_lax():
    app = create_app(
        "production",
        SECRET_KEY="s" * 40,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        TRUSTED_HOSTS=["localhost"],
    )
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with app.app_context():
        db.engine.dispose()


# --- Headers, hosts, sizes and errors ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/courses", "/no-such-page", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # only in production, over HTTPS


def test_signed_in_pages_are_never_stored_but_static_files_are_cacheable(app, client, auth):
    make_user(app)
    auth.login()
    for path in ("/", "/profile", "/courses"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    with client.get("/static/css/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_untrusted_host_is_refused(app, client):
    app.config["TRUSTED_HOSTS"] = ["learn.depomi.ma"]
    try:
        assert client.get("/login", headers={"Host": "learn.depomi.ma"}).status_code == 200
        response = client.get("/login", headers={"Host": "evil.example"})
        assert response.status_code == 400
        assert "evil.example" not in response.get_data(as_text=True)
    finally:
        app.config["TRUSTED_HOSTS"] = None


def test_oversized_request_gets_413_and_changes_nothing(app, client):
    make_user(app)
    before = _snapshot(app)
    token = csrf_token(client)
    body = {
        "email": "learner@example.ma",
        "password": "x" * (17 * 1024 * 1024),
        "csrf_token": token,
    }
    response = client.post("/login", data=body)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert _snapshot(app) == before


def test_error_page_has_a_reference_and_no_internals():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", PROPAGATE_TEST_ERRORS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail: password=hunter2 at /srv/depomi/views.py line 42")

    app.logger.disabled = True
    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Reference:" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "views.py", "secret detail"):
        assert leak not in html
    not_found = app.test_client().get("/nowhere").get_data(as_text=True)
    assert "Reference:" in not_found
    with app.app_context():
        db.engine.dispose()


def test_failed_and_successful_sign_ins_are_audited_with_address(app, auth):
    user_id = make_user(app)
    auth.login(password="not the right password")
    auth.login()
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.action, e.target, e.ip_address) for e in events] == [
            ("sign_in_failed", f"user:{user_id}", "127.0.0.1"),
            ("sign_in", f"user:{user_id}", "127.0.0.1"),
        ]
        assert db.session.get(User, user_id).last_login_at is not None
