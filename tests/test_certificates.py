"""Certificates: issued once at completion, with their snapshot; codes; public verification."""

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from depomi_learn.certificates.issuing import (
    CROCKFORD,
    Status,
    certificate_status,
    generate_code,
    issue_certificate,
    normalise_code,
    verification_url,
)
from depomi_learn.certificates.pdf import pdf_sha256, render_certificate_pdf
from depomi_learn.certificates.stored import render_and_store, stored_pdf
from depomi_learn.extensions import db
from depomi_learn.learning.progress import find_enrolment
from depomi_learn.models import AuditEvent, Certificate, CourseVersion, User, utcnow
from tests.helpers.certificates import certificate_row, complete_course, update_certificate
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user

CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
EMAIL = "fatima.alaoui@example.ma"


@pytest.fixture
def issued(app) -> str:
    """A learner of Souss-Massa who completed demo-course; return the certificate's code."""
    make_course(app)
    user_id = make_user(app, email=EMAIL)
    return complete_course(app, user_id)


# Issuing ----------------------------------------------------------------------------------------


def test_completing_a_course_issues_a_certificate_with_its_snapshot(app, issued):
    certificate = certificate_row(app, issued)
    assert CODE_RE.match(certificate.code)
    assert certificate.holder_name_latin == "Fatima Zahra Alaoui"
    assert certificate.holder_name_arabic == "فاطمة الزهراء العلوي"
    assert certificate.course_title == {
        "fr": "demo-course title fr",
        "ar": "demo-course title ar",
    }
    assert certificate.version_label == "2026.1"
    assert certificate.region_name == {"fr": "Souss-Massa", "ar": "سوس ماسة"}
    assert certificate.renewal == 0
    issued_at = certificate.issued_at
    assert certificate.expires_at == issued_at.replace(year=issued_at.year + 3)  # 36 months
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "certificate.issue")
        )
        assert event.target == f"certificate:{issued}"


def test_snapshot_survives_changes_to_the_learner(app, issued):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        user.name_latin = "Someone Else"
        db.session.commit()
    assert certificate_row(app, issued).holder_name_latin == "Fatima Zahra Alaoui"


def test_issuing_again_returns_the_same_certificate(app, ctx, issued):
    user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    enrolment = find_enrolment(user, "demo-course")
    again = issue_certificate(user, enrolment, enrolment.course.current_version)
    assert again.code == issued
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_course_without_certificate_issues_none(app):
    make_course(app)
    with app.app_context():
        db.session.execute(sa.update(CourseVersion).values(certificate_enabled=False))
        db.session.commit()
    complete_course(app, make_user(app))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_certificate_without_validity_never_expires(app):
    make_course(app)
    with app.app_context():
        db.session.execute(sa.update(CourseVersion).values(validity_months=None))
        db.session.commit()
    code = complete_course(app, make_user(app))
    certificate = certificate_row(app, code)
    assert certificate.expires_at is None
    assert certificate_status(certificate, utcnow() + timedelta(days=36500)) == Status.VALID


def test_stored_pdf_is_the_pdf_rendered_again_from_the_snapshot(app, ctx, issued):
    certificate = db.session.scalar(sa.select(Certificate))
    assert certificate.pdf_sha256 is None  # issued in the completion transaction, not rendered
    assert stored_pdf(certificate) is None
    stored = render_and_store(certificate.id)
    pdf = render_certificate_pdf(certificate, verification_url(certificate.code))
    assert pdf == stored.data
    assert pdf_sha256(pdf) == stored.data_sha256 == certificate.pdf_sha256


# Codes ------------------------------------------------------------------------------------------


def test_codes_are_four_groups_of_crockford_base32_and_all_different():
    codes = {generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE_RE.match(code) for code in codes)
    # Over many codes every symbol appears in every position: the 80 bits are all used.
    assert {code[0] for code in codes} == set(CROCKFORD)
    assert {code[-1] for code in codes} == set(CROCKFORD)


