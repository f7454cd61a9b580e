"""The dashboard's figures read from the counters: the same rows as the live queries, at a cost
that does not grow with the population (filters other than a region fall back to live queries).
"""

from dataclasses import fields
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import ReportCounter, User
from ..permissions import is_national
from .counters import decoded, due_text
from .filters import ReportFilters
from .queries import CELL_KEYS, COUNTS, course_titles, labelled_groups, with_rates

C = ReportCounter.__table__.c


def counted_region(user: User, filters: ReportFilters) -> int | bool | None:
    """Return the region the counters must cover (None: the whole country), or False when the
    filters ask for more than counters keep."""
    others = [f.name for f in fields(filters) if f.name not in ("region_id", "args")]
    if any(getattr(filters, name) not in (None, "") for name in others):
        return False
    if is_national(user):
        return filters.region_id
    if filters.region_id is not None and filters.region_id != user.region_id:
        return False
    return user.region_id


def _sums(region_id: int | None, now: datetime) -> list:
    overdue = sa.case(
        (sa.and_(C.due != "", C.due < due_text(now)), C.enrolled - C.completed), else_=0
    )
    # Only course rows keep their course: the other breakdowns add up over courses.
    course = sa.case((C.dimension == "all", C.course_id), else_="").label("course")
    query = sa.select(
        C.region_id,
        C.dimension,
        C.value,
        course,
        *(
            sa.func.sum(C[name]).label(name)
            for name in COUNTS
            if name not in ("learners", "overdue")
        ),
        sa.func.sum(C.learners).label("learners"),
        sa.func.sum(overdue).label("overdue"),
    ).group_by(C.region_id, C.dimension, C.value, course)
    if region_id is not None:
        query = query.where(C.region_id == region_id)
    return list(db.session.execute(query).all())


def _empty() -> dict:
    return dict.fromkeys(COUNTS, 0)


def _add_row(total: dict, row, learners: bool = True) -> None:
    for name in COUNTS:
        if name == "learners" and not learners:
            continue
        total[name] += getattr(row, name) or 0


def counted_dashboard(
    user: User, filters: ReportFilters, dimensions: tuple[str, ...], language: str, now: datetime
) -> dict[str, list[dict]] | None:
    """Return the summary, breakdowns, courses and timeline rows, or None when the filters ask
    for what only the live queries answer."""
    region_id = counted_region(user, filters)
    if region_id is False:
        return None
    summary = _empty()
    by_person: dict[str, dict[object, dict]] = {by: {} for by in CELL_KEYS}
    courses: dict[str, dict] = {}
    months: dict[str, int] = {}
    for row in _sums(region_id, now):  # type: ignore[arg-type]
        if row.dimension == "month":
            month: str = decoded("month", row.value)  # type: ignore[assignment]
            months[month] = months.get(month, 0) + (row.completed or 0)
            continue
        if row.dimension == "all":
            _add_row(summary, row)
            region = row.region_id or None
            _add_row(by_person["region"].setdefault(region, _empty()), row)
            if row.course:
                course = courses.setdefault(row.course, _empty())
                _add_row(course, row, learners=False)
                course["learners"] = course["enrolled"]
            continue
        key = decoded(row.dimension, row.value)
        _add_row(by_person[row.dimension].setdefault(key, _empty()), row)
    result = {"summary": [with_rates(summary)]}
    for by in dimensions:
        if by in CELL_KEYS:
            groups = {k: v for k, v in by_person[by].items() if v["learners"] or v["enrolled"]}
            result[by] = labelled_groups(by, groups, language, user)
    if "course" in dimensions:
        titles = course_titles(language)
        rows = [
            {"key": key, "label": titles.get(key, key), **with_rates(values)}
            for key, values in courses.items()
            if values["enrolled"]
        ]
        result["course"] = sorted(rows, key=lambda r: r["label"].casefold())
    result["timeline"] = _timeline(months)
    return result


def _timeline(months: dict[str, int]) -> list[dict]:
    counts = {month: n for month, n in months.items() if n}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = (int(p) for p in first.split("-"))
    rows = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        rows.append({"month": key, "completed": counts.get(key, 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows
