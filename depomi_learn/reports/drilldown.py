"""Drill-down: the learners behind a number, as a sortable list of people or of enrolments."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from ..models import Enrolment, Institution, Province, User
from ..models import utcnow as _utcnow
from .filters import ReportFilters
from .queries import ENROLMENT_METRICS, enrolment_join, metric_condition, scoped_people

METRICS = ("learners", *ENROLMENT_METRICS)


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def arg(self) -> str:
        return ("-" if self.descending else "") + self.key


def _person_columns() -> list:
    return [
        User.id.label("user_id"),
        User.name_latin,
        User.name_arabic,
        User.email,
        Province.name_fr.label("province_fr"),
        Province.name_ar.label("province_ar"),
        Institution.name.label("institution"),
        User.job_function,
    ]


def _people_query(people: sa.Subquery, on, now: datetime) -> tuple[sa.Select, dict]:
    counts = {
        metric: sa.func.count(sa.case((metric_condition(metric, now), 1))).label(metric)
        for metric in ("completed", "overdue")
    }
    enrolled = sa.func.count(Enrolment.id).label("enrolled")
    person = _person_columns()
    query = (
        sa.select(*person, enrolled, counts["completed"], counts["overdue"])
        .select_from(people)
        .join(User, User.id == people.c.id)
        .outerjoin(Province, Province.id == User.province_id)
        .outerjoin(Institution, Institution.id == User.institution_id)
        .outerjoin(Enrolment, on)
        .group_by(*person)
    )
    sorts = {
        "enrolled": enrolled,
        "completed": counts["completed"],
        "overdue": counts["overdue"],
    }
    return query, sorts


def _enrolments_query(people: sa.Subquery, on, metric: str, now: datetime) -> sa.Select:
    return (
        sa.select(
            *_person_columns(),
            Enrolment.course_id,
            Enrolment.enrolled_at,
            Enrolment.due_at,
            Enrolment.last_activity_at,
            Enrolment.completed_at,
            Enrolment.score,
        )
        .select_from(people)
        .join(User, User.id == people.c.id)
        .join(Enrolment, on)
        .outerjoin(Province, Province.id == User.province_id)
        .outerjoin(Institution, Institution.id == User.institution_id)
        .where(metric_condition(metric, now))
    )


PERSON_SORTS = {
    "name": User.name_latin,
    "name_arabic": User.name_arabic,
    "email": User.email,
    "province": Province.name_fr,
    "institution": Institution.name,
    "job_function": User.job_function,
}
ENROLMENT_SORTS = {
    **PERSON_SORTS,
    "course": Enrolment.course_id,
    "enrolled_at": Enrolment.enrolled_at,
    "due_at": Enrolment.due_at,
    "last_activity_at": Enrolment.last_activity_at,
    "completed_at": Enrolment.completed_at,
    "score": Enrolment.score,
}
PEOPLE_SORT_KEYS = (*PERSON_SORTS, "enrolled", "completed", "overdue")


def sort_keys(metric: str) -> tuple[str, ...]:
    """Return the columns a drill-down list may be sorted by (the allow-list)."""
    return PEOPLE_SORT_KEYS if metric == "learners" else tuple(ENROLMENT_SORTS)


def parse_sort(metric: str, value: str) -> Sort:
    """Return the requested sort when allowed, else the default (name, ascending)."""
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in sort_keys(metric):
        return Sort("name", False)
    return Sort(key, descending)


def drilldown(
    user: User, filters: ReportFilters, metric: str, sort: Sort, now: datetime | None = None
) -> sa.Select:
    """Return the rows behind `metric` for the filters: people, or enrolments of people."""
    now = now or _utcnow()
    people = scoped_people(user, filters)
    on = enrolment_join(people, filters)
    if metric == "learners":
        query, extra = _people_query(people, on, now)
        column = {**PERSON_SORTS, **extra}[sort.key]
        tie: list[QueryableAttribute[object]] = [User.id]
    else:
        query = _enrolments_query(people, on, metric, now)
        column = ENROLMENT_SORTS[sort.key]
        tie = [User.id, Enrolment.course_id]
    ordered = column.desc().nulls_last() if sort.descending else column.asc().nulls_last()
    return query.order_by(ordered, *tie)
