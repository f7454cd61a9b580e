"""Holders see and download their certificates; admins and coordinators of the region revoke and
renew them; nobody else can, by any door (pages, downloads, forms, command line)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from depomi_learn.certificates.credentials import _load_key
from depomi_learn.certificates.issuing import (
    CertificateError,
    issue_certificate,
    open_renewal,
    revoke_certificate,
)
from depomi_learn.extensions import db
from depomi_learn.learning.progress import enrol, find_enrolment, mark_read
from depomi_learn.learning.quizzes import quiz_state, start_attempt, submit_attempt
from depomi_learn.models import (
    AuditEvent,
    Certificate,
    Course,
    Module,
    ModuleProgress,
    Role,
    User,
    utcnow,
)
from tests.helpers.certificates import (
    certificate_row,
    complete_course,
    latest_code,
    update_certificate,
)
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user

LEARNER = "learner@example.ma"


@pytest.fixture
def issued(app) -> str:
    make_course(app)
    return complete_course(app, make_user(app, email=LEARNER, region="souss-massa"))


def revoke(client, code: str, reason: str = "Erreur d'attribution"):
    page = f"/certificates/manage/{code}"
    return client.post(
        f"{page}/revoke", data={"csrf_token": csrf_token(client, page), "reason": reason}
    )


# Holders ----------------------------------------------------------------------------------------


def test_learner_sees_and_downloads_own_certificate(app, client, auth, issued):
    auth.login(LEARNER)
    html = client.get("/certificates/").get_data(as_text=True)
    assert issued in html
    assert "demo-course title" in html
    pdf = client.get(f"/certificates/{issued}.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert issued in pdf.headers["Content-Disposition"]
    assert client.get(f"/certificates/{issued}/credential.jwt").status_code == 200


def test_another_learner_cannot_download_it(app, client, auth, issued):
    make_user(app, email="other@example.ma")
    auth.login("other@example.ma")
    assert client.get(f"/certificates/{issued}.pdf").status_code == 404
    assert client.get(f"/certificates/{issued}/credential.jwt").status_code == 404
    assert issued not in client.get("/certificates/").get_data(as_text=True)


def test_certificate_pages_need_sign_in(app, client, issued):
    for path in ("/certificates/", f"/certificates/{issued}.pdf", "/certificates/manage"):
        assert client.get(path).status_code == 302, path


# Managers ---------------------------------------------------------------------------------------


def test_admin_lists_and_revokes_with_a_public_reason(app, client, auth, issued):
    auth.as_role(Role.ADMIN, region=None)
    assert issued in client.get("/certificates/manage").get_data(as_text=True)
    response = revoke(client, issued, "Attribuée par erreur")
    assert response.status_code == 302
    certificate = certificate_row(app, issued)
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "Attribuée par erreur"
    public = client.get(f"/verify/{issued}.json").get_json()
    assert (public["status"], public["revocation_reason"]) == ("revoked", "Attribuée par erreur")
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoke")
        )
        assert event.details["reason"] == "Attribuée par erreur"
        assert event.actor_id == certificate.revoked_by_id


def test_revocation_needs_a_reason(app, client, auth, issued):
    auth.as_role(Role.ADMIN, region=None)
    revoke(client, issued, "  ")
    assert certificate_row(app, issued).revoked_at is None
    html = client.get(f"/certificates/manage/{issued}").get_data(as_text=True)
    assert "Give the reason for revoking" in html


def test_revoking_twice_keeps_the_first_reason(app, client, auth, issued):
    auth.as_role(Role.ADMIN, region=None)
    revoke(client, issued, "Première raison")
    page = f"/certificates/manage/{issued}"
    client.post(f"{page}/revoke", data={"csrf_token": csrf_token(client, "/"), "reason": "Autre"})
    assert certificate_row(app, issued).revocation_reason == "Première raison"


def test_coordinator_of_the_region_can_revoke(app, client, auth, issued):
    auth.as_role(Role.COORDINATOR, region="souss-massa")
    assert issued in client.get("/certificates/manage").get_data(as_text=True)
    revoke(client, issued)
    assert certificate_row(app, issued).revoked_at is not None


def test_coordinator_of_another_region_can_neither_see_nor_revoke(app, client, auth, issued):
    auth.as_role(Role.COORDINATOR, region="oriental")
    assert issued not in client.get("/certificates/manage").get_data(as_text=True)
    assert client.get(f"/certificates/manage/{issued}").status_code == 404
    token = csrf_token(client, "/certificates/manage")
    response = client.post(
        f"/certificates/manage/{issued}/revoke", data={"csrf_token": token, "reason": "Non"}
    )
    assert response.status_code == 404
    assert client.get(f"/certificates/{issued}.pdf").status_code == 404
    assert certificate_row(app, issued).revoked_at is None


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_learners_and_trainers_cannot_revoke(app, client, auth, issued, role):
    if role == Role.LEARNER:
        auth.login(LEARNER)
    else:
        auth.as_role(role, region="souss-massa")
    assert client.get("/certificates/manage").status_code == 403
    token = csrf_token(client, "/certificates/")
    response = client.post(
        f"/certificates/manage/{issued}/revoke", data={"csrf_token": token, "reason": "Moi"}
    )
    assert response.status_code == 403
    assert certificate_row(app, issued).revoked_at is None


def test_manage_list_filters_by_status(app, client, auth, issued):
    other = complete_course(app, make_user(app, email="second@example.ma"))
    update_certificate(app, other, expires_at=utcnow() - timedelta(days=1))
    auth.as_role(Role.ADMIN, region=None)
    expired = client.get("/certificates/manage?status=expired").get_data(as_text=True)
    valid = client.get("/certificates/manage?status=valid").get_data(as_text=True)
    assert other in expired
    assert issued not in expired
    assert issued in valid
    assert other not in valid


# Renewal ----------------------------------------------------------------------------------------


def _quiz_course(app) -> None:
    make_course(app, modules=("intro", "evaluation"), quiz_modules=("evaluation",))
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.key == "evaluation"))
        module.quiz_settings = {"pass_mark": 70, "max_attempts": 1}
        db.session.commit()


def _pass_the_course(app, user_id: int) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        course = db.session.get(Course, "demo-course")
        enrolment = enrol(user, course)
        intro, evaluation = course.current_version.modules
        mark_read(user, enrolment, intro)
        attempt = start_attempt(user, evaluation, "fr")
        submit_attempt(attempt, {"evaluation-q1": "true"})
        db.session.commit()


def test_expired_certificate_is_renewed_by_completing_the_course_again(app, client, auth):
    _quiz_course(app)
    user_id = make_user(app, email=LEARNER)
    _pass_the_course(app, user_id)
    with app.app_context():
        first = latest_code(user_id)
    update_certificate(app, first, expires_at=utcnow() - timedelta(days=1))

    auth.login(LEARNER)
    page = client.get("/certificates/").get_data(as_text=True)
    assert "Renew" in page
    client.post(f"/certificates/{first}/renew", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        user = db.session.get(User, user_id)
        enrolment = find_enrolment(user, "demo-course")
        assert enrolment.completed_at is None
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(ModuleProgress.completed_at.is_not(None))
        )
        evaluation = db.session.scalar(sa.select(Module).where(Module.key == "evaluation"))
        state = quiz_state(user, "demo-course", evaluation)
        assert (state.attempts_left, state.passed, len(state.attempts)) == (1, False, 1)

    _pass_the_course(app, user_id)
    with app.app_context():
        second = latest_code(user_id)
    renewed = certificate_row(app, second)
    assert second != first
    assert renewed.renewal == 1
    assert renewed.renews_id == certificate_row(app, first).id
    assert client.get(f"/verify/{second}.json").get_json()["status"] == "valid"
    assert client.get(f"/verify/{first}.json").get_json()["status"] == "expired"


def test_only_an_expired_certificate_can_be_renewed(app, ctx, issued):
    certificate = db.session.scalar(sa.select(Certificate))
    with pytest.raises(CertificateError, match="not_expired"):
        open_renewal(certificate, actor=certificate.user)


def test_coordinator_of_another_region_cannot_renew(app, client, auth, issued):
    update_certificate(app, issued, expires_at=utcnow() - timedelta(days=1))
    auth.as_role(Role.COORDINATOR, region="oriental")
    token = csrf_token(client, "/certificates/")
    response = client.post(f"/certificates/{issued}/renew", data={"csrf_token": token})
    assert response.status_code == 404
    assert certificate_row(app, issued).renewal_opened_at is None


def test_admin_opens_a_renewal(app, client, auth, issued):
    update_certificate(app, issued, expires_at=utcnow() - timedelta(days=1))
    auth.as_role(Role.ADMIN, region=None)
    page = f"/certificates/manage/{issued}"
    assert "Open the renewal" in client.get(page).get_data(as_text=True)
    client.post(f"/certificates/{issued}/renew", data={"csrf_token": csrf_token(client, page)})
    assert certificate_row(app, issued).renewal_opened_at is not None


def test_revoked_certificate_is_not_replaced_when_the_course_completes_again(app, ctx, issued):
    certificate = db.session.scalar(sa.select(Certificate))
    revoke_certificate(certificate, actor=None, reason="Fraude")
    enrolment = find_enrolment(certificate.user, "demo-course")
    again = issue_certificate(certificate.user, enrolment, enrolment.course.current_version)
    assert again.id == certificate.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


# Command line -----------------------------------------------------------------------------------


def test_cli_lists_verifies_and_revokes(app, issued, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["certificates", "list"])
    assert issued in listed.output
    assert "valid" in listed.output
    assert runner.invoke(args=["certificates", "verify", issued.lower()]).exit_code == 0
    assert runner.invoke(args=["certificates", "verify", "K7QM-4XZP-9D2R-HT6W"]).exit_code == 1
    revoked = runner.invoke(args=["certificates", "revoke", issued, "--reason", "Doublon"])
    assert revoked.exit_code == 0, revoked.output
    result = runner.invoke(args=["certificates", "verify", issued])
    assert result.exit_code == 1
    assert "revoked" in result.output
    assert "Doublon" in result.output
    again = runner.invoke(args=["certificates", "revoke", issued, "--reason", "Doublon"])
    assert again.exit_code == 1
    assert issued in runner.invoke(args=["certificates", "list", "--status", "revoked"]).output


def test_cli_verifies_a_pdf_file(app, client, auth, issued, tmp_path):
    auth.login(LEARNER)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(client.get(f"/certificates/{issued}.pdf").data)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["certificates", "verify", "--pdf", str(path)]).exit_code == 0
    path.write_bytes(path.read_bytes() + b"\n")
    assert runner.invoke(args=["certificates", "verify", "--pdf", str(path)]).exit_code == 1


def test_cli_keygen_prints_a_usable_key(app):
    output = app.test_cli_runner().invoke(args=["certificates", "keygen"]).output
    assert _load_key(output, "test").public_key()


@pytest.mark.parametrize(("language", "dir_"), [("fr", "ltr"), ("ar", "rtl"), ("en", "ltr")])
def test_certificate_pages_render_in_every_language(app, client, auth, issued, language, dir_):
    auth.as_role(Role.ADMIN, region=None, language=language)
    pages = [
        "/verify",
        f"/verify/{issued}",
        "/issuer",
        "/certificates/",
        "/certificates/manage",
        f"/certificates/manage/{issued}",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'dir="{dir_}"' in response.get_data(as_text=True).split(">", 2)[1], path