@pytest.mark.parametrize(
    "typed",
    [
        "K7QM-4XZP-9D2R-HT6W",
        "k7qm-4xzp-9d2r-ht6w",
        "K7QM4XZP9D2RHT6W",
        "  k7qm 4xzp 9d2r ht6w ",
        "K7QM–4XZP—9D2R_HT6W",
        "K7QM.4XZP.9D2R.HT6W",
        "K7QM-4XZP-٩D2R-HT6W",  # an Arabic-Indic nine
    ],
)
def test_typed_codes_normalise_to_the_canonical_form(typed):
    assert normalise_code(typed) == "K7QM-4XZP-9D2R-HT6W"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("OOOO-IIII-LLLL-oil0", "0000-1111-1111-0110"),
        ("ABCD EFGH JKMN PQRS", "ABCD-EFGH-JKMN-PQRS"),
    ],
)
def test_ambiguous_letters_read_as_digits(typed, canonical):
    assert normalise_code(typed) == canonical


@pytest.mark.parametrize(
    "typed", ["", "K7QM-4XZP-9D2R", "K7QM-4XZP-9D2R-HT6WX", "K7QM-4XZP-9D2R-HT6U", "x" * 100, None]
)
def test_what_cannot_be_a_code_is_refused(typed):
    assert normalise_code(typed) is None


# Public verification ----------------------------------------------------------------------------


def _status_of(html: str) -> str:
    match = re.search(r'data-status="(\w+)"', html)
    assert match, html
    return match.group(1)


