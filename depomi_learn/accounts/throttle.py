"""Sign-in throttling per address and per account, counted in the database by every worker.

An attempt is written (and committed by the view) before it is counted, so parallel requests on
any number of workers or machines cannot all slip under the limit: the n-th to commit sees n rows.
A successful attempt is forgotten; a failed one counts until it is older than its window, so a
limit lifts by itself. Keys are SHA-256 digests: the table never holds an email or address.
Attempts are counted over a sliding window (one row each) rather than the fixed windows of
`ratelimit`, so five failures just before a minute turns and five just after still make ten.

Per account, attempts in flight count with the failures (an account is one person). Per address,
only failures count toward SIGN_IN_LIMIT_PER_ADDRESS, so a training room behind one NAT address
signing in together with right passwords is never refused; attempts in flight from an address
are bounded apart (SIGN_IN_CONCURRENT_PER_ADDRESS), which bounds how many guesses a burst of
parallel requests can slip in before its failures are counted.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import SignInAttempt, utcnow

ADDRESS_WINDOW = timedelta(minutes=1)
ACCOUNT_WINDOW = timedelta(minutes=15)


@dataclass
class Attempt:
    rows: list[SignInAttempt]
    limits: list[tuple[str, int, timedelta]]  # key, attempts allowed (this one counted), window
    failure_key: str  # the address's failures: this attempt's in-flight row moves there on failure


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def start(address: str, account: str) -> Attempt:
    """Record an attempt from `address` on `account` (an email as typed, normalised); flush."""
    config = current_app.config
    failure_key = _key("address", address)
    limits = [
        (_key("in-flight", address), config["SIGN_IN_CONCURRENT_PER_ADDRESS"], ADDRESS_WINDOW),
        (_key("account", account), config["SIGN_IN_LIMIT_PER_ACCOUNT"], ACCOUNT_WINDOW),
        # Counted without a row of this attempt: hence one more allowed than failures.
        (failure_key, config["SIGN_IN_LIMIT_PER_ADDRESS"] - 1, ADDRESS_WINDOW),
    ]
    now = utcnow()
    db.session.execute(
        sa.delete(SignInAttempt)
        .where(SignInAttempt.at < now - max(ADDRESS_WINDOW, ACCOUNT_WINDOW))
        .execution_options(synchronize_session=False)
    )
    rows = [SignInAttempt(key=key, at=now) for key, _limit, _window in limits[:2]]
    db.session.add_all(rows)
    db.session.flush()
    return Attempt(rows=rows, limits=limits, failure_key=failure_key)


def retry_after(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Return None when the committed attempt is within every limit, else seconds to wait."""
    moment = now or utcnow()
    waits = []
    for key, allowed, window in attempt.limits:
        count, oldest = db.session.execute(
            sa.select(sa.func.count(), sa.func.min(SignInAttempt.at)).where(
                SignInAttempt.key == key, SignInAttempt.at > moment - window
            )
        ).one()
        if count > allowed:  # this attempt is one of the rows counted
            waits.append(max(int((oldest + window - moment).total_seconds()) + 1, 1))
    return max(waits) if waits else None


def failed(attempt: Attempt) -> None:
    """Count the attempt as a failure of its address (it no longer is in flight); flush."""
    attempt.rows[0].key = attempt.failure_key
    db.session.flush()


def forget(attempt: Attempt) -> None:
    """Remove the attempt: it succeeded, or it was refused without being tried."""
    ids = [row.id for row in attempt.rows]
    db.session.execute(
        sa.delete(SignInAttempt)
        .where(SignInAttempt.id.in_(ids))
        .execution_options(synchronize_session=False)
    )
