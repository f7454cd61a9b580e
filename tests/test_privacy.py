"""Personal data: a learner downloads their own data; an admin erases a person on request."""

import json

import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Certificate, Enrolment, ModuleProgress, Role, User
from tests.helpers.certificates import complete_course
from tests.helpers.courses import make_course
from tests.helpers.people import PASSWORD, Auth, csrf_token, enrol_two_factor, get_user, make_user


def _download(client):
    return client.post("/account/data", data={"csrf_token": csrf_token(client, "/profile")})


def test_learner_downloads_their_own_data_and_nothing_secret(app, client, auth):
    make_course(app)
    user_id = make_user(app)
    make_user(app, email="someone.else@example.ma", name="Someone Else")
    complete_course(app, user_id)
    enrol_two_factor(app, "learner@example.ma")
    auth.login()
    response = _download(client)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "learner@example.ma"
    assert data["account"]["name_arabic"] == "فاطمة الزهراء العلوي"
    assert data["account"]["region"] == "souss-massa"
    assert data["account"]["two_factor_enabled"] is True
    assert len(data["records"]["enrolment"]) == 1
    assert len(data["records"]["module_progress"]) == 3
    assert data["records"]["certificate"][0]["holder_name_latin"] == "Fatima Zahra Alaoui"
    assert {event["action"] for event in data["activity"]} >= {"sign_in"}
    text = response.get_data(as_text=True)
    for secret in ("argon2", "JBSWY3DP", "password_hash", "totp_secret", "someone.else"):
        assert secret not in text


def test_data_download_needs_post_and_csrf(app, client, auth):
    make_user(app)
    auth.login()
    assert client.get("/account/data").status_code == 405
    assert client.post("/account/data").status_code == 400


def _erase(client, user_id, confirm):
    return client.post(
        f"/admin/users/{user_id}/erase",
        data={"erase-confirm_email": confirm, "csrf_token": csrf_token(client, "/admin/users")},
    )


def test_erasure_keeps_statistics_and_certificate_verification(app, client, auth):
    make_course(app)
    learner = make_user(app)
    code = complete_course(app, learner)
    Auth(app, app.test_client()).login()  # a sign-in event with an address
    auth.as_role(Role.ADMIN, region=None)
    assert _erase(client, learner, "someone@else.ma").status_code == 302
    assert get_user(app, learner).erased_at is None  # the confirmation did not match
    assert _erase(client, learner, "learner@example.ma").status_code == 302

    person = get_user(app, learner)
    assert person.erased_at is not None
    assert not person.active
    assert "learner@example.ma" not in person.email
    assert "Fatima" not in person.name_latin + person.name_arabic
    with app.app_context():
        # Anonymous statistics remain: the enrolment, its completion, the module progress.
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(ModuleProgress.id))) == 3
        certificate = db.session.scalar(sa.select(Certificate))
        assert (certificate.holder_name_latin, certificate.holder_name_arabic) == ("", "")
        events = db.session.scalars(sa.select(AuditEvent)).all()
        assert all("learner@example.ma" not in (e.target or "") for e in events)
        assert all(e.ip_address == "" for e in events if e.actor_id == learner)
        everything = json.dumps(
            list(db.session.execute(sa.select(User.__table__).where(User.id == learner)).one()),
            default=str,
        )
        assert "Fatima" not in everything

    page = app.test_client().get(f"/verify/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-status="valid"' in html
    assert "Erased on request" in html
    assert "Fatima" not in html
    record = app.test_client().get(f"/verify/{code}.json").get_json()
    assert record["status"] == "valid"
    assert record["holder"]["erased_on_request"] is True
    # The person can no longer sign in, even with the old password.
    assert Auth(app, app.test_client()).login(password=PASSWORD).status_code == 200


def test_only_admins_erase_and_never_themselves(app, client, auth):
    learner = make_user(app, email="l@souss.ma")
    auth.as_role(Role.COORDINATOR, region="souss-massa")
    assert _erase(client, learner, "l@souss.ma").status_code == 403
    assert get_user(app, learner).erased_at is None
    admin_client = app.test_client()
    me = Auth(app, admin_client).as_role(Role.ADMIN, region=None)
    _erase(admin_client, me, "admin-national@example.ma")
    assert get_user(app, me).erased_at is None
