"""Password hashing with argon2id (upgraded when the parameters change), and password rules.

Passwords are normalised to Unicode NFKC before hashing, so the same Arabic or accented password
typed on two different keyboards (precomposed or combining forms, presentation forms) matches.
Each hash takes ARGON2_MEMORY_KIB for its duration, so a worker computes at most
PASSWORD_HASHING_CONCURRENCY of them at once (the others wait): a room signing in together
queues for the CPU instead of multiplying the worker's memory by its threads.
"""

import re
import secrets
import threading
import unicodedata
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

UNUSABLE_PREFIX = "!"  # no argon2 hash starts with "!", so nothing can verify against it
TRAILING_DIGITS_AND_SYMBOLS = re.compile(r"[\d\W_]+$")
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _hashing_slot() -> threading.BoundedSemaphore:
    """Return this process's semaphore bounding concurrent hashes (made on first use)."""
    size = max(int(current_app.config["PASSWORD_HASHING_CONCURRENCY"]), 1)
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(size, threading.BoundedSemaphore(size))


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_KIB"],
        parallelism=1,
    )


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """Return an argon2id hash of `password`."""
    with _hashing_slot():
        return _hasher().hash(_normalise(password))


def unusable_password() -> str:
    """Return a hash no password verifies against (the account needs a reset first)."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def verify_password(stored_hash: str, password: str) -> bool:
    """Check `password` against `stored_hash` in constant time."""
    if stored_hash.startswith(UNUSABLE_PREFIX):
        hash_password(password)  # spend the same time as a real check
        return False
    normalised = _normalise(password)
    candidates = [normalised] if normalised == password else [normalised, password]
    hasher = _hasher()
    for candidate in candidates:  # the raw form matches hashes made before normalisation
        try:
            with _hashing_slot():
                if hasher.verify(stored_hash, candidate):
                    return True
        except (VerificationError, InvalidHashError):
            continue
    return False


def needs_rehash(stored_hash: str) -> bool:
    return not stored_hash.startswith(UNUSABLE_PREFIX) and _hasher().check_needs_rehash(stored_hash)


def password_problem(password: str) -> str | None:
    """Return why `password` is refused, or None when it is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return ngettext(
            "must be at least %(num)d character", "must be at least %(num)d characters", minimum
        )
    if password.strip() != password:
        return _("must not start or end with spaces")
    if is_common(password):
        return _("is too common: it appears in lists that attackers try first")
    if len(set(_normalise(password).casefold())) < 4:
        return _("repeats too few different characters")
    return None


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords (data/common-passwords.txt), lower case."""
    text = resources.files("depomi_learn").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("# ")
    )


def is_common(password: str) -> bool:
    """Return whether `password` (or it without spaces or trailing digits) is a common one."""
    folded = _normalise(password).casefold().strip()
    squeezed = "".join(folded.split())
    stem = TRAILING_DIGITS_AND_SYMBOLS.sub("", squeezed)
    listed = common_passwords()
    return folded in listed or squeezed in listed or (len(stem) >= 4 and stem in listed)
