"""A learner's request to move to another region, province or institution, until decided."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Province, Region, User
from .types import UTCDateTime, utcnow


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # replaced by a newer request, or taken back by the person


class ProfileChangeRequest(db.Model):
    __table_args__ = (
        # One pending request per person: a new one withdraws the old in the same transaction.
        sa.Index(
            "uq_profile_change_request_pending",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index("ix_profile_change_request_status_region", "status", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(16), default=RequestStatus.PENDING.value)
    # The place asked for, whole: region (none = national), province, institution and its type.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("province.id"))
    institution_name: Mapped[str] = mapped_column(sa.String(200), default="")
    institution_type: Mapped[str | None] = mapped_column(sa.String(32))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    region: Mapped[Region | None] = relationship()
    province: Mapped[Province | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
