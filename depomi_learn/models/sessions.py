"""Blended training: sessions of a course in a region, their days, registrations and attendance.

Times are stored in UTC and shown in Africa/Casablanca. Unique constraints make the things that
must happen once (a registration, a check-in, a reminder, an evaluation) happen once whatever
the concurrency.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Course
from .people import Province, Region, User
from .types import UTCDateTime, utcnow

session_trainer = sa.Table(
    "session_trainer",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("training_session.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id"), primary_key=True, index=True),
)


class TrainingSession(db.Model):
    """A group meeting of a course in a region, over one or more days."""

    __table_args__ = (sa.Index("ix_training_session_region_course", "region_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"), index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("province.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    mode: Mapped[str] = mapped_column(sa.String(16), default="in_person")  # or "online"
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    meeting_link: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int] = mapped_column(default=30)
    modules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # iCalendar SEQUENCE: raised on every change that calendars must show.
    sequence: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    region: Mapped[Region] = relationship()
    province: Mapped[Province | None] = relationship()
    days: Mapped[list[SessionDay]] = relationship(
        back_populates="session", order_by="SessionDay.starts_at", cascade="all, delete-orphan"
    )
    trainers: Mapped[list[User]] = relationship(secondary=session_trainer)

    @property
    def status(self) -> str:
        if self.cancelled_at is not None:
            return "cancelled"
        return "closed" if self.closed_at is not None else "scheduled"


class SessionDay(db.Model):
    """One day of a session; its id makes the iCalendar UID, so it survives moves."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[TrainingSession] = relationship(back_populates="days")

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class SessionRegistration(db.Model):
    """A person's place in a session: registered, waiting (in order) or cancelled."""

    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),
        sa.Index("ix_session_registration_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))  # registered | waiting | cancelled
    # Waiting-list order: when the person (last) asked for a place.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[TrainingSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SessionAttendance(db.Model):
    """Whether a person was there on one day; one row per person and day."""

    __table_args__ = (sa.UniqueConstraint("day_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(sa.ForeignKey("session_day.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))  # present | absent | excused
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    method: Mapped[str] = mapped_column(sa.String(16))  # trainer | qr | csv
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    day: Mapped[SessionDay] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SessionNotice(db.Model):
    """A message sent once: the unique key is the marker that `flask sessions remind` checks."""

    __table_args__ = (sa.UniqueConstraint("session_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(64))  # e.g. reminder:2027-01-12
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(db.Model):
    """That a person answered a session's evaluation (not what they answered)."""

    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))


class SurveyAnswer(db.Model):
    """What someone answered to one question, kept without their name."""

    __table_args__ = (sa.Index("ix_survey_answer_session_question", "session_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id"))
    question: Mapped[str] = mapped_column(sa.String(63))
    number: Mapped[int | None]  # Likert 1 to 5
    choice: Mapped[str | None] = mapped_column(sa.String(63))
    text: Mapped[str | None] = mapped_column(sa.Text)
