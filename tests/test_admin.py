"""Account administration: lists, creation, edits within one's rights, import, audit log."""

import io
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Role, User
from depomi_learn.permissions import can_manage_user, users_manageable_by
from tests.helpers.admin import ACCOUNT, _users
from tests.helpers.people import Auth, csrf_token, get_user, make_user
from tests.helpers.users_csv import GOOD_ROWS, HEADER


def _post(client, path, data, token_from=None):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_from or path)})


def _actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_admin_creates_an_account_without_password(app, client, auth):
    auth.as_role(Role.ADMIN, region=None)
    response = _post(client, "/admin/users/new", ACCOUNT)
    assert response.status_code == 302
    created = _users(app)["new@example.ma"]
    assert (created.name_arabic, created.preferred_language) == ("شخص جديد", "ar")
    assert created.password_hash.startswith("!")
    assert "user_created" in _actions(app)


def test_list_searches_and_filters(app, client, auth):
    make_user(app, email="amal@souss.ma", region="souss-massa", name="Amal Idrissi")
    make_user(app, email="omar@oriental.ma", region="oriental", name="Omar Tazi")
    gone = make_user(app, email="gone@oriental.ma", region="oriental", name="Gone")
    with app.app_context():
        db.session.get(User, gone).active = False
        db.session.commit()
    auth.as_role(Role.ADMIN, region=None)

    def listed(**query) -> set[str]:
        html = client.get("/admin/users", query_string=query).get_data(as_text=True)
        return set(re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', html))

    assert listed(q="idrissi") == {"amal@souss.ma"}
    assert listed(region="oriental") == {"omar@oriental.ma", "gone@oriental.ma"}
    assert listed(region="oriental", status="inactive") == {"gone@oriental.ma"}
    assert listed(role="admin") == {"admin-national@example.ma"}


def test_regional_coordinator_manages_only_learners_of_their_region(app, client, auth):
    mine = make_user(app, email="mine@souss.ma", region="souss-massa")
    theirs = make_user(app, email="theirs@oriental.ma", region="oriental")
    trainer = make_user(app, email="t@souss.ma", role=Role.TRAINER, region="souss-massa")
    auth.as_role(Role.COORDINATOR, region="souss-massa")
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "mine@souss.ma" in listing
    assert "theirs@oriental.ma" not in listing
    assert "t@souss.ma" not in listing
    assert client.get(f"/admin/users/{mine}").status_code == 200
    for other in (theirs, trainer):
        assert client.get(f"/admin/users/{other}").status_code == 404
        response = client.post(
            f"/admin/users/{other}/active",
            data={"active": "0", "csrf_token": csrf_token(client, "/admin/users")},
        )
        assert response.status_code == 404
    assert get_user(app, theirs).active


@pytest.mark.parametrize(
    ("field", "value"),
    [("role", "admin"), ("role", "coordinator"), ("role", "trainer"), ("region", "oriental")],
)
def test_coordinator_cannot_give_more_than_their_own_rights(app, client, auth, field, value):
    learner = make_user(app, email="mine@souss.ma", region="souss-massa")
    auth.as_role(Role.COORDINATOR, region="souss-massa")
    edit = {**ACCOUNT, "email": "mine@souss.ma", "region": "souss-massa", field: value}
    if field == "region":
        edit["province"] = ""
    response = _post(client, f"/admin/users/{learner}", edit)
    assert response.status_code == 200  # the form again, with the error
    after = get_user(app, learner)
    assert (after.role, after.name_latin) == (Role.LEARNER, "Fatima Zahra Alaoui")
    created = _post(client, "/admin/users/new", {**edit, "email": "x@souss.ma"}, "/admin/users")
    assert created.status_code == 200
    assert "x@souss.ma" not in _users(app)


def test_coordinator_creates_a_learner_in_their_region(app, client, auth):
    auth.as_role(Role.COORDINATOR, region="souss-massa")
    response = _post(client, "/admin/users/new", ACCOUNT)
    assert response.status_code == 302
    assert _users(app)["new@example.ma"].role == Role.LEARNER


def test_admin_changes_a_role_and_it_is_audited(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    auth.as_role(Role.ADMIN, region=None)
    edit = {**ACCOUNT, "email": "l@example.ma", "role": "coordinator"}
    assert _post(client, f"/admin/users/{learner}", edit).status_code == 302
    assert get_user(app, learner).role == Role.COORDINATOR
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "role_changed"))
        assert (event.target, event.details) == (
            f"user:{learner}",
            {"before": "learner", "after": "coordinator"},
        )
        assert event.ip_address == "127.0.0.1"


