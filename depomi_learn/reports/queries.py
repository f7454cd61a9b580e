"""The report queries: the people in scope, their measures, breakdowns, timeline, drill-downs.

Every query starts from `scoped_people`, which is `learners_visible_to(user)` narrowed by the
filters; enrolment measures are conditions on the enrolments of those people, and the very same
conditions select the rows of a drill-down, so a number and the list behind it always agree.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..models import (
    Certificate,
    Course,
    CourseVersion,
    Enrolment,
    Institution,
    Province,
    Region,
    Role,
    User,
)
from ..models import utcnow as _utcnow
from ..permissions import is_national, learners_visible_to
from .filters import MISSING, ReportFilters, period_bounds, pick_title

ENROLMENT_METRICS = ("enrolled", "started", "completed", "certified", "overdue")
MEASURES = ("learners", *ENROLMENT_METRICS)
DIMENSIONS = ("region", "province", "institution", "job_function", "course")


class month_of(FunctionElement):
    """The UTC month of a timestamp as 'YYYY-MM', on SQLite and PostgreSQL alike."""

    type = sa.String()
    inherit_cache = True


@compiles(month_of, "sqlite")
def _month_sqlite(element: month_of, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"strftime('%Y-%m', {column})"  # qmark parameters: a literal % needs no escaping


@compiles(month_of, "postgresql")
def _month_postgresql(element: month_of, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-MM')"


def certified_condition() -> sa.ColumnElement[bool]:
    """Whether the enrolment's learner holds a certificate for its course that is not revoked."""
    return (
        sa.select(Certificate.id)
        .where(
            Certificate.user_id == Enrolment.user_id,
            Certificate.course_id == Enrolment.course_id,
            Certificate.revoked_at.is_(None),
        )
        .exists()
    )


def metric_condition(metric: str, now: datetime) -> sa.ColumnElement[bool]:
    """Return the condition an enrolment meets to count under `metric`."""
    conditions = {
        "enrolled": Enrolment.id.is_not(None),
        "started": sa.or_(
            Enrolment.last_activity_at.is_not(None), Enrolment.completed_at.is_not(None)
        ),
        "completed": Enrolment.completed_at.is_not(None),
        "certified": certified_condition(),
        "overdue": sa.and_(Enrolment.due_at < now, Enrolment.completed_at.is_(None)),
    }
    return conditions[metric]


def scoped_people(user: User, filters: ReportFilters) -> sa.Subquery:
    """Return the learners `user` may see that match the person filters."""
    query = (
        learners_visible_to(user)
        .where(User.role == Role.LEARNER)
        .with_only_columns(
            User.id, User.region_id, User.province_id, User.institution_id, User.job_function
        )
    )
    if filters.region_id is not None:
        query = query.where(User.region_id == filters.region_id)
    for column, value in (
        (User.province_id, filters.province_id),
        (User.institution_id, filters.institution_id),
    ):
        if value == MISSING:
            query = query.where(column.is_(None))
        elif value is not None:
            query = query.where(column == value)
    if filters.job_function is not None:
        query = query.where(User.job_function == filters.job_function)
    return query.subquery("people")


def enrolment_join(people: sa.Subquery, filters: ReportFilters) -> sa.ColumnElement[bool]:
    """Return the condition joining the people to the enrolments the filters cover."""
    conditions = [Enrolment.user_id == people.c.id]
    if filters.course_id is not None:
        conditions.append(Enrolment.course_id == filters.course_id)
    if filters.assignment_id is not None:
        conditions.append(Enrolment.assignment_id == filters.assignment_id)
    start, end = period_bounds(filters)
    if start is not None:
        conditions.append(Enrolment.enrolled_at >= start)
    if end is not None:
        conditions.append(Enrolment.enrolled_at < end)
    if filters.month:
        year, month = (int(part) for part in filters.month.split("-"))
        first = datetime(year, month, 1, tzinfo=UTC)
        after = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        conditions += [Enrolment.completed_at >= first, Enrolment.completed_at < after]
    return sa.and_(*conditions)


COUNTS = (*MEASURES, "score_sum", "score_n")
CELL_KEYS = {
    "region": "region_id",
    "province": "province_id",
    "institution": "institution_id",
    "job_function": "job_function",
}


def _measure_columns(people: sa.Subquery, now: datetime, per_course: bool = False) -> list:
    counts = [
        sa.func.count(sa.case((metric_condition(metric, now), 1))).label(metric)
        for metric in ENROLMENT_METRICS[1:]
    ]
    # Within one course a learner has at most one enrolment: no DISTINCT needed there.
    learners = sa.func.count(Enrolment.id if per_course else sa.distinct(people.c.id))
    return [
        learners.label("learners"),
        sa.func.count(Enrolment.id).label("enrolled"),
        *counts,
        sa.func.sum(Enrolment.score).label("score_sum"),
        sa.func.count(Enrolment.score).label("score_n"),
    ]


def with_rates(values: dict) -> dict:
    """Add the completion rate and the average score (the one place numbers are shaped)."""
    values = dict(values)
    score_sum, score_n = values.pop("score_sum", None), values.pop("score_n", 0)
    enrolled, completed = values.get("enrolled") or 0, values.get("completed") or 0
    return {
        **values,
        "completion_rate": round(100 * completed / enrolled, 1) if enrolled else None,
        "average_score": round(float(score_sum) / score_n, 1) if score_n else None,
    }


def _cells(user: User, filters: ReportFilters, now: datetime) -> list[dict]:
    """Return the measures per combination of region, province, institution and job function.

    Every learner is in exactly one combination, so the summary and each breakdown by these
    dimensions are sums of cells: one scan of the enrolments serves the whole dashboard.
    """
    people = scoped_people(user, filters)
    keys = [people.c[column] for column in CELL_KEYS.values()]
    query = (
        sa.select(*keys, *_measure_columns(people, now))
        .select_from(people.outerjoin(Enrolment, enrolment_join(people, filters)))
        .group_by(*keys)
    )
    return [dict(row._mapping) for row in db.session.execute(query)]


