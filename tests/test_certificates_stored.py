"""The certificate's PDF is rendered once, after the completion has committed, stored, and served
byte for byte whatever the template becomes; a crash between issue and rendering is repaired."""

import io
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
import weasyprint
from jinja2 import ChoiceLoader, FileSystemLoader

from depomi_learn.accounts.privacy import erase_user
from depomi_learn.certificates.issuing import verification_url
from depomi_learn.certificates.pdf import pdf_sha256, render_certificate_pdf
from depomi_learn.certificates.stored import render_and_store
from depomi_learn.extensions import db
from depomi_learn.learning.progress import enrol
from depomi_learn.models import Certificate, CertificatePdf, Course, Role, User
from tests.helpers.certificates import complete_course
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "learner@example.ma"


class Renders:
    """Count WeasyPrint renderings; each notes whether a transaction was open while it ran."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, barrier: threading.Barrier | None = None):
        self.count, self.in_transaction, self.barrier = 0, [], barrier
        original = weasyprint.HTML.write_pdf

        def counting(html, *args, **kwargs):
            self.count += 1
            self.in_transaction.append(db.session().in_transaction())
            if self.barrier is not None:
                self.barrier.wait(timeout=60)
            return original(html, *args, **kwargs)

        monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)


def _changed_template(app, monkeypatch, tmp_path: Path) -> None:
    """Make certificates/pdf.html print one more line, as a template change in a release would."""
    original = (ROOT / "templates" / "certificates" / "pdf.html").read_text(encoding="utf-8")
    changed = original.replace("</body>", "<p>Modèle révisé en 2027</p></body>", 1)
    assert changed != original
    (tmp_path / "certificates").mkdir()
    (tmp_path / "certificates" / "pdf.html").write_text(changed, encoding="utf-8")
    loader = ChoiceLoader([FileSystemLoader(str(tmp_path)), app.jinja_env.loader])
    monkeypatch.setattr(app.jinja_env, "loader", loader)


def _stored_rows(app) -> list[CertificatePdf]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(CertificatePdf)))
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.fixture
def issued_unrendered(app) -> str:
    """A certificate issued and committed whose PDF was never rendered (a crash in between)."""
    make_course(app)
    return complete_course(app, make_user(app, email=EMAIL))


def test_completion_renders_the_pdf_once_after_commit(app, client, auth, monkeypatch):
    make_course(app)
    user_id = make_user(app, email=EMAIL)
    with app.app_context():
        course = db.session.get(Course, "demo-course")
        enrol(db.session.get(User, user_id), course)
        keys = [module.key for module in course.current_version.modules]
        db.session.commit()
    auth.login(EMAIL)
    renders = Renders(monkeypatch)
    for key in keys:
        page = f"/courses/demo-course/modules/{key}"
        response = client.post(f"{page}/read", data={"csrf_token": csrf_token(client, page)})
        assert response.status_code == 302
    assert renders.count == 1
    assert renders.in_transaction == [False]  # the completion had committed; nothing was held
    [stored] = _stored_rows(app)
    first = client.get(f"/certificates/{_code(app)}.pdf")
    assert first.data == stored.data
    assert renders.count == 1  # the download served the stored file


def _code(app) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Certificate.code))


def test_stored_pdf_is_served_byte_for_byte_after_the_template_changes(
    app, client, auth, issued_unrendered, monkeypatch, tmp_path
):
    code = issued_unrendered
    auth.login(EMAIL)
    renders = Renders(monkeypatch)
    first = client.get(f"/certificates/{code}.pdf")  # rendered on demand: the PDF was missing
    second = client.get(f"/certificates/{code}.pdf")
    assert first.status_code == second.status_code == 200
    assert renders.count == 1
    assert second.data == first.data
    assert first.headers["ETag"] == f'"{pdf_sha256(first.data)}"'
    cached = client.get(
        f"/certificates/{code}.pdf", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert cached.status_code == 304

    _changed_template(app, monkeypatch, tmp_path)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        rendered_now = render_certificate_pdf(certificate, verification_url(code))
    assert rendered_now != first.data  # the change does change what a rendering gives
    later = client.get(f"/certificates/{code}.pdf")
    assert later.data == first.data

    auth.logout()
    upload = client.post(
        "/verify/file",
        data={
            "csrf_token": csrf_token(client, "/verify"),
            "code": code,
            "pdf": (io.BytesIO(first.data), "c.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200
    assert 'data-file="match"' in upload.get_data(as_text=True)


def test_render_missing_repairs_a_crash_and_runs_twice_harmlessly(app, issued_unrendered):
    assert _stored_rows(app) == []
    runner = app.test_cli_runner()
    first = runner.invoke(args=["certificates", "render-missing"])
    assert first.exit_code == 0, first.output
    assert "1 certificate PDFs rendered and stored" in first.output
    [stored] = _stored_rows(app)
    again = runner.invoke(args=["certificates", "render-missing"])
    assert again.exit_code == 0
    assert "0 certificate PDFs rendered and stored" in again.output
    [same] = _stored_rows(app)
    assert (same.data, same.rendered_at) == (stored.data, stored.rendered_at)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        assert certificate.pdf_sha256 == stored.data_sha256 == pdf_sha256(stored.data)


@pytest.mark.slow
def test_two_concurrent_renderings_store_one_pdf(race_app, monkeypatch):
    app = race_app  # threads need connections of their own: a file SQLite, or PostgreSQL
    make_course(app)
    complete_course(app, make_user(app, email=EMAIL))
    renders = Renders(monkeypatch, threading.Barrier(2))  # both render before either stores
    with app.app_context():
        certificate_id = db.session.scalar(sa.select(Certificate.id))
    results, errors = [], []

    def render() -> None:
        try:
            with app.app_context():
                results.append(render_and_store(certificate_id).data)
                db.session.remove()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert renders.count == 2
    assert renders.in_transaction == [False, False]
    [stored] = _stored_rows(app)
    assert results == [stored.data, stored.data]


def test_erasure_deletes_the_stored_pdf_and_copies_still_verify(
    app, client, auth, issued_unrendered
):
    with app.app_context():
        data = render_and_store(db.session.scalar(sa.select(Certificate.id))).data
    admin_id = make_user(app, email="admin@example.ma", role=Role.ADMIN, region=None)
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        erase_user(learner, actor=db.session.get(User, admin_id))
        db.session.commit()
    assert _stored_rows(app) == []
    runner = app.test_cli_runner()
    assert "0 certificate PDFs" in runner.invoke(args=["certificates", "render-missing"]).output
    assert _stored_rows(app) == []  # an erased holder's names are never printed again
    auth.login("admin@example.ma")
    assert client.get(f"/certificates/{issued_unrendered}.pdf").status_code == 404
    assert _stored_rows(app) == []
    auth.logout()
    upload = client.post(
        "/verify/file",
        data={"csrf_token": csrf_token(client, "/verify"), "pdf": (io.BytesIO(data), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200
