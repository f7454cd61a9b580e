"""Session reports: attendance rate, knowledge gain and satisfaction, per session or grouped by
region and province. SQL aggregates over the sessions the viewer may manage; the page, the CSV
and the XLSX come from the same rows.

Gain per learner is post - pre; a session shows the average of its learners' gains and Hake's
normalised gain computed on the group's averages, (avg post - avg pre) / (100 - avg pre), over
the learners who took both tests. Satisfaction is the mean of Likert answers (1 to 5), shown only
from MIN_ANSWERS evaluations.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..learning.completion import POST_TEST, PRE_TEST, normalised_gain
from ..models import (
    Course,
    Module,
    Province,
    QuizAttempt,
    Region,
    SessionAttendance,
    SessionDay,
    SessionRegistration,
    SurveyAnswer,
    SurveyResponse,
    TrainingSession,
    User,
)
from ..permissions import sessions_manageable_by
from ..reports.tables import Column, Table
from .evaluation import MIN_ANSWERS

MEASURES = (
    Column("registered", _l("Registered"), "count"),
    Column("attendance_rate", _l("Attendance rate (%)"), "rate"),
    Column("pre", _l("Pre-test average (%)"), "score"),
    Column("post", _l("Post-test average (%)"), "score"),
    Column("gain", _l("Average gain (points)"), "score"),
    Column("normalised_gain", _l("Normalised gain"), "ratio"),
    Column("satisfaction", _l("Satisfaction (1-5)"), "ratio"),
    Column("evaluations", _l("Evaluations"), "count"),
)
SESSION_COLUMNS = (
    Column("id", _l("Session"), "count"),
    Column("title", _l("Title")),
    Column("course", _l("Course")),
    Column("region", _l("Region")),
    Column("province", _l("Province or prefecture")),
    Column("first_day", _l("First day"), "date"),
    *MEASURES,
)


def _role_keys() -> dict[str, list[tuple[str, str]]]:
    """Return the (course id, module key) of every current pre-test and post-test."""
    rows = db.session.execute(
        sa.select(Course.id, Module.key, Module.quiz_settings)
        .join(Module, Module.version_id == Course.current_version_id)
        .where(Module.quiz_settings.is_not(None))
    )
    keys: dict[str, list[tuple[str, str]]] = {PRE_TEST: [], POST_TEST: []}
    for course_id, key, settings in rows:
        role = (settings or {}).get("role")
        if role in keys:
            keys[role].append((course_id, key))
    return keys


def _is_one_of(pairs: list[tuple[str, str]]) -> sa.ColumnElement[bool]:
    if not pairs:
        return sa.false()
    return sa.or_(
        *(sa.and_(QuizAttempt.course_id == c, QuizAttempt.module_key == k) for c, k in pairs)
    )


def _learner_scores() -> sa.Subquery:
    """One row per registered learner and session: best pre-test and post-test result."""
    keys = _role_keys()
    return (
        sa.select(
            SessionRegistration.session_id,
            SessionRegistration.user_id,
            sa.func.max(sa.case((_is_one_of(keys[PRE_TEST]), QuizAttempt.percent))).label("pre"),
            sa.func.max(sa.case((_is_one_of(keys[POST_TEST]), QuizAttempt.percent))).label("post"),
        )
        .join(TrainingSession, TrainingSession.id == SessionRegistration.session_id)
        .join(
            QuizAttempt,
            sa.and_(
                QuizAttempt.user_id == SessionRegistration.user_id,
                QuizAttempt.course_id == TrainingSession.course_id,
                QuizAttempt.submitted_at.is_not(None),
            ),
        )
        .where(SessionRegistration.status == "registered")
        .group_by(SessionRegistration.session_id, SessionRegistration.user_id)
        .subquery()
    )


def per_session_parts() -> dict[str, sa.Subquery]:
    """Return the per-session subqueries the report rows join: one row per session each."""
    registered = (
        sa.select(SessionRegistration.session_id, sa.func.count().label("registered"))
        .where(SessionRegistration.status == "registered")
        .group_by(SessionRegistration.session_id)
        .subquery()
    )
    days = (
        sa.select(
            SessionDay.session_id,
            sa.func.count().label("days"),
            sa.func.min(SessionDay.starts_at).label("first_day"),
        )
        .group_by(SessionDay.session_id)
        .subquery()
    )
    present = (
        sa.select(SessionDay.session_id, sa.func.count().label("present"))
        .join(SessionAttendance, SessionAttendance.day_id == SessionDay.id)
        .join(
            SessionRegistration,
            sa.and_(
                SessionRegistration.session_id == SessionDay.session_id,
                SessionRegistration.user_id == SessionAttendance.user_id,
                SessionRegistration.status == "registered",
            ),
        )
        .where(SessionAttendance.status == "present")
        .group_by(SessionDay.session_id)
        .subquery()
    )
    scores = _learner_scores()
    both = sa.and_(scores.c.pre.is_not(None), scores.c.post.is_not(None))
    gains = (
        sa.select(
            scores.c.session_id,
            sa.func.avg(sa.case((both, scores.c.pre))).label("pre"),
            sa.func.avg(sa.case((both, scores.c.post))).label("post"),
            sa.func.avg(sa.case((both, scores.c.post - scores.c.pre))).label("gain"),
            sa.func.count(sa.case((both, 1))).label("tested"),
        )
        .group_by(scores.c.session_id)
        .subquery()
    )
    likert = (
        sa.select(
            SurveyAnswer.session_id,
            sa.func.sum(SurveyAnswer.number).label("points"),
            sa.func.count(SurveyAnswer.number).label("answers"),
        )
        .group_by(SurveyAnswer.session_id)
        .subquery()
    )
    responses = (
        sa.select(SurveyResponse.session_id, sa.func.count().label("evaluations"))
        .group_by(SurveyResponse.session_id)
        .subquery()
    )
    return {
        "registered": registered,
        "days": days,
        "present": present,
        "gains": gains,
        "likert": likert,
        "responses": responses,
    }


def joined_parts(query: sa.Select, parts: dict[str, sa.Subquery]) -> sa.Select:
    """Outer-join every per-session part to `query`, which selects from TrainingSession."""
    for part in parts.values():
        query = query.outerjoin(part, part.c.session_id == TrainingSession.id)
    return query


def finished(row: dict) -> dict:
    """Turn sums into rates and averages; hide satisfaction below MIN_ANSWERS evaluations."""
    expected = (row.pop("expected") or 0) or None
    row["attendance_rate"] = 100 * (row.pop("present_sum") or 0) / expected if expected else None
    points, answers = row.pop("points") or 0, row.pop("answers") or 0
    enough = (row.get("evaluations") or 0) >= MIN_ANSWERS and answers
    row["satisfaction"] = points / answers if enough else None
    row["normalised_gain"] = normalised_gain(row.get("pre"), row.get("post"))
    for key in ("pre", "post", "gain"):
        row[key] = float(row[key]) if row.get(key) is not None else None
    return row


def session_rows(
    user: User,
    region_id: int | None = None,
    province_id: int | None = None,
    *,
    without_province: bool = False,
    language: str = "fr",
) -> list[dict]:
    """Return one row per session `user` may manage (optionally in one region or province, or
    only those planned for a whole region, without a province), places named in `language`."""
    parts = per_session_parts()
    reg, days, present, gains = parts["registered"], parts["days"], parts["present"], parts["gains"]
    likert, responses = parts["likert"], parts["responses"]
    visible = sessions_manageable_by(user).with_only_columns(TrainingSession.id)
    query = (
        sa.select(
            TrainingSession.id.label("id"),
            TrainingSession.title.label("title"),
            TrainingSession.course_id.label("course"),
            place_name(Region, language).label("region"),
            place_name(Province, language).label("province"),
            days.c.first_day.label("first_day"),
            sa.func.coalesce(reg.c.registered, 0).label("registered"),
            (reg.c.registered * days.c.days).label("expected"),
            present.c.present.label("present_sum"),
            gains.c.pre.label("pre"),
            gains.c.post.label("post"),
            gains.c.gain.label("gain"),
            likert.c.points.label("points"),
            likert.c.answers.label("answers"),
            sa.func.coalesce(responses.c.evaluations, 0).label("evaluations"),
        )
        .select_from(TrainingSession)
        .join(Region, Region.id == TrainingSession.region_id)
        .outerjoin(Province, Province.id == TrainingSession.province_id)
        .where(TrainingSession.id.in_(visible), TrainingSession.cancelled_at.is_(None))
    )
    query = joined_parts(query, parts)
    if region_id is not None:
        query = query.where(TrainingSession.region_id == region_id)
    if province_id is not None:
        query = query.where(TrainingSession.province_id == province_id)
    if without_province:
        query = query.where(TrainingSession.province_id.is_(None))
    query = query.order_by(days.c.first_day.desc(), TrainingSession.id.desc())
    return [finished(dict(row._mapping)) for row in db.session.execute(query)]


def place_name(model: type[Region] | type[Province], language: str) -> sa.ColumnElement[str]:
    """The name column of a region or province in the reader's language (Arabic or French)."""
    column = model.name_ar if language == "ar" else model.name_fr
    return column.expression


