"""Two-factor authentication: enrolment, sign-in with a code, recovery codes, required for staff."""

import time

import pyotp
import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from depomi_learn.accounts import two_factor
from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, RecoveryCode, Role, User
from tests.helpers.people import (
    PASSWORD,
    TOTP_SECRET,
    csrf_token,
    enrol_two_factor,
    get_user,
    make_user,
)
from tests.helpers.two_factor import _enrol_through_pages, _password_step

CODE_STEP = "/login/code"


def _code_step(client, code):
    return client.post(CODE_STEP, data={"code": code, "csrf_token": csrf_token(client, CODE_STEP)})


def test_learner_enrols_then_signs_in_with_password_and_code(app, client, auth):
    user_id = make_user(app)
    auth.login()
    secret, codes = _enrol_through_pages(client)
    assert len(codes) == 10
    assert get_user(app, user_id).totp_enabled
    assert client.get("/profile").status_code == 200  # this device stays signed in
    auth.logout()
    response = _password_step(client, next_url="/profile")
    assert response.headers["Location"] == CODE_STEP
    assert client.get("/profile").status_code == 302  # the password alone opens nothing
    next_step = pyotp.TOTP(secret).at(time.time() + 30)  # the enrolment used the current step
    response = _code_step(client, next_step)
    assert response.headers["Location"] == "/profile"
    assert client.get("/profile").status_code == 200


def test_enabling_two_factor_signs_out_other_devices(app, client, auth):
    make_user(app)
    auth.login()
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    _enrol_through_pages(client)
    assert other.get("/profile").status_code == 302


def test_wrong_code_and_replayed_code_are_refused(app, client):
    make_user(app)
    enrol_two_factor(app, "learner@example.ma")
    _password_step(client)
    assert _code_step(client, "123456").status_code == 200  # the form again, with the error
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert _code_step(client, code).status_code == 302
    thief = app.test_client()
    _password_step(thief)
    response = _code_step(thief, code)
    assert response.status_code == 200
    assert "already used" in response.get_data(as_text=True)


def test_a_code_accepted_twice_in_parallel_counts_once(ctx):
    user = db.session.get(User, _make(ctx))
    user.totp_secret = TOTP_SECRET
    db.session.commit()
    now = time.time()
    code = pyotp.TOTP(TOTP_SECRET).at(now)
    assert two_factor.accept_code(user, code, now=now)
    # A second request that read the row before the first one wrote it:
    set_committed_value(user, "totp_last_counter", None)
    assert not two_factor.accept_code(user, code, now=now)


def _make(ctx) -> int:
    from depomi_learn.accounts.users import UserFields, create_user

    user = create_user(UserFields(email="t@example.ma", name_latin="T", password=PASSWORD))
    db.session.commit()
    return user.id


def test_codes_typed_with_arabic_digits_and_spaces_are_accepted(ctx):
    user = db.session.get(User, _make(ctx))
    user.totp_secret = TOTP_SECRET
    now = time.time()
    code = pyotp.TOTP(TOTP_SECRET).at(now)
    arabic = code[:3].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + " " + code[3:]
    assert two_factor.accept_code(user, arabic, now=now)


def test_recovery_code_works_once(app, client, auth):
    make_user(app)
    auth.login()
    _secret, codes = _enrol_through_pages(client)
    auth.logout()
    _password_step(client)
    response = _code_step(client, codes[0].upper())
    assert response.status_code == 302
    assert "9 left" in client.get("/").get_data(as_text=True)
    auth.logout()
    _password_step(client)
    assert _code_step(client, codes[0]).status_code == 200
    with app.app_context():
        methods = [e.details.get("method") for e in db.session.scalars(sa.select(AuditEvent))]
    assert "recovery_code" in methods


