"""Password hashing with argon2id; hashes are upgraded when the parameters change."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

UNUSABLE_PREFIX = "!"  # no argon2 hash starts with "!", so nothing can verify against it


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_KIB"],
        parallelism=1,
    )


def hash_password(password: str) -> str:
    """Return an argon2id hash of `password`."""
    return _hasher().hash(password)


def unusable_password() -> str:
    """Return a hash no password verifies against (the account needs a reset first)."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def verify_password(stored_hash: str, password: str) -> bool:
    """Check `password` against `stored_hash` in constant time."""
    if stored_hash.startswith(UNUSABLE_PREFIX):
        _hasher().hash(password)  # spend the same time as a real check
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return not stored_hash.startswith(UNUSABLE_PREFIX) and _hasher().check_needs_rehash(stored_hash)


def password_problem(password: str) -> str | None:
    """Return why `password` is refused, or None when it is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("must be at least %(count)d characters", count=minimum)
    if password.strip() != password:
        return _("must not start or end with spaces")
    return None