def session_table(
    user: User,
    region_id: int | None = None,
    province_id: int | None = None,
    *,
    without_province: bool = False,
    language: str = "fr",
) -> Table:
    rows = session_rows(
        user, region_id, province_id, without_province=without_province, language=language
    )
    return Table("sessions", SESSION_COLUMNS, rows)


def session_summary(session: TrainingSession) -> dict:
    """Return the measures of one session (its row of the report)."""
    parts = per_session_parts()
    reg, days, present, gains = parts["registered"], parts["days"], parts["present"], parts["gains"]
    likert, responses = parts["likert"], parts["responses"]
    query = joined_parts(
        sa.select(
            sa.func.coalesce(reg.c.registered, 0).label("registered"),
            (reg.c.registered * days.c.days).label("expected"),
            present.c.present.label("present_sum"),
            gains.c.pre.label("pre"),
            gains.c.post.label("post"),
            gains.c.gain.label("gain"),
            gains.c.tested.label("tested"),
            likert.c.points.label("points"),
            likert.c.answers.label("answers"),
            sa.func.coalesce(responses.c.evaluations, 0).label("evaluations"),
        )
        .select_from(TrainingSession)
        .where(TrainingSession.id == session.id),
        parts,
    )
    return finished(dict(db.session.execute(query).one()._mapping))


