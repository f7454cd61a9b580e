"""Certificates: issued once at completion, typeable codes, verification, revocation, renewal.

Exactly one certificate per learner, course version and renewal: the unique constraint decides
between concurrent completions, inside a savepoint, so the loser returns the winner's certificate.
Domain functions flush; the view or command commits.
"""

from __future__ import annotations

import calendar
import enum
import re
import secrets
import unicodedata
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..extensions import db
from ..models import Certificate, CourseVersion, Enrolment, ModuleProgress, User, utcnow
from ..permissions import MANAGER_ROLES, can_view_learner, learners_visible_to
from ..reports.counters import counting

ISSUER_NAME = "DEPOMI Learn"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = 80
CERTIFICATE_LANGUAGES = ("fr", "ar")
REASON_MIN, REASON_MAX = 3, 500
# Crockford's decoding rules: O reads as zero, I and L as one; separators are only for the eye.
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")
# Session key of the certificates issued in the current transaction, whose PDFs are rendered
# once it has committed (stored.render_issued_pdfs).
ISSUED_KEY = "certificates_issued"


class Status(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_FOUND = "not_found"


class CertificateError(Exception):
    """A refused management action; `reason` is a stable code the view turns into a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Codes ------------------------------------------------------------------------------------------


def _group(chars: str) -> str:
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def generate_code() -> str:
    """Return a new code: 80 random bits as four groups of four Crockford Base32 characters."""
    value = secrets.randbits(CODE_BITS)
    chars = "".join(CROCKFORD[(value >> shift) & 31] for shift in range(CODE_BITS - 5, -1, -5))
    return _group(chars)


def normalise_code(text: str | None) -> str | None:
    """Return the canonical form (K7QM-4XZP-9D2R-HT6W) of a typed code, or None if it is not one."""
    if not text or len(text) > 64:
        return None
    text = unicodedata.normalize("NFKC", text)
    # Codes read out over the phone get typed with Arabic-Indic digits too.
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    chars = _SEPARATORS.sub("", text).upper().translate(_FOLD)
    if len(chars) != CODE_BITS // 5 or any(ch not in CROCKFORD for ch in chars):
        return None
    return _group(chars)


def verification_url(code: str) -> str:
    """Return the absolute public address where anyone can check the certificate `code`."""
    return f"{current_app.config['PUBLIC_URL']}/verify/{code}"


# Lookups and status -----------------------------------------------------------------------------


def find_certificate(code: str | None) -> Certificate | None:
    canonical = normalise_code(code)
    if canonical is None:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == canonical))


def certificate_status(certificate: Certificate | None, now: datetime | None = None) -> Status:
    """Return what a verifier is told: revoked wins over expired, which wins over valid."""
    if certificate is None:
        return Status.NOT_FOUND
    if certificate.revoked_at is not None:
        return Status.REVOKED
    if certificate.expires_at is not None and certificate.expires_at <= (now or utcnow()):
        return Status.EXPIRED
    return Status.VALID


def status_condition(status: Status, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """Return the SQL condition for certificates in `status` (certificate_status for lists)."""
    now = now or utcnow()
    not_revoked = Certificate.revoked_at.is_(None)
    if status == Status.REVOKED:
        return Certificate.revoked_at.is_not(None)
    if status == Status.EXPIRED:
        return sa.and_(not_revoked, Certificate.expires_at <= now)
    return sa.and_(
        not_revoked, sa.or_(Certificate.expires_at.is_(None), Certificate.expires_at > now)
    )


def iso_time(moment: datetime | None) -> str | None:
    """Return a UTC timestamp as 2026-11-29T10:00:00Z (None stays None)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def public_record(code: str, certificate: Certificate | None) -> dict:
    """Return what anyone may know about a certificate: the verification page and its JSON.

    Names, course, dates, region and issuer; never an email or another account detail.
    """
    status = certificate_status(certificate)
    record_ = {"code": code, "status": status.value, "verification_url": verification_url(code)}
    if certificate is None:
        return record_
    return {
        **record_,
        "holder": {
            "name_latin": certificate.holder_name_latin,
            "name_arabic": certificate.holder_name_arabic,
            # An erased holder's names are blank: say why, so the record is not taken for damage.
            **({"erased_on_request": True} if certificate.user.erased_at is not None else {}),
        },
        "course": {
            "id": certificate.course_id,
            "title": certificate.course_title,
            "version": certificate.version_label,
        },
        "region": certificate.region_name,
        "issued_at": iso_time(certificate.issued_at),
        "expires_at": iso_time(certificate.expires_at),
        "revoked_at": iso_time(certificate.revoked_at),
        "revocation_reason": certificate.revocation_reason or None,
        "issuer": {
            "name": ISSUER_NAME,
            "url": f"{current_app.config['PUBLIC_URL']}/issuer",
        },
    }


def _latest(user_id: int, course_id: str, version_id: int | None = None) -> Certificate | None:
    query = sa.select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id
    )
    if version_id is not None:
        query = query.where(Certificate.version_id == version_id)
    return db.session.scalars(
        query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).first()


