"""The events the results indicators count, as SQL selects of (user_id, course_id, at, ...).

Each select covers one kind of event in one period: a completed enrolment, a valid certificate,
a completed module with its duration, a pair of pre- and post-test first attempts. The period
filter applies to `at`, the moment the event happened, so "Q1" means "what happened in Q1".
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.functions import FunctionElement

from ..models import (
    Certificate,
    Course,
    Enrolment,
    Module,
    ModuleProgress,
    QuizAttempt,
    SessionAttendance,
    SessionDay,
    SurveyAnswer,
    SurveyResponse,
    TrainingSession,
)

Period = tuple[datetime | None, datetime | None]  # [start, end), either may be open


class quarter_of(FunctionElement):
    """The UTC quarter of a timestamp as 'YYYY-Qn', on SQLite and PostgreSQL alike."""

    type = sa.String()
    inherit_cache = True


class year_of(FunctionElement):
    """The UTC year of a timestamp as 'YYYY'."""

    type = sa.String()
    inherit_cache = True


@compiles(quarter_of, "sqlite")
def _quarter_sqlite(element: quarter_of, compiler, **kw) -> str:
    # SQLite keeps timestamps as 'YYYY-MM-DD HH:MM:SS...' text: slicing it is cheaper than
    # strftime, which counts on a hundred thousand rows.
    column = compiler.process(element.clauses, **kw)
    return (
        f"(substr({column}, 1, 4) || '-Q' || ((CAST(substr({column}, 6, 2) AS INTEGER) + 2) / 3))"
    )


@compiles(quarter_of, "postgresql")
def _quarter_postgresql(element: quarter_of, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-\"Q\"Q')"


@compiles(year_of, "sqlite")
def _year_sqlite(element: year_of, compiler, **kw) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 4)"


@compiles(year_of, "postgresql")
def _year_postgresql(element: year_of, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY')"


class hours_between(FunctionElement):
    """The hours from the first timestamp to the second, as a float."""

    type = sa.Float()
    inherit_cache = True


@compiles(hours_between, "sqlite")
def _hours_sqlite(element: hours_between, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


@compiles(hours_between, "postgresql")
def _hours_postgresql(element: hours_between, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end}) - ({start})) / 3600.0)"


def within(
    column: sa.ColumnElement[Any] | InstrumentedAttribute[Any], period: Period
) -> list[sa.ColumnElement[bool]]:
    """Return the conditions that put `column` inside the period."""
    start, end = period
    conditions: list[sa.ColumnElement[bool]] = [column.is_not(None)]
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def completed_enrolments(period: Period) -> sa.Select:
    """Enrolments completed in the period."""
    return sa.select(
        Enrolment.user_id, Enrolment.course_id, Enrolment.completed_at.label("at")
    ).where(*within(Enrolment.completed_at, period))


def valid_certificates(period: Period, now: datetime) -> sa.Select:
    """Certificates issued in the period that are neither revoked nor expired at `now`."""
    return sa.select(
        Certificate.user_id, Certificate.course_id, Certificate.issued_at.label("at")
    ).where(
        *within(Certificate.issued_at, period),
        Certificate.revoked_at.is_(None),
        sa.or_(Certificate.expires_at.is_(None), Certificate.expires_at > now),
    )


def completed_module_hours(period: Period) -> sa.Select:
    """Modules completed in the period, with their duration in the course's current version."""
    return (
        sa.select(
            ModuleProgress.user_id,
            ModuleProgress.course_id,
            ModuleProgress.completed_at.label("at"),
            (Module.duration_minutes / sa.literal(60.0)).label("hours"),
        )
        .join(Course, Course.id == ModuleProgress.course_id)
        .join(
            Module,
            sa.and_(
                Module.version_id == Course.current_version_id,
                Module.key == ModuleProgress.module_key,
            ),
        )
        .where(*within(ModuleProgress.completed_at, period))
    )


def prepost_pairs(period: Period) -> sa.Select:
    """(person, course) pairs with a submitted pre-test and post-test: the best result of each.

    The role comes from the settings snapshot of each attempt (`role: pre_test|post_test`); the
    pair counts in the period of its last post-test.
    """
    role = QuizAttempt.settings["role"].as_string()
    is_pre, is_post = role == "pre_test", role == "post_test"
    best = (
        sa.select(
            QuizAttempt.user_id,
            QuizAttempt.course_id,
            sa.func.max(sa.case((is_post, QuizAttempt.submitted_at))).label("at"),
            sa.func.max(sa.case((is_pre, QuizAttempt.percent))).label("pre"),
            sa.func.max(sa.case((is_post, QuizAttempt.percent))).label("post"),
        )
        .where(
            QuizAttempt.submitted_at.is_not(None),
            QuizAttempt.percent.is_not(None),
            sa.or_(is_pre, is_post),
        )
        .group_by(QuizAttempt.user_id, QuizAttempt.course_id)
        .subquery("best")
    )
    return sa.select(best.c.user_id, best.c.course_id, best.c.at, best.c.pre, best.c.post).where(
        best.c.pre.is_not(None), best.c.post.is_not(None), *within(best.c.at, period)
    )