def test_admin_cannot_demote_or_deactivate_themselves(app, client, auth):
    me = auth.as_role(Role.ADMIN, region=None)
    edit = {**ACCOUNT, "email": "admin-national@example.ma", "role": "learner", "region": ""}
    edit["province"] = ""
    assert _post(client, f"/admin/users/{me}", edit).status_code == 200
    _post(client, f"/admin/users/{me}/active", {"active": "0"}, f"/admin/users/{me}")
    after = get_user(app, me)
    assert (after.role, after.active) == (Role.ADMIN, True)


def test_extra_fields_on_the_admin_form_change_nothing(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    before = get_user(app, learner)
    auth.as_role(Role.ADMIN, region=None)
    tampered = {
        **ACCOUNT,
        "email": "l@example.ma",
        "password_hash": "$argon2id$forged",
        "session_version": "99",
        "active": "0",
        "totp_secret": "JBSWY3DPEHPK3PXP",
        "erased_at": "2020-01-01",
        "id": "1",
        "created_at": "2000-01-01",
    }
    assert _post(client, f"/admin/users/{learner}", tampered).status_code == 302
    after = get_user(app, learner)
    assert after.password_hash == before.password_hash
    assert (after.session_version, after.active, after.totp_secret, after.erased_at) == (
        before.session_version,
        True,
        None,
        None,
    )
    assert after.created_at == before.created_at


def test_two_faces_of_account_management_agree(app):
    ids = [
        make_user(app, email="a@souss.ma", region="souss-massa"),
        make_user(app, email="b@oriental.ma", region="oriental"),
        make_user(app, email="c@souss.ma", role=Role.COORDINATOR, region="souss-massa"),
        make_user(app, email="n@rabat.ma", role=Role.COORDINATOR, region=None),
        make_user(app, email="t@souss.ma", role=Role.TRAINER, region="souss-massa"),
        make_user(app, email="d@rabat.ma", role=Role.ADMIN, region=None),
    ]
    with app.app_context():
        everyone = db.session.scalars(sa.select(User)).all()
        for actor in everyone:
            visible = set(db.session.scalars(users_manageable_by(actor).with_only_columns(User.id)))
            for person in everyone:
                assert can_manage_user(actor, person) == (person.id in visible)
        assert len(ids) == 6


# --- Password links ----------------------------------------------------------------------------


def _reset_link(client, user_id) -> str:
    response = _post(client, f"/admin/users/{user_id}/reset-link", {}, f"/admin/users/{user_id}")
    assert response.status_code == 200
    link = re.search(r'id="reset-link"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return urlsplit(link.group(1)).path


def _use_link(client, path, password="a new long passphrase"):
    return client.post(
        path,
        data={
            "new_password": password,
            "confirm": password,
            "csrf_token": csrf_token(client),
        },
    )


def test_password_link_works_once_and_signs_out_everywhere(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    person = app.test_client()
    Auth(app, person).login("l@example.ma")
    auth.as_role(Role.ADMIN, region=None)
    path = _reset_link(client, learner)
    browser = app.test_client()
    assert _use_link(browser, path, "password1234").status_code == 200  # too common
    response = _use_link(browser, path)
    assert response.headers["Location"] == "/login"
    assert person.get("/profile").status_code == 302  # the old session is over
    assert Auth(app, browser).login("l@example.ma", "a new long passphrase").status_code == 302
    assert app.test_client().get(path).status_code == 404  # used
    assert "password_reset" in _actions(app)


def test_a_new_link_cancels_the_old_one_and_links_expire(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    auth.as_role(Role.ADMIN, region=None)
    first = _reset_link(client, learner)
    second = _reset_link(client, learner)
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    with app.app_context():
        from datetime import timedelta

        from depomi_learn.models import PasswordResetToken

        row = db.session.scalar(sa.select(PasswordResetToken))
        row.expires_at -= timedelta(hours=25)
        db.session.commit()
    assert app.test_client().get(second).status_code == 404


def test_the_database_never_holds_a_usable_link(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    auth.as_role(Role.ADMIN, region=None)
    path = _reset_link(client, learner)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        from depomi_learn.models import PasswordResetToken

        stored = db.session.scalar(sa.select(PasswordResetToken.token_hash))
    assert token not in stored


def test_password_link_is_emailed_when_smtp_is_configured(app, client, auth, smtp_server):
    port, inbox = smtp_server
    learner = make_user(app, email="l@example.ma", language="fr")
    auth.as_role(Role.ADMIN, region=None)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
    try:
        path = _reset_link(client, learner)
    finally:
        app.config.update(SMTP_HOST="", SMTP_PORT=587, SMTP_SECURITY="starttls")
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message.rcpt_tos == ["l@example.ma"]
    assert path in message.content.decode()


def test_link_is_still_shown_when_the_mail_server_is_down(app, client, auth):
    from tests.helpers.gunicorn import free_port

    learner = make_user(app, email="l@example.ma")
    auth.as_role(Role.ADMIN, region=None)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none")
    try:
        response = _post(client, f"/admin/users/{learner}/reset-link", {}, "/admin/users")
    finally:
        app.config.update(SMTP_HOST="", SMTP_PORT=587, SMTP_SECURITY="starttls")
    html = response.get_data(as_text=True)
    assert "could not be sent" in html
    assert 'id="reset-link"' in html


# --- Import and audit log ----------------------------------------------------------------------


def _upload(client, text: str | bytes, action: str = "import"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/admin/import",
        data={
            "file": (io.BytesIO(data), "users.csv"),
            "action": action,
            "csrf_token": csrf_token(client, "/admin/import"),
        },
        content_type="multipart/form-data",
    )


def test_import_page_reports_bad_rows_and_imports_nothing(app, client, auth):
    auth.as_role(Role.ADMIN, region=None)
    response = _upload(client, HEADER + GOOD_ROWS + "bad-email,Someone,,learner,,,,,fr,\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nothing was imported" in html
    assert "<td>4</td>" in html
    assert set(_users(app)) == {"admin-national@example.ma"}


def test_import_page_dry_run_then_import(app, client, auth):
    auth.as_role(Role.ADMIN, region=None)
    dry = _upload(client, HEADER + GOOD_ROWS, action="check")
    assert "2 accounts would be created" in dry.get_data(as_text=True)
    assert len(_users(app)) == 1
    done = _upload(client, HEADER + GOOD_ROWS)
    assert "2 accounts created" in done.get_data(as_text=True)
    assert {"amal@souss.ma", "omar@oriental.ma"} <= set(_users(app))
    assert "users_imported" in _actions(app)


def test_import_page_refuses_a_file_that_is_not_utf8(app, client, auth):
    auth.as_role(Role.ADMIN, region=None)
    response = _upload(client, (HEADER + "é@y.ma,Élodie,,learner,,,,,fr,\n").encode("latin-1"))
    assert response.status_code == 422
    assert "not UTF-8" in response.get_data(as_text=True)


def test_audit_log_shows_who_did_what_to_whom_from_where(app, client, auth):
    learner = make_user(app, email="l@example.ma")
    Auth(app, app.test_client()).login("l@example.ma", "wrong password!")
    auth.as_role(Role.ADMIN, region=None)
    _post(client, f"/admin/users/{learner}/active", {"active": "0"}, "/admin/users")
    html = client.get("/admin/audit").get_data(as_text=True)
    for text in ("Account deactivated", "Failed sign-in", "Signed in", "127.0.0.1"):
        assert text in html
    assert html.count("l@example.ma") >= 2  # the target, shown by its email
    filtered = client.get("/admin/audit", query_string={"action": "user_deactivated"})
    assert "Failed sign-in</td>" not in filtered.get_data(as_text=True)
    by_person = client.get("/admin/audit", query_string={"q": "l@example.ma"})
    assert "Account deactivated" in by_person.get_data(as_text=True)
