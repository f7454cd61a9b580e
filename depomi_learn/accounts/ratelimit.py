"""Rate limits counted in the database, so every gunicorn worker and every server counts together:
sign-in failures per address and per account, public certificate lookups per address, and
self-service password link requests per address and per email address.

One mechanism for all: a hit is one row (key, time), written and committed by the caller before
it is counted, so parallel requests on any number of workers or machines cannot all slip under a
limit: the n-th to commit sees n rows. Hits are counted over a sliding window, so requests just
before a minute turns and just after still add up. A hit that is refused, or that succeeded where
only failures count, is forgotten; the others count until older than their window, so a limit
lifts by itself. Keys are SHA-256 digests: the table never holds an email or address.

Sign-in failures per address are watched, not recorded up front: a training room of forty behind
one NAT address signing in together with right passwords is never refused. What bounds a burst of
parallel guesses from one address instead is its attempts in flight (SIGN_IN_IN_FLIGHT); a failed
attempt's in-flight hit then becomes one of the address's failures (`count_failure`).
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import RateLimitHit, utcnow


@dataclass(frozen=True)
class Limit:
    """Hits of one kind allowed per key within a window; the number is read from the config."""

    kind: str
    setting: str
    window: timedelta


SIGN_IN_PER_ADDRESS = Limit("address", "SIGN_IN_LIMIT_PER_ADDRESS", timedelta(minutes=1))
SIGN_IN_IN_FLIGHT = Limit("in-flight", "SIGN_IN_CONCURRENT_PER_ADDRESS", timedelta(minutes=1))
SIGN_IN_PER_ACCOUNT = Limit("account", "SIGN_IN_LIMIT_PER_ACCOUNT", timedelta(minutes=15))
VERIFICATIONS = Limit("verify", "VERIFY_RATE_LIMIT", timedelta(minutes=1))
RESET_REQUESTS_PER_ADDRESS = Limit("reset", "RESET_REQUESTS_PER_ADDRESS", timedelta(hours=1))
RESET_REQUESTS_PER_ACCOUNT = Limit(
    "reset-account", "RESET_REQUESTS_PER_ACCOUNT", timedelta(hours=1)
)
LIMITS = (
    SIGN_IN_PER_ADDRESS,
    SIGN_IN_IN_FLIGHT,
    SIGN_IN_PER_ACCOUNT,
    VERIFICATIONS,
    RESET_REQUESTS_PER_ADDRESS,
    RESET_REQUESTS_PER_ACCOUNT,
)
KEPT = max(limit.window for limit in LIMITS)  # a hit older than this counts for no limit


@dataclass(frozen=True)
class Hits:
    """The rows one request added, and the limits they count against."""

    rows: list[RateLimitHit]
    limits: list[tuple[str, Limit]]  # key, limit
    watched: list[tuple[str, Limit]] = field(default_factory=list)  # counted; no row of ours yet


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def record(checks: Sequence[tuple[Limit, str]], watched: Sequence[tuple[Limit, str]] = ()) -> Hits:
    """Record one hit for each (limit, value), e.g. (SIGN_IN_PER_ACCOUNT, email), and watch the
    `watched` limits without a hit (this request must still fit under them); flush."""
    now = utcnow()
    db.session.execute(
        sa.delete(RateLimitHit)
        .where(RateLimitHit.at < now - KEPT)
        .execution_options(synchronize_session=False)
    )
    limits = [(_key(limit.kind, value), limit) for limit, value in checks]
    rows = [RateLimitHit(key=key, at=now) for key, _limit in limits]
    db.session.add_all(rows)
    db.session.flush()
    return Hits(rows=rows, limits=limits, watched=[(_key(lm.kind, v), lm) for lm, v in watched])


def retry_after(hits: Hits, now: datetime | None = None) -> int | None:
    """Return None when the committed hits are within every limit, else seconds to wait."""
    moment = now or utcnow()
    waits = []
    own = [(key, limit, 0) for key, limit in hits.limits]  # this request's hit is among the rows
    for key, limit, extra in own + [(key, limit, 1) for key, limit in hits.watched]:
        count, oldest = db.session.execute(
            sa.select(sa.func.count(), sa.func.min(RateLimitHit.at)).where(
                RateLimitHit.key == key, RateLimitHit.at > moment - limit.window
            )
        ).one()
        if count + extra > current_app.config[limit.setting]:
            waits.append(max(math.ceil((oldest + limit.window - moment).total_seconds()), 1))
    return max(waits) if waits else None


def forget(hits: Hits) -> None:
    """Remove the hits: refused without being served, or a success where failures count."""
    ids = [row.id for row in hits.rows]
    db.session.execute(
        sa.delete(RateLimitHit)
        .where(RateLimitHit.id.in_(ids))
        .execution_options(synchronize_session=False)
    )


def count_failure(hits: Hits, limit: Limit) -> None:
    """Turn this request's first hit (its attempt in flight) into a hit of the watched `limit`,
    e.g. a failed sign-in becomes one of its address's failures; flush."""
    hits.rows[0].key = next(key for key, watched in hits.watched if watched is limit)
    db.session.flush()
