"""Authoring in the browser: who may edit a course, its draft, and every version's source files.

A draft is the whole course folder held in the database, one row per file; publishing writes it
to a temporary folder and imports it like any folder, so both paths make the same versions.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Course, CourseVersion
from .people import User
from .types import UTCDateTime, utcnow


class CourseAuthor(db.Model):
    """A trainer who may edit a course; owners also choose the co-authors.

    Courses imported from folders by the command line have no authors until an admin adds some.
    """

    __table_args__ = (sa.UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    is_owner: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CourseDraft(db.Model):
    """The working copy of a course: the next version, until it is published or discarded."""

    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"), primary_key=True)
    # The version the draft was started from (None for a course never published).
    base_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course_version.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    course: Mapped[Course] = relationship()
    base_version: Mapped[CourseVersion | None] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    files: Mapped[list[DraftFile]] = relationship(
        back_populates="draft", order_by="DraftFile.path", cascade="all, delete-orphan"
    )


class DraftFile(db.Model):
    """One file of a draft's course folder (course.yaml, fr/01-x.md, assets/map.png...)."""

    __table_args__ = (sa.UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course_draft.course_id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(255))  # relative to the course folder, with '/'
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))  # editors send it back to detect conflicts
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    draft: Mapped[CourseDraft] = relationship(back_populates="files")


class SourceFile(db.Model):
    """A file of the folder a version was imported from, except assets/ (kept in CourseAsset).

    Export writes these bytes back, so exporting then importing a course changes nothing.
    """

    __table_args__ = (sa.UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(255))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)

    version: Mapped[CourseVersion] = relationship()
