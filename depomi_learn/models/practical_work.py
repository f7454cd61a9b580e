"""Practical work: a module's assignment as imported, learners' submissions and their reviews."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, column_property, mapped_column, relationship

from ..extensions import db
from .content import CourseVersion, Module
from .people import User
from .types import UTCDateTime, utcnow


class PracticalWork(db.Model):
    """The ```assignment block of a module in one course version (immutable like the version)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id"), unique=True)
    key: Mapped[str] = mapped_column(sa.String(63))  # the assignment id of the course format
    # accept, file_types, max_size_mb, max_files, pass_mark, reviewers ("course" | "region")
    settings: Mapped[dict] = mapped_column(sa.JSON)
    rubric: Mapped[list[dict]] = mapped_column(sa.JSON)  # [{"id", "points": [per level]}]
    # Per language: title, instructions_html (sanitised), rubric [{"title", "levels": [...]}]
    texts: Mapped[dict[str, dict]] = mapped_column(sa.JSON)

    module: Mapped[Module] = relationship(
        backref=backref("practical_work", uselist=False, cascade="all, delete-orphan")
    )

    def text_for(self, language: str, default_language: str) -> dict:
        """Return the texts in `language`, else in the course's default language."""
        return self.texts.get(language) or self.texts[default_language]

    def criteria_for(self, language: str, default_language: str) -> list[dict]:
        """Return the rubric in `language`: [{id, title, levels: [(title, points)]}]."""
        texts = self.text_for(language, default_language)["rubric"]
        return [
            {
                "id": c["id"],
                "title": t["title"],
                "levels": list(zip(t["levels"], c["points"], strict=True)),
            }
            for c, t in zip(self.rubric, texts, strict=True)
        ]

    @property
    def max_points(self) -> float:
        return float(sum(max(criterion["points"]) for criterion in self.rubric))


# Whether a module has an assignment, loaded with the course outline (`undefer`) so that a module
# page knows without one more query.
Module.has_practical_work = column_property(
    sa.select(sa.func.count(PracticalWork.id) > 0)
    .where(PracticalWork.module_id == Module.id)
    .correlate_except(PracticalWork)
    .scalar_subquery(),
    deferred=True,
)


class SubmissionStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # awaiting review
    PASSED = "passed"
    RESUBMIT = "resubmit"  # the trainer asked for a new submission


class Submission(db.Model):
    """One hand-in of a learner's work; resubmissions are new rows, so history is kept.

    A learner has at most one submission awaiting review per module, and submission numbers
    cannot repeat: a double click or a second tab never makes two.
    """

    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", "module_key", "number"),
        sa.Index(
            "uq_submission_one_open",
            "user_id",
            "course_id",
            "module_key",
            unique=True,
            sqlite_where=sa.text("status = 'submitted'"),
            postgresql_where=sa.text("status = 'submitted'"),
        ),
        sa.Index("ix_submission_course_status", "course_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"))
    module_key: Mapped[str] = mapped_column(sa.String(63))
    work_key: Mapped[str] = mapped_column(sa.String(63))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default=SubmissionStatus.SUBMITTED)
    # Who reviews, copied from the assignment: "course" (its trainers) or "region" (the
    # learner's region's trainers); a column so the reviewers' queue is one indexed query.
    reviewers: Mapped[str] = mapped_column(sa.String(8), default="course")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    version: Mapped[CourseVersion] = relationship()
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", order_by="SubmissionFile.id"
    )
    review: Mapped[Review | None] = relationship(back_populates="submission")


class SubmissionFile(db.Model):
    """A file handed in; stored on disk under `stored_name`, never under a name from outside."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id"), index=True)
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)  # random hex
    original_name: Mapped[str] = mapped_column(sa.String(120))  # sanitised, shown only
    file_type: Mapped[str] = mapped_column(sa.String(8))  # pdf, docx, xlsx, odt, png, jpg
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))

    submission: Mapped[Submission] = relationship(back_populates="files")


class Review(db.Model):
    """A trainer's decision on one submission: rubric levels, points, feedback, pass or redo."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id"), unique=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    levels: Mapped[dict[str, int]] = mapped_column(sa.JSON)  # criterion id -> level index
    points: Mapped[float]
    max_points: Mapped[float]
    percent: Mapped[float]
    passed: Mapped[bool]
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="review")
    reviewer: Mapped[User] = relationship()
