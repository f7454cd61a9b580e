"""Two-factor authentication: time-based one-time passwords (RFC 6238) and recovery codes.

A code is accepted once: the accepted time step is stored with a conditional UPDATE, so neither a
replayed code nor two parallel sign-ins with the same code get through. Recovery codes are stored
as SHA-256 digests (they are long random strings, so a fast hash is enough) and each works once.
TOTP secrets are stored encrypted (Fernet) with a key derived from DEPOMI_TOTP_KEY or SECRET_KEY.
"""

import base64
import functools
import hashlib
import hmac
import logging
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from ..database import rows_changed
from ..extensions import db
from ..models import RecoveryCode, User, utcnow

ISSUER = "DEPOMI Learn"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand
# Arabic-Indic and Eastern Arabic-Indic digits, as phones with an Arabic keyboard type them.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
SEALED = "v1:"  # stored secrets without this prefix are legacy clear text, sealed on next use

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"depomi totp").derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _cipher() -> Fernet:
    return _fernet(current_app.config["TOTP_KEY"] or current_app.config["SECRET_KEY"])


def seal_secret(secret: str) -> str:
    """Return `secret` encrypted for storage in `User.totp_secret`."""
    return SEALED + _cipher().encrypt(secret.encode()).decode()


def secret_of(user: User) -> str | None:
    """Return `user`'s clear TOTP secret; None when there is none or the key cannot open it."""
    stored = user.totp_secret
    if not stored or not stored.startswith(SEALED):
        return stored or None
    try:
        return _cipher().decrypt(stored[len(SEALED) :].encode()).decode()
    except InvalidToken:
        log.warning("two-factor secret of user %s cannot be decrypted (key changed?)", user.id)
        return None


def is_required_for(user: User) -> bool:
    """Return whether `user`'s role must use two-factor authentication."""
    return user.role.value in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]


def start_enrolment(user: User) -> None:
    """Give `user` a new secret to scan; it protects nothing until confirmed with a code."""
    user.totp_secret = seal_secret(pyotp.random_base32())
    user.totp_enabled_at = None
    user.totp_last_counter = None


def provisioning_uri(user: User) -> str:
    secret = secret_of(user)
    if secret is None:
        raise ValueError("no two-factor secret to provision")
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(user: User) -> str:
    """Return the enrolment QR code as an SVG data URI (allowed by the CSP's img-src data:)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=5, border=2)


def _clean_code(code: str) -> str:
    return "".join((code or "").translate(DIGITS).split())


def accept_code(user: User, code: str, now: float | None = None) -> bool:
    """Accept a current code (one step of clock drift either way), never the same step twice."""
    code = _clean_code(code)
    secret = secret_of(user)
    if not secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if now is None else now)
    last = user.totp_last_counter if user.totp_last_counter is not None else -1
    for counter in (current - 1, current, current + 1):
        if counter > last and hmac.compare_digest(totp.generate_otp(counter), code):
            claimed = rows_changed(
                sa.update(User)
                .where(
                    User.id == user.id,
                    sa.or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter),
                )
                .values(totp_last_counter=counter)
                .execution_options(synchronize_session=False)
            )
            if claimed != 1:
                return False
            user.totp_last_counter = counter
            if not (user.totp_secret or "").startswith(SEALED):
                user.totp_secret = seal_secret(secret)
            return True
    return False


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn two-factor on when `code` matches the new secret; return the new recovery codes."""
    if user.totp_secret is None or user.totp_enabled or not accept_code(user, code):
        return None
    user.totp_enabled_at = utcnow()
    user.session_version += 1  # other devices sign in again, with a code this time
    return new_recovery_codes(user)


def turn_off(user: User) -> None:
    """Remove the secret and the recovery codes; sessions elsewhere are signed out."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    user.session_version += 1
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes with new ones and return them (shown once, never stored)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of `user`; False if it is unknown or already spent."""
    cleaned = _normalise_recovery(code)
    if len(cleaned) != 10:
        return False
    spent = rows_changed(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(cleaned),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent == 1


def recovery_codes_left(user: User) -> int:
    return db.session.execute(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).scalar_one()