LEARNER_COLUMNS = (
    Column("name_latin", _l("Name (Latin script)")),
    Column("name_arabic", _l("Name (Arabic script)")),
    Column("email", _l("Email")),
    Column("days_present", _l("Days present"), "count"),
    Column("attendance_rate", _l("Attendance rate (%)"), "rate"),
    Column("pre", _l("Pre-test (%)"), "score"),
    Column("post", _l("Post-test (%)"), "score"),
    Column("gain", _l("Gain (points)"), "score"),
)


def learner_rows(session: TrainingSession) -> list[dict]:
    """Return each registered learner's attendance and knowledge gain (post - pre)."""
    scores = _learner_scores()
    days = db.session.scalar(
        sa.select(sa.func.count(SessionDay.id)).where(SessionDay.session_id == session.id)
    )
    present = (
        sa.select(SessionAttendance.user_id, sa.func.count().label("days_present"))
        .join(SessionDay, SessionDay.id == SessionAttendance.day_id)
        .where(SessionDay.session_id == session.id, SessionAttendance.status == "present")
        .group_by(SessionAttendance.user_id)
        .subquery()
    )
    query = (
        sa.select(
            User.name_latin,
            User.name_arabic,
            User.email,
            sa.func.coalesce(present.c.days_present, 0).label("days_present"),
            scores.c.pre,
            scores.c.post,
        )
        .select_from(SessionRegistration)
        .join(User, User.id == SessionRegistration.user_id)
        .outerjoin(present, present.c.user_id == User.id)
        .outerjoin(
            scores,
            sa.and_(scores.c.user_id == User.id, scores.c.session_id == session.id),
        )
        .where(
            SessionRegistration.session_id == session.id,
            SessionRegistration.status == "registered",
        )
        .order_by(User.name_latin, User.id)
    )
    rows = []
    for row in db.session.execute(query):
        item = dict(row._mapping)
        item["attendance_rate"] = 100 * item["days_present"] / days if days else None
        both = item["pre"] is not None and item["post"] is not None
        item["gain"] = item["post"] - item["pre"] if both else None
        rows.append(item)
    return rows


def learner_table(session: TrainingSession) -> Table:
    return Table(f"session-{session.id}", LEARNER_COLUMNS, learner_rows(session))