def test_pending_code_step_expires(app, client):
    make_user(app)
    enrol_two_factor(app, "learner@example.ma")
    _password_step(client)
    with client.session_transaction() as session:
        session["two_factor"] = {**session["two_factor"], "at": session["two_factor"]["at"] - 301}
    code = pyotp.TOTP(TOTP_SECRET).now()
    response = client.post(CODE_STEP, data={"code": code, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/login"
    assert client.get("/profile").status_code == 302


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_admins_and_coordinators_must_enrol_before_any_staff_page(app, client, role):
    make_user(app, email="staff@example.ma", role=role, region=None)
    assert _password_step(client, "staff@example.ma").status_code == 302
    for path in ("/admin/users", "/coordinate/", "/profile", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-factor"
    assert client.get("/account/two-factor").status_code == 200
    _enrol_through_pages(client)
    assert client.get("/admin/users").status_code == 200


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_learners_and_trainers_may_go_without(app, client, role):
    make_user(app, email="person@example.ma", role=role)
    _password_step(client, "person@example.ma")
    assert client.get("/profile").status_code == 200


def test_staff_cannot_turn_two_factor_off(app, client, auth):
    user_id = auth.as_role(Role.COORDINATOR)
    response = client.post(
        "/account/two-factor/off",
        data={
            "off-password": PASSWORD,
            "off-code": pyotp.TOTP(TOTP_SECRET).now(),
            "csrf_token": csrf_token(client, "/account/two-factor"),
        },
    )
    assert response.status_code == 302
    assert get_user(app, user_id).totp_enabled


def test_learner_turns_two_factor_off_with_password_and_code(app, client, auth):
    user_id = make_user(app)
    auth.login()
    secret, _codes = _enrol_through_pages(client)
    data = {"off-password": PASSWORD, "csrf_token": csrf_token(client, "/account/two-factor")}
    client.post("/account/two-factor/off", data={**data, "off-code": "000000"})
    assert get_user(app, user_id).totp_enabled
    client.post(
        "/account/two-factor/off",
        data={**data, "off-code": pyotp.TOTP(secret).at(time.time() + 30)},
    )
    assert not get_user(app, user_id).totp_enabled
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0


def test_admin_removes_a_lost_two_factor(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    enrol_two_factor(app, "l@example.ma")
    auth.as_role(Role.ADMIN, region=None)
    client.post(
        f"/admin/users/{learner}/two-factor/reset",
        data={"csrf_token": csrf_token(client, f"/admin/users/{learner}")},
    )
    assert not get_user(app, learner).totp_enabled


def test_secrets_are_stored_encrypted_and_still_verify(app, client, auth):
    user_id = make_user(app)
    auth.login()
    secret, _codes = _enrol_through_pages(client)
    stored = get_user(app, user_id).totp_secret
    assert stored.startswith("v1:")
    assert secret not in stored
    auth.logout()
    _password_step(client)
    assert _code_step(client, pyotp.TOTP(secret).at(time.time() + 30)).status_code == 302


def test_a_legacy_clear_secret_verifies_once_then_is_encrypted(ctx):
    user = db.session.get(User, _make(ctx))
    user.totp_secret = TOTP_SECRET  # as stored before secrets were encrypted
    db.session.commit()
    now = time.time()
    assert two_factor.accept_code(user, pyotp.TOTP(TOTP_SECRET).at(now), now=now)
    db.session.commit()
    stored = db.session.scalar(sa.select(User.totp_secret).where(User.id == user.id))
    assert stored.startswith("v1:")
    assert TOTP_SECRET not in stored
    assert two_factor.secret_of(user) == TOTP_SECRET
    later = now + 30
    assert two_factor.accept_code(user, pyotp.TOTP(TOTP_SECRET).at(later), now=later)


def test_a_secret_sealed_with_another_key_is_refused_cleanly(app, client, monkeypatch):
    make_user(app)
    enrol_two_factor(app, "learner@example.ma")
    monkeypatch.setitem(app.config, "TOTP_KEY", "another-key")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "learner@example.ma"))
        assert two_factor.secret_of(user) is None
    _password_step(client)
    response = _code_step(client, pyotp.TOTP(TOTP_SECRET).now())
    assert response.status_code == 200  # the form again, not a 500
    assert client.get("/profile").status_code == 302


def test_the_totp_key_setting_takes_precedence_over_the_secret_key(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "TOTP_KEY", "dedicated-totp-key")
    sealed = two_factor.seal_secret(TOTP_SECRET)
    assert two_factor.secret_of(User(totp_secret=sealed)) == TOTP_SECRET
    monkeypatch.setitem(ctx.config, "TOTP_KEY", "")
    assert two_factor.secret_of(User(totp_secret=sealed)) is None  # SECRET_KEY cannot open it
