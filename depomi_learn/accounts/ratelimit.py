"""Rate limits kept in the database, so every gunicorn worker and every server counts together.

A fixed window per key: one row (key, window number) whose count is raised by an UPDATE, which
the database serialises. The caller commits (with the request's one commit).
"""

import time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import RateLimitCounter


def hit(key: str, limit: int, window_seconds: int = 60, now: float | None = None) -> int | None:
    """Count one request for `key`; return None if allowed, else seconds until the next window."""
    moment = time.time() if now is None else now
    window = int(moment // window_seconds)
    if not _increment(key, window):
        try:
            with db.session.begin_nested():
                db.session.add(RateLimitCounter(key=key, slot=window, count=1))
        except IntegrityError:  # another worker opened the window first
            _increment(key, window)
        # A new window opened: forget the old ones, for every key.
        db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.slot < window - 1))
    count = db.session.scalar(
        sa.select(RateLimitCounter.count).where(
            RateLimitCounter.key == key, RateLimitCounter.slot == window
        )
    )
    if count is not None and count > limit:
        return max(int((window + 1) * window_seconds - moment), 1)
    return None


def _increment(key: str, window: int) -> bool:
    result = db.session.execute(
        sa.update(RateLimitCounter)
        .where(RateLimitCounter.key == key, RateLimitCounter.slot == window)
        .values(count=RateLimitCounter.count + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