def _day_hours() -> sa.ColumnElement:
    return hours_between(SessionDay.starts_at, SessionDay.ends_at)


def attended_hours(period: Period) -> sa.Select:
    """Session days (of sessions not cancelled) in the period where the person was present."""
    return (
        sa.select(
            SessionAttendance.user_id,
            TrainingSession.course_id,
            SessionDay.starts_at.label("at"),
            _day_hours().label("hours"),
        )
        .join(SessionDay, SessionDay.id == SessionAttendance.day_id)
        .join(TrainingSession, TrainingSession.id == SessionDay.session_id)
        .where(
            SessionAttendance.status == "present",
            TrainingSession.cancelled_at.is_(None),
            *within(SessionDay.starts_at, period),
        )
    )


def _session_spans() -> sa.Subquery:
    """Each session's scheduled hours and the end of its last day."""
    return (
        sa.select(
            SessionDay.session_id,
            sa.func.sum(_day_hours()).label("hours"),
            sa.func.max(SessionDay.ends_at).label("last"),
        )
        .group_by(SessionDay.session_id)
        .subquery("spans")
    )


def attended_sessions(period: Period, percent: float) -> sa.Select:
    """(person, course) for each session, ending in the period, attended >= percent of its hours."""
    present = (
        sa.select(
            SessionAttendance.user_id,
            SessionDay.session_id,
            sa.func.sum(_day_hours()).label("hours"),
        )
        .join(SessionDay, SessionDay.id == SessionAttendance.day_id)
        .where(SessionAttendance.status == "present")
        .group_by(SessionAttendance.user_id, SessionDay.session_id)
        .subquery("present")
    )
    spans = _session_spans()
    return (
        sa.select(present.c.user_id, TrainingSession.course_id, spans.c.last.label("at"))
        .join(spans, spans.c.session_id == present.c.session_id)
        .join(TrainingSession, TrainingSession.id == present.c.session_id)
        .where(
            TrainingSession.cancelled_at.is_(None),
            present.c.hours * 100 >= spans.c.hours * percent,
            *within(spans.c.last, period),
        )
    )


def people_trained_events(period: Period, percent: float) -> sa.CompoundSelect:
    """Completed courses and sessions attended enough: what makes a person trained."""
    return sa.union_all(completed_enrolments(period), attended_sessions(period, percent))


def training_hours_events(period: Period) -> sa.CompoundSelect:
    """Completed modules and hours present in sessions."""
    return sa.union_all(completed_module_hours(period), attended_hours(period))


def evaluations(sessions: sa.Select, period: Period) -> sa.Select:
    """Per session of `sessions` ending in the period: its place, course, last day, the Likert
    answers of its evaluation (how many, how many rated 4 or 5) and how many people answered."""
    visible = sessions.with_only_columns(TrainingSession.id).subquery("visible")
    answers = (
        sa.select(
            SurveyAnswer.session_id,
            sa.func.count(SurveyAnswer.number).label("answers"),
            sa.func.count(sa.case((SurveyAnswer.number >= 4, 1))).label("satisfied"),
        )
        .where(SurveyAnswer.number.is_not(None))
        .group_by(SurveyAnswer.session_id)
        .subquery("answers")
    )
    respondents = (
        sa.select(SurveyResponse.session_id, sa.func.count().label("respondents"))
        .group_by(SurveyResponse.session_id)
        .subquery("respondents")
    )
    spans = _session_spans()
    return (
        sa.select(
            TrainingSession.region_id,
            TrainingSession.province_id,
            TrainingSession.course_id,
            spans.c.last.label("at"),
            answers.c.answers,
            answers.c.satisfied,
            sa.func.coalesce(respondents.c.respondents, 0).label("respondents"),
        )
        .join(visible, visible.c.id == TrainingSession.id)
        .join(spans, spans.c.session_id == TrainingSession.id)
        .join(answers, answers.c.session_id == TrainingSession.id)
        .outerjoin(respondents, respondents.c.session_id == TrainingSession.id)
        .where(TrainingSession.cancelled_at.is_(None), *within(spans.c.last, period))
    )
