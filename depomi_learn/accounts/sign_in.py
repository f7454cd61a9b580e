"""The sign-in sequence without the web: a password checked in the same time whether or not the
account exists, a second factor, and the audit trail of each step. The caller keeps the session
and the throttling commits; these functions only flush."""

from .. import audit
from ..models import User, utcnow
from . import two_factor
from .administration import account_target
from .passwords import hash_password, needs_rehash, verify_password
from .users import find_user_by_email

_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    # Verifying against this when the email is unknown makes both failures take the same time.
    if "value" not in _DUMMY_HASH:
        _DUMMY_HASH["value"] = hash_password("not-a-real-password")
    return _DUMMY_HASH["value"]


def check_password(email: str, password: str, *, ip: str = "") -> User | None:
    """Return the active account `email` if `password` is its own; else audit the failure and
    return None. A hash made with older parameters is upgraded."""
    user = find_user_by_email(email)
    password_ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    if not (user and password_ok and user.active):
        target = account_target(user) if user else email[:200]
        audit.record("sign_in_failed", actor=None, target=target, ip=ip)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_second_factor(user: User, code: str, *, ip: str = "") -> str | None:
    """Return how `code` proved `user` ("totp" or "recovery_code"); None (audited) if it did not."""
    if two_factor.accept_code(user, code):
        return "totp"
    if two_factor.use_recovery_code(user, code):
        return "recovery_code"
    audit.record("two_factor_failed", actor=None, target=account_target(user), ip=ip)
    return None


def record_sign_in(user: User, method: str, *, ip: str = "") -> None:
    """Note that `user` signed in with `method` (password, totp, recovery_code)."""
    user.last_login_at = utcnow()
    audit.record("sign_in", actor=user, target=account_target(user), ip=ip, method=method)
