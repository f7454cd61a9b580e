"""Quiz attempts: what was drawn, what was answered, and what was graded, kept for ever."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import CourseVersion
from .people import User
from .types import UTCDateTime, utcnow


class QuizAttempt(db.Model):
    """One attempt at a module's quiz.

    `questions` is a snapshot of the questions drawn (texts, answer key, option order), so editing
    or re-importing the course never changes what an attempt asked or how it was graded. The
    unique constraints make a second tab or a double click harmless: attempt numbers cannot
    repeat, and a learner has at most one open attempt per module.
    """

    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", "module_key", "number"),
        sa.Index(
            "uq_quiz_attempt_one_open",
            "user_id",
            "course_id",
            "module_key",
            unique=True,
            sqlite_where=sa.text("submitted_at IS NULL"),
            postgresql_where=sa.text("submitted_at IS NULL"),
        ),
        sa.Index("ix_quiz_attempt_course_submitted", "course_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"))
    module_key: Mapped[str] = mapped_column(sa.String(63))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    number: Mapped[int]
    language: Mapped[str] = mapped_column(sa.String(16))
    settings: Mapped[dict] = mapped_column(sa.JSON)  # pass_mark, max_attempts, time limit...
    questions: Mapped[list[dict]] = mapped_column(sa.JSON)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    answers_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results: Mapped[list[dict] | None] = mapped_column(sa.JSON)
    points: Mapped[float | None]
    max_points: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    late: Mapped[bool] = mapped_column(default=False)  # graded from what was saved by the deadline

    user: Mapped[User] = relationship()
    version: Mapped[CourseVersion] = relationship()

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None