def test_valid_certificate_page_shows_holder_course_dates_and_issuer(app, client, issued):
    response = client.get(f"/verify/{issued}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _status_of(html) == "valid"
    for text in ("Fatima Zahra Alaoui", "فاطمة الزهراء العلوي", "demo-course title fr"):
        assert text in html
    assert "demo-course title ar" in html
    assert "DEPOMI Learn" in html
    assert "Souss-Massa" in html


def test_expired_certificate_says_expired(app, client, issued):
    update_certificate(app, issued, expires_at=utcnow() - timedelta(days=1))
    response = client.get(f"/verify/{issued}")
    assert response.status_code == 200
    assert _status_of(response.get_data(as_text=True)) == "expired"
    assert client.get(f"/verify/{issued}.json").get_json()["status"] == "expired"


def test_revoked_certificate_says_revoked_with_date_and_reason(app, client, issued):
    update_certificate(
        app, issued, revoked_at=utcnow(), revocation_reason="Fraude constatée à l'examen"
    )
    html = client.get(f"/verify/{issued}").get_data(as_text=True)
    assert _status_of(html) == "revoked"
    assert "Fraude constatée à l&#39;examen" in html
    data = client.get(f"/verify/{issued}.json").get_json()
    assert data["status"] == "revoked"
    assert data["revocation_reason"] == "Fraude constatée à l'examen"
    assert data["revoked_at"].endswith("Z")


def test_revoked_wins_over_expired(app, client, issued):
    update_certificate(
        app,
        issued,
        revoked_at=utcnow(),
        revocation_reason="Erreur",
        expires_at=utcnow() - timedelta(days=1),
    )
    assert client.get(f"/verify/{issued}.json").get_json()["status"] == "revoked"


def test_unknown_code_is_not_found(app, client):
    response = client.get("/verify/K7QM-4XZP-9D2R-HT6W")
    assert response.status_code == 404
    assert _status_of(response.get_data(as_text=True)) == "not_found"
    json_response = client.get("/verify/K7QM-4XZP-9D2R-HT6W.json")
    assert json_response.status_code == 404
    assert json_response.get_json() == {
        "code": "K7QM-4XZP-9D2R-HT6W",
        "status": "not_found",
        "verification_url": "http://127.0.0.1:5000/verify/K7QM-4XZP-9D2R-HT6W",
    }
    assert client.get("/verify/not-a-code").status_code == 404


def test_json_gives_the_same_facts_as_the_page(app, client, issued):
    data = client.get(f"/verify/{issued}.json").get_json()
    certificate = certificate_row(app, issued)
    assert data["status"] == "valid"
    assert data["code"] == issued
    assert data["holder"] == {
        "name_latin": "Fatima Zahra Alaoui",
        "name_arabic": "فاطمة الزهراء العلوي",
    }
    assert data["course"] == {
        "id": "demo-course",
        "title": {"fr": "demo-course title fr", "ar": "demo-course title ar"},
        "version": "2026.1",
    }
    assert data["issued_at"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data["issuer"]["name"] == "DEPOMI Learn"
    assert data["verification_url"] == f"http://127.0.0.1:5000/verify/{issued}"


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_non_canonical_codes_redirect_to_the_canonical_one(app, client, issued, suffix):
    typed = issued.lower().replace("-", "")
    response = client.get(f"/verify/{typed}{suffix}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/verify/{issued}{suffix}"


def test_form_sends_a_typed_code_to_its_page(app, client, issued):
    assert client.get("/verify").status_code == 200
    response = client.get("/verify", query_string={"code": f" {issued.lower()} "})
    assert response.headers["Location"] == f"/verify/{issued}"
    garbage = client.get("/verify", query_string={"code": "hello"})
    assert garbage.status_code == 400
    assert "16 letters and digits" in garbage.get_data(as_text=True)


def test_verification_never_shows_an_email(app, client, issued):
    html = client.get(f"/verify/{issued}").get_data(as_text=True)
    body = client.get(f"/verify/{issued}.json").get_data(as_text=True)
    for text in (html, body):
        assert EMAIL not in text
        assert "@example.ma" not in text


def test_verification_is_not_indexed(app, client, issued):
    for path in (f"/verify/{issued}", f"/verify/{issued}.json", "/verify", "/verify/AAAA"):
        response = client.get(path)
        assert "noindex" in response.headers["X-Robots-Tag"], path
    assert '<meta name="robots" content="noindex' in client.get(f"/verify/{issued}").get_data(
        as_text=True
    )


def test_verification_is_rate_limited_per_address(app, client, issued, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", 3)
    statuses = [client.get(f"/verify/{issued}").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get(f"/verify/{issued}.json")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    other = client.get(f"/verify/{issued}", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200  # another address has its own count


def test_uploaded_pdf_is_recognised_and_an_altered_one_is_not(app, client, auth, issued):
    auth.login(EMAIL)
    pdf = client.get(f"/certificates/{issued}.pdf").data
    auth.logout()
    token = csrf_token(client, "/verify")
    ok = client.post(
        "/verify/file",
        data={"csrf_token": token, "code": issued, "pdf": (io.BytesIO(pdf), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 200
    assert 'data-file="match"' in ok.get_data(as_text=True)
    altered = pdf.replace(b"/Title", b"/Titl\x65", 1)[:-10] + b"%%EOF tail"
    bad = client.post(
        "/verify/file",
        data={"csrf_token": token, "pdf": (io.BytesIO(altered), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 404
    assert 'data-file="mismatch"' in bad.get_data(as_text=True)


def test_pdf_upload_needs_the_csrf_token(app, client, issued):
    response = client.post(
        "/verify/file",
        data={"pdf": (io.BytesIO(b"%PDF-1.7"), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_verification_limit_slides_and_refused_lookups_do_not_extend_it(
    app, client, issued, monkeypatch
):
    from datetime import timedelta

    from depomi_learn.models import RateLimitHit

    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", 2)
    assert [client.get(f"/verify/{issued}").status_code for _ in range(2)] == [200, 200]
    for _ in range(5):
        assert client.get(f"/verify/{issued}").status_code == 429
    with app.app_context():
        hits = db.session.scalars(sa.select(RateLimitHit)).all()
        assert len(hits) == 2  # the refused lookups left nothing
        assert all(len(hit.key) == 64 and "127.0.0.1" not in hit.key for hit in hits)
        hits[0].at -= timedelta(seconds=61)  # one lookup leaves the sliding window
        db.session.commit()
    assert client.get(f"/verify/{issued}").status_code == 200
    assert client.get(f"/verify/{issued}").status_code == 429
