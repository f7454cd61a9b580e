"""Work done on a phone without a connection, recorded once per id the phone made."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OfflineSubmission(db.Model):
    """One queued item (a module marked read, quiz answers) accepted from a learner's phone.

    The unique (user, client id) pair makes a replay, a second tab or two concurrent syncs
    record the item once; `outcome` is the answer given the first time, given again to replays.
    """

    __table_args__ = (sa.UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36))
    kind: Mapped[str] = mapped_column(sa.String(16))  # read | quiz
    course_id: Mapped[str] = mapped_column(sa.String(63))
    module_key: Mapped[str] = mapped_column(sa.String(63))
    made_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[dict] = mapped_column(sa.JSON, default=dict)
