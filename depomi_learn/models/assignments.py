"""Assignments: a course a coordinator gives to a group of learners, with a due date."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Course
from .people import Institution, Province, Region, User
from .types import UTCDateTime, utcnow

assignment_learner = sa.Table(
    "assignment_learner",
    db.metadata,
    sa.Column("assignment_id", sa.ForeignKey("assignment.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id"), primary_key=True, index=True),
)


class Assignment(db.Model):
    """A course for the learners matching every criterion set, or for chosen learners.

    Criteria left empty match everyone in the creator's scope; a regional coordinator's
    assignments always carry their region, so they never reach another region's people.
    """

    __table_args__ = (sa.Index("ix_assignment_region_course", "region_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("province.id"))
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id"))
    job_function: Mapped[str] = mapped_column(sa.String(120), default="")
    chosen_learners: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A cancelled assignment reaches nobody new; its enrolments stay, without the due date.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    course: Mapped[Course] = relationship()
    region: Mapped[Region | None] = relationship()
    province: Mapped[Province | None] = relationship()
    institution: Mapped[Institution | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    learners: Mapped[list[User]] = relationship(secondary=assignment_learner)
