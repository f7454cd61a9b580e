"""Counters behind the coordinator dashboard, kept in the transaction of every change they count."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

KEY_COLUMNS = ("region_id", "dimension", "value", "course_id", "due")
COUNT_COLUMNS = (
    "learners",
    "enrolled",
    "started",
    "completed",
    "certified",
    "score_sum",
    "score_n",
)


class ReportCounter(db.Model):
    """One cell of the dashboard's sums: a region (0: none), a breakdown and one of its values.

    `dimension` is "all" (course rows and the region's learners), "province", "institution",
    "job_function" or "month" (completions of that UTC month). Open enrolments with a due date
    are kept apart under `due` (its UTC timestamp, ISO text), so that "overdue" is a sum over
    the due dates before now. Empty strings stand for "none" so that the key has no NULL.
    """

    __tablename__ = "report_counter"
    __table_args__ = (sa.UniqueConstraint(*KEY_COLUMNS, name="uq_report_counter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.Integer)
    dimension: Mapped[str] = mapped_column(sa.String(16))
    value: Mapped[str] = mapped_column(sa.String(130))
    course_id: Mapped[str] = mapped_column(sa.String(63))
    due: Mapped[str] = mapped_column(sa.String(32))
    learners: Mapped[int] = mapped_column(sa.Integer, default=0)
    enrolled: Mapped[int] = mapped_column(sa.Integer, default=0)
    started: Mapped[int] = mapped_column(sa.Integer, default=0)
    completed: Mapped[int] = mapped_column(sa.Integer, default=0)
    certified: Mapped[int] = mapped_column(sa.Integer, default=0)
    score_sum: Mapped[float] = mapped_column(sa.Float, default=0.0)
    score_n: Mapped[int] = mapped_column(sa.Integer, default=0)
