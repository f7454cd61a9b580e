"""Signing in and out, sessions, CSRF, the profile page and passwords."""

import pytest
import sqlalchemy as sa

from depomi_learn.accounts.passwords import hash_password, needs_rehash, verify_password
from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Role, User
from tests.helpers.people import PASSWORD, csrf_token, get_user, make_user


def test_sign_in_with_right_password_opens_home(app, client, auth):
    make_user(app)
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Fatima Zahra Alaoui" in client.get("/").get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_identical_answers(app, client, auth):
    make_user(app)
    wrong_password = auth.login(password="not the password at all").get_data(as_text=True)
    unknown_user = auth.login(email="nobody@example.ma").get_data(as_text=True)
    strip = lambda html: html.split('name="csrf_token"')[0]  # noqa: E731 - tokens differ
    assert strip(wrong_password) == strip(unknown_user)
    assert "Email or password is incorrect." in wrong_password


def test_sign_in_without_csrf_token_is_refused(app, client):
    make_user(app)
    response = client.post("/login", data={"email": "learner@example.ma", "password": PASSWORD})
    assert response.status_code == 400


def test_inactive_user_cannot_sign_in(app, auth):
    user_id = make_user(app)
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert auth.login().status_code == 200  # the form again, with the error


def test_sign_out_needs_post_and_csrf(app, client, auth):
    make_user(app)
    auth.login()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/profile").status_code == 200


def test_session_cookie_copied_before_sign_out_stops_working(app, client, auth):
    make_user(app)
    auth.login()
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/profile")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "javascript:alert(1)", "https://evil.example/", "evil"],
)
def test_next_never_leaves_the_site(app, client, target):
    make_user(app)
    token = csrf_token(client)
    response = client.post(
        "/login?next=" + target,
        data={"email": "learner@example.ma", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_next_within_the_site_is_followed(app, client):
    make_user(app)
    token = csrf_token(client)
    response = client.post(
        "/login?next=/profile",
        data={"email": "learner@example.ma", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/profile"


def test_sign_in_and_failure_are_audited(app, auth):
    make_user(app)
    auth.login(password="wrong password here")
    auth.login()
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["sign_in_failed", "sign_in"]


def test_profile_saves_names_and_language_and_asks_for_the_new_region(app, client, auth):
    user_id = make_user(app)
    auth.login()
    response = client.post(
        "/profile",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "name_latin": "Fatima Z. Alaoui",
            "name_arabic": "فاطمة ز. العلوي",
            "region": "oriental",
            "province": "berkane",
            "institution": "Conseil régional de l'Oriental",
            "job_function": "Chargée de mission",
            "preferred_language": "ar",
        },
    )
    assert response.status_code == 302
    user = get_user(app, user_id)
    assert (user.name_arabic, user.preferred_language, user.job_function) == (
        "فاطمة ز. العلوي",
        "ar",
        "Chargée de mission",
    )
    with app.app_context():
        user = db.session.get(User, user_id)
        # The move waits for a coordinator of the Oriental (tests/test_profile.py).
        assert (user.region.code, user.province, user.institution) == ("souss-massa", None, None)
    assert 'dir="rtl"' in client.get("/profile").get_data(as_text=True)


def test_profile_refuses_province_outside_region(app, client, auth):
    user_id = make_user(app)
    auth.login()
    response = client.post(
        "/profile",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "name_latin": "Fatima",
            "region": "oriental",
            "province": "tiznit",
            "preferred_language": "fr",
        },
    )
    assert response.status_code == 200
    assert "This province is not in the chosen region." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).region.code == "souss-massa"


def test_extra_role_field_on_profile_changes_nothing(app, client, auth):
    user_id = make_user(app)
    auth.login()
    response = client.post(
        "/profile",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "name_latin": "Fatima",
            "preferred_language": "fr",
            "role": "admin",
            "email": "admin@example.ma",
        },
    )
    assert response.status_code == 400
    user = get_user(app, user_id)
    assert (user.role, user.email) == (Role.LEARNER, "learner@example.ma")


def test_password_change_signs_out_other_devices(app, client, auth):
    make_user(app)
    auth.login()
    other_device = app.test_client()
    other_device.set_cookie("session", client.get_cookie("session").value)
    response = client.post(
        "/profile/password",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "pw-current_password": PASSWORD,
            "pw-new_password": "a brand new long passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other_device.get("/profile").status_code == 302
    auth.logout()
    assert auth.login(password="a brand new long passphrase").status_code == 302


def test_password_change_refuses_short_password(app, client, auth):
    make_user(app)
    auth.login()
    client.post(
        "/profile/password",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "pw-current_password": PASSWORD,
            "pw-new_password": "short",
        },
    )
    auth.logout()
    assert auth.login().status_code == 302  # the old password still works


def test_production_parameters_hash_with_argon2id(app):
    with app.app_context():
        app.config.update(ARGON2_TIME_COST=3, ARGON2_MEMORY_KIB=65536)
        try:
            stored = hash_password("ein langes Passwort")
        finally:
            app.config.update(ARGON2_TIME_COST=1, ARGON2_MEMORY_KIB=8)
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
        assert verify_password(stored, "ein langes Passwort")
        assert not verify_password(stored, "ein langes passwort")
        assert needs_rehash(stored)  # the test parameters differ, so it would be upgraded


def test_hash_is_upgraded_on_sign_in_when_parameters_change(app, auth):
    user_id = make_user(app)
    with app.app_context():
        app.config.update(ARGON2_TIME_COST=2)
        try:
            db.session.get(User, user_id).password_hash = hash_password(PASSWORD)
            db.session.commit()
        finally:
            app.config.update(ARGON2_TIME_COST=1)
    assert "t=2" in get_user(app, user_id).password_hash
    auth.login()
    assert "t=1" in get_user(app, user_id).password_hash


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_are_not_stored(app, client, auth):
    make_user(app)
    auth.login()
    assert client.get("/profile").headers["Cache-Control"] == "no-store"


def test_production_refuses_to_start_without_strong_secret(monkeypatch):
    from depomi_learn import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="short")