def certificates_of(user: User) -> list[Certificate]:
    """Return the learner's own certificates, newest first."""
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


# Permissions: the rule for learners, applied to their certificates (two faces) ------------------


def certificates_visible_to(user: User) -> sa.Select:
    """Return a select of the certificates `user` may see (the filter face)."""
    visible = learners_visible_to(user).with_only_columns(User.id)
    return sa.select(Certificate).where(Certificate.user_id.in_(visible))


def can_view_certificate(user: User, certificate: Certificate) -> bool:
    """Return whether `user` may see `certificate` and download it (the check face)."""
    return can_view_learner(user, certificate.user)


def can_manage_certificate(user: User, certificate: Certificate) -> bool:
    """Return whether `user` may revoke or renew `certificate`: an admin, or its coordinator."""
    return user.role in MANAGER_ROLES and can_view_learner(user, certificate.user)


# Issuing ----------------------------------------------------------------------------------------


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _snapshot(
    user: User, enrolment: Enrolment, version: CourseVersion, now: datetime
) -> Certificate:
    region = user.region
    return Certificate(
        user_id=user.id,
        course_id=version.course_id,
        version_id=version.id,
        holder_name_latin=user.name_latin,
        holder_name_arabic=user.name_arabic or "",
        course_title={lang: version.text("title", lang) for lang in CERTIFICATE_LANGUAGES},
        version_label=version.label,
        score=enrolment.score,
        region_name={"fr": region.name_fr, "ar": region.name_ar} if region else None,
        subject_salt=secrets.token_hex(16),
        issued_at=now,
        expires_at=_add_months(now, version.validity_months) if version.validity_months else None,
        revocation_reason="",
    )


def issue_certificate(
    user: User,
    enrolment: Enrolment,
    version: CourseVersion,
    now: datetime | None = None,
    *,
    hours_attended: float | None = None,
) -> Certificate | None:
    """Issue the certificate for a completed course version, once; return it (None: no certificate).

    Issues the code and the snapshot only: the PDF is rendered after commit (certificates.stored).
    A second call, or a concurrent completion, returns the certificate already issued. A revoked
    certificate is never replaced automatically; an expired one is renewed by completing again.
    """
    if not version.certificate_enabled:
        return None
    latest = _latest(user.id, version.course_id, version.id)
    if latest is not None and certificate_status(latest, now) != Status.EXPIRED:
        return latest
    renewal = latest.renewal + 1 if latest is not None else 0
    now = (now or utcnow()).replace(microsecond=0)
    certificate = _snapshot(user, enrolment, version, now)
    certificate.hours_attended = hours_attended  # blended courses: hours of sessions attended
    certificate.renewal = renewal
    previous = latest or _latest(user.id, version.course_id)
    certificate.renews_id = previous.id if previous is not None else None
    for _attempt in range(3):
        certificate.code = generate_code()
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            winner = db.session.scalar(
                sa.select(Certificate).where(
                    Certificate.user_id == user.id,
                    Certificate.version_id == version.id,
                    Certificate.renewal == renewal,
                )
            )
            if winner is not None:  # a concurrent completion issued it first
                return winner
            continue  # the code was already taken (80 random bits: practically never)
        certificate.status_index = certificate.id  # unique and stable: its bit in the status list
        # The PDF is rendered after commit, never while this transaction holds the write lock.
        db.session.info.setdefault(ISSUED_KEY, []).append(certificate.id)
        record(
            "certificate.issue",
            actor=user,
            target=f"certificate:{certificate.code}",
            course=version.course_id,
            version=version.label,
            renewal=renewal,
        )
        return certificate
    raise RuntimeError("no free certificate code after three draws")


