"""Session reports grouped by region and by province, for coordinators, with drill-down.

The figures are SQL sums over the sessions the viewer may manage. Satisfaction follows the
evaluations' small-group rule twice: a group shows it only from MIN_ANSWERS evaluations, and a
group that would let someone subtract their way to a hidden session's (or province's) result is
hidden too (`reports.suppression.suppressed_in_tree`), the same way on every page and export.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Province, Region, SurveyResponse, TrainingSession, User
from ..permissions import sessions_manageable_by
from ..reports.suppression import Key, suppressed_in_tree
from ..reports.tables import Column, Table
from .evaluation import MIN_ANSWERS
from .reports import MEASURES, finished, joined_parts, per_session_parts, place_name

GROUPS = ("region", "province")
NO_PROVINCE = "none"  # the drill-down code of a region's sessions planned without a province


def _visible_sessions(user: User) -> sa.Select:
    return sessions_manageable_by(user).with_only_columns(TrainingSession.id)


def hidden_satisfaction(user: User) -> set[Key]:
    """Return the (region,) and (region, province) groups whose satisfaction must not show.

    Computed over every session `user` sees, not only the page's, so that no two pages or
    exports hide different cells of the same hierarchy.
    """
    answered = (
        sa.select(
            Region.code,
            Province.code,
            TrainingSession.id,
            sa.func.count(SurveyResponse.id),
        )
        .select_from(TrainingSession)
        .join(Region, Region.id == TrainingSession.region_id)
        .outerjoin(Province, Province.id == TrainingSession.province_id)
        .outerjoin(SurveyResponse, SurveyResponse.session_id == TrainingSession.id)
        .where(
            TrainingSession.id.in_(_visible_sessions(user)),
            TrainingSession.cancelled_at.is_(None),
        )
        .group_by(Region.code, Province.code, TrainingSession.id)
    )
    rows = db.session.execute(answered)
    people: dict[tuple, int] = {
        (region, province, session): count for region, province, session, count in rows
    }
    return suppressed_in_tree(people, MIN_ANSWERS)


def group_rows(
    user: User, by: str, region_id: int | None = None, language: str = "fr"
) -> list[dict]:
    """Return the measures summed over the sessions of each region (or province of a region).

    A province row carries its region's code, so that it drills down to its own sessions; the
    sessions planned for a whole region make a row of their own, without a province code.
    """
    parts = per_session_parts()
    reg, days, present, gains = parts["registered"], parts["days"], parts["present"], parts["gains"]
    likert, responses = parts["likert"], parts["responses"]
    region_name = place_name(Region, language)
    if by == "province":
        key, name = Province.code, place_name(Province, language)
    else:
        key, name = Region.code, region_name
    grouping = (Region.code, region_name, key, name)
    query = (
        sa.select(
            Region.code.label("region_key"),
            region_name.label("region"),
            key.label("key"),
            name.label("name"),
            sa.func.count(TrainingSession.id).label("sessions"),
            sa.func.coalesce(sa.func.sum(reg.c.registered), 0).label("registered"),
            sa.func.sum(reg.c.registered * days.c.days).label("expected"),
            sa.func.sum(present.c.present).label("present_sum"),
            _weighted(gains.c.pre, gains.c.tested).label("pre"),
            _weighted(gains.c.post, gains.c.tested).label("post"),
            _weighted(gains.c.gain, gains.c.tested).label("gain"),
            sa.func.sum(likert.c.points).label("points"),
            sa.func.sum(likert.c.answers).label("answers"),
            sa.func.coalesce(sa.func.sum(responses.c.evaluations), 0).label("evaluations"),
        )
        .select_from(TrainingSession)
        .join(Region, Region.id == TrainingSession.region_id)
        .outerjoin(Province, Province.id == TrainingSession.province_id)
        .where(
            TrainingSession.id.in_(_visible_sessions(user)),
            TrainingSession.cancelled_at.is_(None),
        )
    )
    query = joined_parts(query, parts)
    if region_id is not None:
        query = query.where(TrainingSession.region_id == region_id)
    query = query.group_by(*grouping).order_by(region_name, key.is_(None), name)
    hidden = hidden_satisfaction(user)
    rows = []
    for row in db.session.execute(query):
        item = finished(dict(row._mapping))
        path = (item["region_key"],) if by == "region" else (item["region_key"], item["key"])
        if item["key"] is None:
            item["name"] = gettext("Whole region")
        if path in hidden:
            item["satisfaction"] = None
        rows.append(item)
    return rows


def _weighted(average: sa.ColumnElement, weight: sa.ColumnElement) -> sa.ColumnElement:
    """The average of per-session averages, weighted by how many learners each one covers."""
    return sa.func.sum(average * weight) / sa.func.sum(weight)


def group_table(user: User, by: str, region_id: int | None = None, language: str = "fr") -> Table:
    if by == "province":
        names: tuple[Column, ...] = (
            Column("region", _l("Region")),
            Column("name", _l("Province or prefecture")),
        )
    else:
        names = (Column("name", _l("Region")),)
    columns = (*names, Column("sessions", _l("Sessions"), "count"), *MEASURES)
    return Table(f"sessions-by-{by}", columns, group_rows(user, by, region_id, language))
