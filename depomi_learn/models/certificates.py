"""Certificates of completion, with the snapshot they print."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Course, CourseVersion
from .people import User
from .types import UTCDateTime, utcnow


class Certificate(db.Model):
    """One certificate; everything it prints is a snapshot taken at issue, never a live lookup.

    (user_id, version_id, renewal) is unique: concurrent completions of one course version insert
    the same key and only one wins. A renewal after expiry takes the next `renewal` number.
    """

    __table_args__ = (
        sa.UniqueConstraint("user_id", "version_id", "renewal"),
        sa.Index("ix_certificate_course_issued", "course_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(19), unique=True)  # XXXX-XXXX-XXXX-XXXX
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"))
    renewal: Mapped[int] = mapped_column(default=0)  # 0 for the first certificate of a version
    renews_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"))

    holder_name_latin: Mapped[str] = mapped_column(sa.String(200))
    holder_name_arabic: Mapped[str] = mapped_column(sa.String(200))
    course_title: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # {"fr": ..., "ar": ...}
    version_label: Mapped[str] = mapped_column(sa.String(40))
    score: Mapped[float | None]
    hours_attended: Mapped[float | None]  # blended courses: hours of sessions attended
    region_name: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)  # {"fr": ..., "ar": ...}
    # Position of this certificate's bit in the issuer's revocation status list (its id): stable,
    # so a credential signed today still points at the right bit after a revocation.
    status_index: Mapped[int | None] = mapped_column(unique=True)
    # Salt of the hashed email in the Open Badges credential: the email itself is never published.
    subject_salt: Mapped[str] = mapped_column(sa.String(32))

    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revocation_reason: Mapped[str] = mapped_column(sa.Text, default="")  # public
    # SHA-256 of the PDF as first stored (or, for certificates issued before PDFs were stored, as
    # rendered at issue): it outlives the stored bytes, which erasure deletes. None until rendered.
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # Set when an expired certificate is opened for renewal: the learner's progress restarts then.
    renewal_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    renews: Mapped[Certificate | None] = relationship(remote_side=[id])

    def title(self, language: str) -> str:
        return self.course_title.get(language) or next(iter(self.course_title.values()), "")

    def region(self, language: str) -> str:
        if not self.region_name:
            return ""
        return self.region_name.get(language) or self.region_name.get("fr", "")


class CertificatePdf(db.Model):
    """The certificate's PDF, rendered once after issue and served as stored by every app server.

    Keyed by the certificate: two renderings racing (a download, `render-missing`) store one file.
    """

    __tablename__ = "certificate_pdf"

    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate.id"), primary_key=True)
    data_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