def _add_up(cells: list[dict], column: str | None) -> dict[object, dict]:
    totals: dict[object, dict] = {}
    for cell in cells:
        total = totals.setdefault(cell[column] if column else None, dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            total[name] += cell[name] or 0
    return totals


def measures(
    user: User,
    filters: ReportFilters,
    dimensions: tuple[str, ...],
    language: str,
    now: datetime | None = None,
) -> dict[str, list[dict]]:
    """Return the summary (one row) and a breakdown per person dimension, from one scan."""
    cells = _cells(user, filters, now or _utcnow())
    summary = _add_up(cells, None).get(None, dict.fromkeys(COUNTS, 0))
    result = {"summary": [with_rates(summary)]}
    for by in dimensions:
        result[by] = labelled_groups(by, _add_up(cells, CELL_KEYS[by]), language, user)
    return result


def labelled_groups(by: str, totals: dict[object, dict], language: str, user: User) -> list[dict]:
    """Name each group (one query for the names), in a stable order, missing groups last."""
    if by == "region":
        return _regions(totals, language, user)
    names: dict[object, tuple[str, str]] = {}
    if by == "province":
        rows = db.session.execute(
            sa.select(Province.id, Province.code, Province.name_fr, Province.name_ar).where(
                Province.id.in_([k for k in totals if k is not None])
            )
        )
        names = {r.id: (r.code, r.name_ar if language == "ar" else r.name_fr) for r in rows}
    elif by == "institution":
        rows = db.session.execute(
            sa.select(Institution.id, Institution.name).where(
                Institution.id.in_([k for k in totals if k is not None])
            )
        )
        names = {r.id: (str(r.id), r.name) for r in rows}
    else:
        names = {k: (str(k), str(k)) for k in totals if k}
    groups = []
    for key, values in totals.items():
        code, label = names.get(key, (MISSING, gettext("Not specified")))
        groups.append({"key": code, "label": label, **with_rates(values)})
    groups.sort(key=lambda row: (row["key"] == MISSING, row["label"].casefold()))
    return groups


def _regions(totals: dict[object, dict], language: str, user: User) -> list[dict]:
    """Every region in scope, those without learners included, programme regions first."""
    query = sa.select(Region).order_by(Region.is_programme.desc(), Region.number)
    if not is_national(user):
        query = query.where(Region.id == user.region_id)
    empty = dict.fromkeys(COUNTS, 0)
    return [
        {
            "key": region.code,
            "label": region.name(language),
            "programme": region.is_programme,
            **with_rates(totals.get(region.id, empty)),
        }
        for region in db.session.scalars(query)
    ]


def course_breakdown(
    user: User, filters: ReportFilters, language: str, now: datetime | None = None
) -> list[dict]:
    """Return the measures per course (learners there are the enrolled ones)."""
    people = scoped_people(user, filters)
    query = (
        sa.select(
            Enrolment.course_id.label("key"),
            *_measure_columns(people, now or _utcnow(), per_course=True),
        )
        .select_from(people)
        .join(Enrolment, enrolment_join(people, filters))
        .group_by(Enrolment.course_id)
    )
    titles = course_titles(language)
    rows = [
        {"label": titles.get(row.key, row.key), **with_rates(row._asdict())}
        for row in db.session.execute(query)
    ]
    return sorted(rows, key=lambda r: r["label"].casefold())


def course_titles(language: str) -> dict[str, str]:
    """Return every course's current title in `language` (one query, whatever the page)."""
    rows = db.session.execute(
        sa.select(Course.id, CourseVersion.title, CourseVersion.default_language).join(
            CourseVersion, CourseVersion.id == Course.current_version_id
        )
    )
    return {row.id: pick_title(row.title, row.default_language, language) for row in rows}


def timeline(user: User, filters: ReportFilters) -> list[dict]:
    """Return completions per month (UTC), with the months in between at zero."""
    people = scoped_people(user, filters)
    month = month_of(Enrolment.completed_at).label("month")
    query = (
        sa.select(month, sa.func.count(Enrolment.id).label("completed"))
        .select_from(people)
        .join(Enrolment, enrolment_join(people, filters))
        .where(Enrolment.completed_at.is_not(None))
        .group_by(month)
        .order_by(month)
    )
    counts = {row.month: row.completed for row in db.session.execute(query)}
    if not counts:
        return []
    months = _months_between(min(counts), max(counts))
    return [{"month": m, "completed": counts.get(m, 0)} for m in months]


def _months_between(first: str, last: str) -> list[str]:
    year, month = (int(p) for p in first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def assignment_progress(
    user: User, assignment_ids: list[int], now: datetime | None = None
) -> dict[int, dict]:
    """Return assigned, completed and overdue learners per assignment, within the user's scope."""
    if not assignment_ids:
        return {}
    now = now or _utcnow()
    people = scoped_people(user, ReportFilters())
    query = (
        sa.select(
            Enrolment.assignment_id,
            sa.func.count(Enrolment.id).label("enrolled"),
            *(
                sa.func.count(sa.case((metric_condition(m, now), 1))).label(m)
                for m in ("completed", "overdue")
            ),
        )
        .select_from(people)
        .join(Enrolment, Enrolment.user_id == people.c.id)
        .where(Enrolment.assignment_id.in_(assignment_ids))
        .group_by(Enrolment.assignment_id)
    )
    return {row.assignment_id: dict(row._mapping) for row in db.session.execute(query)}
