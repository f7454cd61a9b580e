"""The results indicators computed: `results` is the one function behind the page, the command
and every export, so they always show the same numbers.

Each family of indicators is one SQL aggregate over the events of the period joined to the
learners the user may see (`permissions.learners_visible_to`; for satisfaction, whose answers
are anonymous, the sessions the user may see, `permissions.sessions_manageable_by`), grouped by
the breakdowns asked for, plus one more without grouping for the total: a constant number of
statements whatever the population. Small groups are hidden afterwards, cell by cell
(`suppression.suppressed_cells`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from ..extensions import db
from ..models import Role, User
from ..models import utcnow as _utcnow
from ..permissions import learners_visible_to, sessions_manageable_by
from . import events
from .filters import ReportFilters, period_bounds
from .indicators import BY_ID, INDICATOR_IDS, SMALL_GROUP, Indicator, parse_breakdowns
from .labels import Labels, load_labels
from .suppression import suppressed_cells

HIDDEN = "<5"
FAMILIES = {
    "people_trained": "trained",
    "women_share": "trained",
    "completions": "completions",
    "certificates_valid": "certificates",
    "training_hours": "hours",
    "knowledge_gain": "gain",
    "satisfaction": "satisfaction",
}


@dataclass(frozen=True)
class ResultsRequest:
    """What to compute: which indicators, broken down by what, over which dates (inclusive)."""

    indicators: tuple[str, ...] = INDICATOR_IDS
    by: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None


@dataclass
class Cell:
    key: tuple[str, ...]  # one code per breakdown
    labels: tuple[str, ...]
    value: float | int | None
    people: int  # how many people the cell is about: what small-group protection looks at
    hidden: bool = False

    @property
    def shown(self) -> float | int | str | None:
        """Return the value as published: "<5" for a hidden cell."""
        return HIDDEN if self.hidden else self.value


@dataclass
class IndicatorResult:
    indicator: Indicator
    by: tuple[str, ...]
    total: Cell
    cells: list[Cell] = field(default_factory=list)
    note: str = ""  # why there is no value, or no breakdown


def _people(user: User) -> sa.Subquery:
    return (
        learners_visible_to(user)
        .where(User.role == Role.LEARNER)
        .with_only_columns(
            User.id, User.region_id, User.province_id, User.institution_type, User.sex
        )
        .subquery("people")
    )


EVENT_BREAKDOWNS = ("course", "quarter", "year")  # the others are the person's


def _event_dimension(name: str, happened: sa.Subquery) -> sa.ColumnElement:
    columns = {
        "course": lambda: happened.c.course_id,
        "quarter": lambda: events.quarter_of(happened.c.at),
        "year": lambda: events.year_of(happened.c.at),
    }
    return columns[name]().label(name)


def _person_dimension(name: str, people: sa.Subquery) -> sa.ColumnElement:
    return people.c[{"region": "region_id", "province": "province_id"}.get(name, name)]


def _per_person(family: str, happened: sa.Subquery) -> list:
    """What each person's events add up to, before grouping people."""
    count = sa.func.count().label("n")
    if family == "hours":
        return [sa.func.sum(happened.c.hours).label("hours")]
    if family == "gain":
        return [
            count,
            sa.func.sum(happened.c.pre).label("pre"),
            sa.func.sum(happened.c.post).label("post"),
        ]
    return [count]


def _measures(family: str, mine: sa.Subquery, people: sa.Subquery) -> list:
    def total(column: str, label: str) -> sa.ColumnElement:
        return sa.cast(sa.func.sum(mine.c[column]), sa.Integer).label(label)

    person = sa.func.count(sa.distinct(mine.c.user_id)).label("people")
    if family == "trained":
        female = sa.case((people.c.sex == "female", mine.c.user_id))
        return [person, sa.func.count(sa.distinct(female)).label("women")]
    if family == "hours":
        return [person, sa.func.sum(mine.c.hours).label("hours")]
    if family == "gain":
        pre, post = sa.func.sum(mine.c.pre).label("pre"), sa.func.sum(mine.c.post).label("post")
        return [person, total("n", "pairs"), pre, post]
    return [person, total("n", "count")]


def _events(family: str, period: events.Period, now: datetime) -> sa.Select | sa.CompoundSelect:
    if family == "trained":
        percent = current_app.config["RESULTS_ATTENDANCE_PERCENT"]
        return events.people_trained_events(period, percent)
    if family == "completions":
        return events.completed_enrolments(period)
    if family == "certificates":
        return events.valid_certificates(period, now)
    if family == "hours":
        return events.training_hours_events(period)
    return events.prepost_pairs(period)


def _satisfaction(user: User, by: tuple[str, ...], period: events.Period) -> list[dict]:
    """Return the evaluations of the sessions `user` may see, grouped by place, course, time."""
    held = events.evaluations(sessions_manageable_by(user), period).subquery("held")
    dims = {
        "region": held.c.region_id,
        "province": held.c.province_id,
        "course": held.c.course_id,
        "quarter": events.quarter_of(held.c.at),
        "year": events.year_of(held.c.at),
    }
    columns = [dims[name].label(name) for name in by]
    sums = {
        name: sa.cast(sa.func.coalesce(sa.func.sum(held.c[column]), 0), sa.Integer).label(name)
        for name, column in (
            ("people", "respondents"),
            ("answers", "answers"),
            ("satisfied", "satisfied"),
        )
    }
    query = sa.select(*columns, *sums.values())
    if columns:
        query = query.group_by(*columns)
    return [dict(row._mapping) for row in db.session.execute(query)]


