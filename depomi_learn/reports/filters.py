"""Report filters: parsed from plain strings, checked against the user's scope."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Assignment, Course, CourseVersion, Institution, Province, Region, Role, User
from ..models.types import parse_id
from ..permissions import can_view_assignment, is_national, learners_visible_to
from .counter_values import present_values

MISSING = "-"  # in a URL: the "not specified" group of a breakdown (no province, no institution...)
FILTER_KEYS = ("region", "province", "institution", "job_function", "course", "start", "end")
EXTRA_KEYS = ("assignment", "month")


class FilterError(Exception):
    """A filter value that is malformed (400) or outside the user's scope (404)."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(f"{key}: {status}")
        self.status = status
        self.key = key


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers. None means "any"; MISSING means "not specified" for a dimension."""

    region_id: int | None = None
    province_id: int | str | None = None
    institution_id: int | str | None = None
    job_function: str | None = None
    course_id: str | None = None
    start: date | None = None
    end: date | None = None
    assignment_id: int | None = None
    month: str | None = None  # YYYY-MM: completed in that month (drill-down from the chart)
    args: dict[str, str] = field(default_factory=dict, compare=False)

    def with_arg(self, key: str, value: str) -> dict[str, str]:
        """Return the URL arguments of these filters with one more (for drill-down links)."""
        return {**self.args, key: value}


def pick_title(titles: dict[str, str], default_language: str, language: str) -> str:
    """Return a course title in `language`, else in the course's default language."""
    return titles.get(language) or titles.get(default_language) or ""


def local_midnight(day: date) -> datetime:
    """Return the start of `day` in the programme's time zone, as an aware datetime."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


def period_bounds(filters: ReportFilters) -> tuple[datetime | None, datetime | None]:
    """Return [start, end) of the period; `end` includes the whole of its last day."""
    start = local_midnight(filters.start) if filters.start else None
    end = local_midnight(filters.end + timedelta(days=1)) if filters.end else None
    return start, end


def _int(value: str, key: str) -> int:
    number = parse_id(value)
    if number is None:
        raise FilterError(400, key)
    return number


def _date(value: str, key: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(400, key) from None


def _in_scope(user: User, condition: sa.ColumnElement[bool]) -> bool:
    query = learners_visible_to(user).where(User.role == Role.LEARNER, condition)
    return bool(db.session.scalar(sa.select(query.exists())))


def _region(user: User, code: str) -> int:
    region = db.session.scalar(sa.select(Region).where(Region.code == code))
    if region is None or not (is_national(user) or region.id == user.region_id):
        raise FilterError(404, "region")
    return region.id


def _province(user: User, code: str) -> int | str:
    if code == MISSING:
        return MISSING
    province = db.session.scalar(sa.select(Province).where(Province.code == code))
    if province is None or not (is_national(user) or province.region_id == user.region_id):
        raise FilterError(404, "province")
    return province.id


def _institution(user: User, value: str) -> int | str:
    if value == MISSING:
        return MISSING
    institution_id = _int(value, "institution")
    if db.session.get(Institution, institution_id) is None or not _in_scope(
        user, User.institution_id == institution_id
    ):
        raise FilterError(404, "institution")
    return institution_id


def _assignment(user: User, value: str) -> int:
    assignment = db.session.get(Assignment, _int(value, "assignment"))
    if assignment is None or not can_view_assignment(user, assignment):
        raise FilterError(404, "assignment")
    return assignment.id


def parse_filters(user: User, args: Mapping[str, str]) -> ReportFilters:
    """Build filters from URL arguments; raise FilterError for bad or out-of-scope values."""
    raw = {k: str(args.get(k, "")).strip()[:120] for k in FILTER_KEYS + EXTRA_KEYS}
    raw = {k: v for k, v in raw.items() if v}
    values: dict = {}
    if "region" in raw:
        values["region_id"] = _region(user, raw["region"])
    if "province" in raw:
        values["province_id"] = _province(user, raw["province"])
    if "institution" in raw:
        values["institution_id"] = _institution(user, raw["institution"])
    if "job_function" in raw:
        values["job_function"] = "" if raw["job_function"] == MISSING else raw["job_function"]
    if "course" in raw:
        if db.session.get(Course, raw["course"]) is None:
            raise FilterError(404, "course")
        values["course_id"] = raw["course"]
    for key in ("start", "end"):
        if key in raw:
            values[key] = _date(raw[key], key)
    if values.get("start") and values.get("end") and values["start"] > values["end"]:
        raise FilterError(400, "end")
    if "assignment" in raw:
        values["assignment_id"] = _assignment(user, raw["assignment"])
    if "month" in raw:
        _date(raw["month"] + "-01", "month")
        values["month"] = raw["month"][:7]
    return ReportFilters(**values, args=raw)


def filter_choices(user: User, language: str) -> dict[str, list[tuple[str, str]]]:
    """Return the values the filter form offers: only what exists within the user's scope."""
    regions = db.session.scalars(sa.select(Region).order_by(Region.number)).all()
    if not is_national(user):
        regions = [r for r in regions if r.id == user.region_id]
    region_ids = [r.id for r in regions]
    provinces = db.session.scalars(
        sa.select(Province).where(Province.region_id.in_(region_ids)).order_by(Province.name_fr)
    ).all()
    # The learners in scope are those of the user's region (every region when national).
    scope = None if is_national(user) else user.region_id
    institution_ids = [int(v) for v in present_values("institution", scope)]
    institutions = db.session.execute(
        sa.select(Institution.id, Institution.name)
        .where(Institution.id.in_(institution_ids))
        .order_by(Institution.name)
    ).all()
    functions = [f for f in present_values("job_function", scope) if f]
    courses = db.session.execute(
        sa.select(Course.id, CourseVersion.title, CourseVersion.default_language)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .order_by(Course.id)
    ).all()
    return {
        "region": [(r.code, r.name(language)) for r in regions],
        "province": [(p.code, p.name(language)) for p in provinces],
        "institution": [(str(i.id), i.name) for i in institutions],
        "job_function": [(f, f) for f in functions],
        "course": [(c.id, pick_title(c.title, c.default_language, language)) for c in courses],
    }
