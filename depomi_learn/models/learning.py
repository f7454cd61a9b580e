"""A learner's relation to courses: enrolments and progress through modules."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Course
from .people import User
from .types import UTCDateTime, utcnow


class Enrolment(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id"),
        # Reports: completions over time, and who is overdue.
        sa.Index("ix_enrolment_course_completed", "course_id", "completed_at"),
        sa.Index("ix_enrolment_due_open", "due_at", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignment.id"), index=True)
    # Where the learner was last: "continue where you left off" points here.
    last_module_key: Mapped[str | None] = mapped_column(sa.String(63))
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None]  # mean of the best quiz results, set at completion

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()


class ModuleProgress(db.Model):
    """Keyed by module key, not Module row, so progress survives new course versions."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", "module_key"),
        sa.Index("ix_module_progress_course_completed", "course_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"))
    module_key: Mapped[str] = mapped_column(sa.String(63))
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