def _aggregate(
    family: str, user: User, by: tuple[str, ...], period: events.Period, now: datetime
) -> list[dict]:
    """Return one row of measures per combination of the breakdowns (one SQL statement)."""
    if family == "satisfaction":
        return _satisfaction(user, by, period)
    people = _people(user)
    happened = _events(family, period, now).subquery("events")
    # Each person's events are added up first (per course or period when asked): the join to
    # people and the grouping then read one row per person instead of one per event.
    keys = [_event_dimension(name, happened) for name in by if name in EVENT_BREAKDOWNS]
    mine = (
        sa.select(happened.c.user_id, *keys, *_per_person(family, happened))
        .group_by(happened.c.user_id, *keys)
        .subquery("per_person")
    )
    dims = [
        (mine.c[name] if name in EVENT_BREAKDOWNS else _person_dimension(name, people)).label(name)
        for name in by
    ]
    query = sa.select(*dims, *_measures(family, mine, people)).select_from(
        mine.join(people, people.c.id == mine.c.user_id)
    )
    if dims:
        query = query.group_by(*dims)
    return [dict(row._mapping) for row in db.session.execute(query)]


def _smallest_side(women: int, people: int) -> int:
    sides = [count for count in (women, people - women) if count > 0]
    return min(sides, default=0)


VALUES: dict[str, Callable[[dict], tuple[float | int | None, int]]] = {
    "people_trained": lambda m: (m["people"], m["people"]),
    # A share tells how many women and how many others: the smaller side must be 5 or more.
    "women_share": lambda m: (
        round(100 * m["women"] / m["people"], 1) if m["people"] else None,
        _smallest_side(m["women"], m["people"]),
    ),
    "completions": lambda m: (m["count"], m["people"]),
    "certificates_valid": lambda m: (m["count"], m["people"]),
    "training_hours": lambda m: (round(float(m["hours"] or 0), 1), m["people"]),
    "knowledge_gain": lambda m: (_gain(m), m["people"]),
    "satisfaction": lambda m: (
        round(100 * m["satisfied"] / m["answers"], 1) if m["answers"] else None,
        m["people"],
    ),
}


def _gain(measures: dict) -> float | None:
    pairs = measures["pairs"]
    if not pairs:
        return None
    pre, post = float(measures["pre"]) / pairs, float(measures["post"]) / pairs
    return None if pre >= 100 else round((post - pre) / (100 - pre), 2)


def _cell(indicator_id: str, by: tuple[str, ...], row: dict, labels: Labels) -> Cell:
    value, people = VALUES[indicator_id](row)
    named = [labels.name(name, row[name]) for name in by]
    return Cell(tuple(c for c, _ in named), tuple(n for _, n in named), value, people)


def _protect(result: IndicatorResult) -> IndicatorResult:
    hidden = suppressed_cells({cell.key: cell.people for cell in result.cells}, SMALL_GROUP)
    for cell in result.cells:
        cell.hidden = cell.key in hidden
    result.total.hidden = 0 < result.total.people < SMALL_GROUP
    return result


Computed = dict[tuple[str, tuple[str, ...]], list[dict]]  # (family, breakdowns) -> SQL rows


def results(
    user: User,
    request: ResultsRequest,
    now: datetime | None = None,
    computed: Computed | None = None,
) -> list[IndicatorResult]:
    """Return the requested indicators for what `user` may see, small groups hidden.

    `computed` shares SQL rows between calls for the same user and period (the totals of the
    quarterly report's breakdowns).
    """
    now = now or _utcnow()
    period = period_bounds(ReportFilters(start=request.start, end=request.end))
    labels = load_labels(request.by)
    computed = {} if computed is None else computed

    def rows(family: str, grouping: tuple[str, ...]) -> list[dict]:
        if (family, grouping) not in computed:
            computed[family, grouping] = _aggregate(family, user, grouping, period, now)
        return computed[family, grouping]

    found = []
    for indicator in (BY_ID[i] for i in request.indicators):
        family = FAMILIES[indicator.id]
        total = _cell(indicator.id, (), rows(family, ())[0], labels)
        result = IndicatorResult(indicator, request.by, total)
        if not set(request.by) <= set(indicator.breakdowns):
            result.note = gettext("Not available for this breakdown")
        elif request.by:
            result.cells = sorted(
                (_cell(indicator.id, request.by, row, labels) for row in rows(family, request.by)),
                key=lambda cell: cell.key,
            )
        if total.value is None:
            result.note = result.note or gettext("No data for this period")
        found.append(_protect(result))
    return found


def parse_request(args: Mapping[str, str], indicators: list[str], by: list[str]) -> ResultsRequest:
    """Build a request from URL arguments (from, to; repeated indicator and by).

    Raises ValueError for anything unknown or malformed.
    """
    chosen = tuple(dict.fromkeys(i for i in indicators if i)) or INDICATOR_IDS
    if any(i not in BY_ID for i in chosen):
        raise ValueError("indicator")
    breakdowns = parse_breakdowns(",".join(b for b in by if b))
    dates = {}
    for key in ("from", "to"):
        text = str(args.get(key, "")).strip()
        if text:
            if len(text) != 10:
                raise ValueError(key)
            dates[key] = date.fromisoformat(text)
    start, end = dates.get("from"), dates.get("to")
    if start and end and start > end:
        raise ValueError("to")
    return ResultsRequest(indicators=chosen, by=breakdowns, start=start, end=end)