# Revocation and renewal -------------------------------------------------------------------------


def clean_reason(reason: str | None) -> str:
    """Return the revocation reason trimmed, or raise CertificateError if too short or too long."""
    text = " ".join((reason or "").split())
    if len(text) < REASON_MIN:
        raise CertificateError("reason_required")
    if len(text) > REASON_MAX:
        raise CertificateError("reason_too_long")
    return text


def revoke_certificate(
    certificate: Certificate, *, actor: User | None, reason: str, ip: str = ""
) -> None:
    """Revoke `certificate` with a public reason; refused if it already is (even concurrently)."""
    text = clean_reason(reason)
    now = utcnow()
    with counting([certificate.user_id]):
        result: CursorResult = db.session.execute(  # type: ignore[assignment]  # an UPDATE
            sa.update(Certificate)
            .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
            .values(
                revoked_at=now,
                revoked_by_id=actor.id if actor is not None else None,
                revocation_reason=text,
            )
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(certificate)
    if result.rowcount != 1:
        raise CertificateError("already_revoked")
    record(
        "certificate.revoke",
        actor=actor,
        target=f"certificate:{certificate.code}",
        ip=ip,
        reason=text,
        holder=certificate.user_id,
    )


def open_renewal(certificate: Certificate, *, actor: User, ip: str = "") -> Enrolment:
    """Let the holder of an expired certificate earn a new one by completing the course again.

    The learner's progress in the course restarts; quiz attempts made before count neither for
    the attempt limit nor for the new score. The new certificate links back to this one.
    """
    if certificate_status(certificate) != Status.EXPIRED:
        raise CertificateError("not_expired")
    newest = _latest(certificate.user_id, certificate.course_id)
    if newest is not None and newest.id != certificate.id:
        raise CertificateError("already_renewed")
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.user_id == certificate.user_id, Enrolment.course_id == certificate.course_id
        )
    )
    if enrolment is None or enrolment.course.current_version is None:
        raise CertificateError("course_unavailable")
    if certificate.renewal_opened_at is not None and enrolment.completed_at is None:
        return enrolment  # already open: a double click changes nothing
    now = utcnow()
    certificate.renewal_opened_at = now
    enrolment.completed_at = None
    enrolment.score = None
    db.session.execute(
        sa.update(ModuleProgress)
        .where(
            ModuleProgress.user_id == certificate.user_id,
            ModuleProgress.course_id == certificate.course_id,
        )
        .values(completed_at=None)
        .execution_options(synchronize_session=False)
    )
    record(
        "certificate.renewal_open",
        actor=actor,
        target=f"certificate:{certificate.code}",
        ip=ip,
        holder=certificate.user_id,
    )
    return enrolment


_CYCLE_START = sa.select(sa.func.max(Certificate.renewal_opened_at)).where(
    Certificate.user_id == sa.bindparam("user_id"),
    Certificate.course_id == sa.bindparam("course_id"),
)  # built once: every quiz module page asks


def learning_cycle_start(user_id: int, course_id: str) -> datetime | None:
    """Return when the learner's current pass through the course began (None: the first one)."""
    return db.session.scalar(_CYCLE_START, {"user_id": user_id, "course_id": course_id})
