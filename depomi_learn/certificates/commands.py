"""flask certificates list|revoke|verify|keygen|render-missing: the management pages' operations,
for scripts, and the repair of PDFs left unrendered by a crash."""

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..extensions import db
from ..models import Certificate, User
from .credentials import generate_signing_key
from .issuing import (
    CertificateError,
    Status,
    certificate_status,
    find_certificate,
    normalise_code,
    revoke_certificate,
    status_condition,
)
from .stored import certificate_for_pdf, missing_pdfs, render_and_store

certificates_cli = AppGroup("certificates", help="List, verify and revoke certificates.")
STATUSES = [s.value for s in Status if s != Status.NOT_FOUND]


def _day(moment) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "-"


@certificates_cli.command("list")
@click.option("--course", default=None, help="Course id.")
@click.option("--email", default=None, help="Only this learner's certificates.")
@click.option("--status", type=click.Choice(STATUSES), default=None)
def certificates_list(course: str | None, email: str | None, status: str | None) -> None:
    """List certificates, newest first, one per line (tab-separated)."""
    query = sa.select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if course:
        query = query.where(Certificate.course_id == course)
    if email:
        query = query.join(User, User.id == Certificate.user_id).where(
            sa.func.lower(User.email) == email.strip().lower()
        )
    if status:
        query = query.where(status_condition(Status(status)))
    count = 0
    for certificate in db.session.scalars(query):
        count += 1
        fields = (
            certificate.code,
            certificate_status(certificate).value,
            certificate.holder_name_latin,
            certificate.course_id,
            certificate.version_label,
            _day(certificate.issued_at),
            _day(certificate.expires_at),
        )
        click.echo("\t".join(fields))
    click.echo(f"{count} certificates", err=True)


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown publicly on the verification page.")
def certificates_revoke(code: str, reason: str) -> None:
    """Revoke a certificate, with a public reason."""
    certificate = find_certificate(code)
    if certificate is None:
        raise click.ClickException(f"no certificate with code {code}")
    try:
        revoke_certificate(certificate, actor=None, reason=reason, ip="cli")
    except CertificateError as refusal:
        raise click.ClickException(refusal.reason.replace("_", " ")) from refusal
    db.session.commit()
    click.echo(f"revoked {certificate.code}")


@certificates_cli.command("verify")
@click.argument("code", required=False)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check that this PDF file is the certificate as issued.",
)
def certificates_verify(code: str | None, pdf_path: Path | None) -> None:
    """Print a certificate's status (exit 0 only when valid)."""
    if not code and not pdf_path:
        raise click.UsageError("give a CODE, a --pdf file, or both")
    if code and normalise_code(code) is None:
        raise click.ClickException(f"{code!r} is not a certificate code")
    if pdf_path:
        certificate = certificate_for_pdf(pdf_path.read_bytes(), code)
        if certificate is None:
            click.echo(f"{pdf_path}: not a certificate issued here, or modified since")
            sys.exit(1)
    else:
        certificate = find_certificate(code)
    status = certificate_status(certificate)
    if certificate is None:
        click.echo(f"{normalise_code(code)}\t{status.value}")
        sys.exit(1)
    line = [certificate.code, status.value, certificate.holder_name_latin, certificate.course_id]
    if certificate.revoked_at is not None:
        line += [_day(certificate.revoked_at), certificate.revocation_reason]
    click.echo("\t".join(line))
    sys.exit(0 if status == Status.VALID else 1)


@certificates_cli.command("keygen")
def certificates_keygen() -> None:
    """Print a new Ed25519 signing key for DEPOMI_SIGNING_KEY (keep it secret; never commit it)."""
    click.echo(generate_signing_key())


@certificates_cli.command("render-missing")
def certificates_render_missing() -> None:
    """Render and store the PDF of every certificate issued without one (e.g. after a crash).

    Idempotent: a certificate rendered meanwhile, by a download or another run, is left as stored.
    """
    ids = list(db.session.scalars(missing_pdfs()))
    db.session.commit()  # nothing is held while rendering
    stored = sum(1 for certificate_id in ids if render_and_store(certificate_id) is not None)
    click.echo(f"{stored} certificate PDFs rendered and stored")
