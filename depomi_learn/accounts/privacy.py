"""Personal data (law 09-08 in spirit): a person's own copy of their data, and erasure on request.

The export walks every table with a `user_id` column, so data added by future features is
included without anyone remembering to. Erasure pseudonymises: the account row stays (so
progress, attempts and certificates keep counting in anonymous statistics, and a certificate's
code still verifies) but nothing in it, or in the snapshots and the audit trail, names the
person any more.
"""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..extensions import db
from ..models import (
    AuditEvent,
    Certificate,
    CertificatePdf,
    PasswordResetToken,
    ProfileChangeRequest,
    RecoveryCode,
    Role,
    User,
    utcnow,
)
from .passwords import unusable_password
from .users import AccountError

# Secrets and security bookkeeping: never exported (the tokens would not help anyone, and
# answer keys of an attempt must not leave the server before it is submitted).
SKIPPED_TABLES = frozenset({"password_reset_token", "recovery_code"})
SKIPPED_COLUMNS = frozenset({"password_hash", "totp_secret", "questions", "subject_salt", "data"})
ERASED_DOMAIN = "erased.invalid"
# Audit events whose details carry the person's own values (names, institution) before and after.
PROFILE_ACTIONS = (
    "user_updated",
    "profile_updated",
    "profile_change_requested",
    "profile_change_accepted",
    "profile_change_refused",
)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return value


def _row(row: sa.Row) -> dict:
    return {
        name: _plain(value) for name, value in row._mapping.items() if name not in SKIPPED_COLUMNS
    }


def personal_data(user: User) -> dict:
    """Return everything stored about `user`, as JSON-ready values."""
    account = db.session.execute(sa.select(User.__table__).where(User.id == user.id)).one()
    records: dict[str, list[dict]] = {}
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES or "user_id" not in table.c:
            continue
        rows = db.session.execute(
            sa.select(table).where(table.c.user_id == user.id).order_by(*table.primary_key)
        ).all()
        if rows:
            records[table.name] = [_row(row) for row in rows]
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            sa.or_(
                AuditEvent.actor_id == user.id,
                AuditEvent.target.in_([f"user:{user.id}", user.email]),
            )
        )
        .order_by(AuditEvent.id)
    )
    return {
        "exported_at": utcnow().isoformat(),
        "account": _row(account)
        | {
            "region": user.region.code if user.region else None,
            "province": user.province.code if user.province else None,
            "institution": user.institution.name if user.institution else None,
            "two_factor_enabled": user.totp_enabled,
        },
        "records": records,
        "activity": [
            {
                "at": _plain(event.at),
                "action": event.action,
                # The address is the person's own only when they acted themselves.
                "address": event.ip_address if event.actor_id == user.id else None,
            }
            for event in events
        ],
    }


def _certificate_ids(user: User) -> sa.Select:
    return sa.select(Certificate.id).where(Certificate.user_id == user.id)


def erase_user(user: User, *, actor: User, ip: str = "") -> None:
    """Pseudonymise `user` for good, keeping anonymous statistics and certificate verification."""
    if user.id == actor.id:
        raise AccountError("account", _("you cannot erase your own account"))
    if user.erased_at is not None:
        return
    old_email = user.email
    pseudonym = f"erased-{user.id}"
    user.email = f"{pseudonym}@{ERASED_DOMAIN}"
    user.name_latin = pseudonym
    user.name_arabic = ""
    user.institution = None
    user.job_function = ""
    user.role = Role.LEARNER
    user.active = False
    user.password_hash = unusable_password()
    user.session_version += 1
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    user.last_login_at = None
    user.erased_at = utcnow()
    for model in (PasswordResetToken, RecoveryCode, ProfileChangeRequest):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    db.session.execute(
        sa.update(Certificate)
        .where(Certificate.user_id == user.id)
        .values(holder_name_latin="", holder_name_arabic="")
        .execution_options(synchronize_session=False)
    )
    # The stored PDFs print the names; the certificate keeps their hash, so copies still verify.
    db.session.execute(
        sa.delete(CertificatePdf)
        .where(CertificatePdf.certificate_id.in_(_certificate_ids(user)))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.target == old_email)
        .values(target=f"user:{user.id}")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.target == f"user:{user.id}", AuditEvent.action.in_(PROFILE_ACTIONS))
        .values(details={})
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.actor_id == user.id)
        .values(ip_address="")
        .execution_options(synchronize_session=False)
    )
    audit.record("user_erased", actor=actor, target=f"user:{user.id}", ip=ip)
