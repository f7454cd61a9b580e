"""The certificate's PDF rendered once, after the certificate's transaction, and stored in the
database: every download and every app server serves the same bytes, and an uploaded copy is
checked against their hash, whatever WeasyPrint, the fonts, the template or the public URL become.

Rendering is slow, so it never happens inside a transaction: `render_and_store` ends the current
one (keeping what it loaded), renders, then stores in a transaction of its own. It is the one
function of the package that commits, because it exists to keep slow work out of the write lock.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..database import commit_keeping_objects
from ..extensions import db
from ..models import Certificate, CertificatePdf, User
from .issuing import ISSUED_KEY, normalise_code, verification_url
from .pdf import pdf_sha256, render_certificate_pdf


def stored_pdf(certificate: Certificate) -> CertificatePdf | None:
    """Return the certificate's stored PDF, or None if it was not rendered yet."""
    return db.session.get(CertificatePdf, certificate.id)


def store_pdf(certificate: Certificate, data: bytes) -> CertificatePdf:
    """Store the rendered bytes once; if another process stored them first, return theirs."""
    row = CertificatePdf(certificate_id=certificate.id, data_sha256=pdf_sha256(data), data=data)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        winner = db.session.get(CertificatePdf, certificate.id, populate_existing=True)
        if winner is None:
            raise
        return winner
    if certificate.pdf_sha256 is None:
        certificate.pdf_sha256 = row.data_sha256
    return row


def render_and_store(certificate_id: int) -> CertificatePdf | None:
    """Render the certificate's PDF outside any transaction and store it; commit.

    Returns the stored PDF (rendered by a concurrent call, if it won), or None when there is
    nothing to render: no such certificate, or its holder was erased (the names are gone, only
    the hash of the issued file stays to verify copies).
    """
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        return None
    existing = stored_pdf(certificate)
    erased = certificate.user.erased_at is not None
    commit_keeping_objects()  # end the read: rendering must not hold a transaction open
    if existing is not None or erased:
        return existing
    data = render_certificate_pdf(certificate, verification_url(certificate.code))
    stored = store_pdf(certificate, data)
    commit_keeping_objects()
    return stored


def render_issued_pdfs() -> int:
    """Render the PDFs of the certificates issued by the transaction just committed."""
    issued = db.session.info.pop(ISSUED_KEY, [])
    for certificate_id in issued:
        render_and_store(certificate_id)
    return len(issued)


def certificate_for_pdf(data: bytes, code: str | None = None) -> Certificate | None:
    """Return the certificate whose issued PDF has exactly these bytes (and this code, if given).

    Matches the stored file's hash, or the hash recorded at issue by earlier releases (which
    rendered the file again at every download) and kept after erasure deleted the bytes.
    """
    canonical = normalise_code(code)
    if code and canonical is None:
        return None
    digest = pdf_sha256(data)
    stored = sa.select(CertificatePdf.certificate_id).where(CertificatePdf.data_sha256 == digest)
    query = sa.select(Certificate).where(
        sa.or_(Certificate.pdf_sha256 == digest, Certificate.id.in_(stored))
    )
    if canonical:
        query = query.where(Certificate.code == canonical)
    return db.session.scalars(query.order_by(Certificate.id)).first()


def missing_pdfs() -> sa.Select:
    """Return a select of the ids of certificates without a stored PDF (erased holders apart)."""
    stored = sa.select(CertificatePdf.certificate_id)
    return (
        sa.select(Certificate.id)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.id.not_in(stored), User.erased_at.is_(None))
        .order_by(Certificate.id)
    )
