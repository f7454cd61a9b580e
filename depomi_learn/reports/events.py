"""The events the results indicators count, as SQL selects of (user_id, course_id, at, ...).

Each select covers one kind of event in one period: a completed enrolment, a valid certificate,
a completed module with its duration, a pair of pre- and post-test first attempts. The period
filter applies to `at`, the moment the event happened, so "Q1" means "what happened in Q1".
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..models import Certificate, Course, Enrolment, Module, ModuleProgress, QuizAttempt

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
    column = compiler.process(element.clauses, **kw)
    return (
        f"(strftime('%Y', {column}) || '-Q' || "
        f"((CAST(strftime('%m', {column}) AS INTEGER) + 2) / 3))"
    )


@compiles(quarter_of, "postgresql")
def _quarter_postgresql(element: quarter_of, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-\"Q\"Q')"


@compiles(year_of, "sqlite")
def _year_sqlite(element: year_of, compiler, **kw) -> str:
    return f"strftime('%Y', {compiler.process(element.clauses, **kw)})"


@compiles(year_of, "postgresql")
def _year_postgresql(element: year_of, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY')"


def within(column: sa.ColumnElement, period: Period) -> list[sa.ColumnElement[bool]]:
    """Return the conditions that put `column` inside the period."""
    start, end = period
    conditions = [column.is_not(None)]
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
