"""Assignments: a course given to a group of learners with a due date, now and to newcomers.

A coordinator may move the due date or cancel an assignment in their scope; cancelling keeps
every enrolment and its progress but takes away the due date the assignment gave.

Matching learners are enrolled (or given the due date) in two set-based statements, whatever
their number. A regional coordinator's assignment always carries their region, and learners are
always drawn through `learners_visible_to(creator)`, so nobody outside their scope is reached.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite

from ..audit import record
from ..extensions import db
from ..models import (
    Assignment,
    Course,
    Enrolment,
    Institution,
    Province,
    Role,
    User,
    UTCDateTime,
    assignment_learner,
    utcnow,
)
from ..permissions import can_view_assignment, can_view_learner, is_national, learners_visible_to
from ..reports.counters import counting
from ..reports.filters import FilterError, parse_filters

MAX_CHOSEN = 500


class AssignmentError(ValueError):
    """A value that cannot be accepted; status 404 when it points outside the creator's scope."""

    def __init__(self, field_name: str, message: str, status: int = 400) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field, self.message, self.status = field_name, message, status


TARGET_KEYS = ("course", "region", "province", "institution", "job_function")


@dataclass
class AssignmentTarget:
    course_id: str
    due_on: date
    region_id: int | None = None
    province_id: int | None = None
    institution_id: int | None = None
    job_function: str = ""
    learner_ids: tuple[int, ...] = ()


def target_in_scope(
    user: User, place: Mapping[str, str], learners: str, due_on: date
) -> AssignmentTarget:
    """Read an assignment's target as chosen in a form, checked against `user`'s scope as the
    report filters are: FilterError for a malformed (400) or out-of-scope (404) place,
    AssignmentError naming the addresses of learners outside the scope."""
    chosen = parse_filters(user, {key: place.get(key) or "" for key in TARGET_KEYS})
    if not chosen.course_id:
        raise FilterError(400, "course")
    emails = sorted({line.strip().lower() for line in learners.split() if line})
    ids: list[int] = []
    if emails:
        found = dict(
            db.session.execute(
                learners_visible_to(user)
                .where(User.email.in_(emails), User.role == Role.LEARNER)
                .with_only_columns(User.email, User.id)
            ).all()
        )
        missing = [e for e in emails if e not in found]
        if missing:
            raise AssignmentError(
                "learners",
                _(
                    "no learner in your scope has these addresses: %(emails)s",
                    emails=", ".join(missing),
                ),
            )
        ids = list(found.values())
    return AssignmentTarget(
        course_id=chosen.course_id,
        due_on=due_on,
        region_id=chosen.region_id,
        province_id=chosen.province_id if isinstance(chosen.province_id, int) else None,
        institution_id=chosen.institution_id if isinstance(chosen.institution_id, int) else None,
        job_function=chosen.job_function or "",
        learner_ids=tuple(ids),
    )


def end_of_day(day: date) -> datetime:
    """Return the last second of `day` in the programme's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def _local_today() -> date:
    return utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _out_of_scope(field_name: str) -> AssignmentError:
    return AssignmentError(field_name, _("is not within your region"), status=404)


def _check_place(creator: User, target: AssignmentTarget) -> None:
    """Pin the region to the creator's and check the province and institution exist in scope."""
    if not is_national(creator):
        if target.region_id not in (None, creator.region_id):
            raise _out_of_scope("region")
        target.region_id = creator.region_id
    if target.province_id is not None:
        province = db.session.get(Province, target.province_id)
        if province is None or (target.region_id not in (None, province.region_id)):
            raise _out_of_scope("province")
        target.region_id = province.region_id
    if (
        target.institution_id is not None
        and db.session.get(Institution, target.institution_id) is None
    ):
        raise AssignmentError("institution", _("is unknown"), status=404)


def _check_learners(creator: User, learner_ids: tuple[int, ...]) -> None:
    if len(learner_ids) > MAX_CHOSEN:
        raise AssignmentError(
            "learners",
            ngettext(
                "choose at most %(num)d learner", "choose at most %(num)d learners", MAX_CHOSEN
            ),
        )
    visible = learners_visible_to(creator).where(
        User.id.in_(learner_ids), User.role == Role.LEARNER
    )
    found = db.session.scalar(sa.select(sa.func.count()).select_from(visible.subquery()))
    if found != len(set(learner_ids)):
        raise _out_of_scope("learners")


def create_assignment(
    creator: User, target: AssignmentTarget, *, ip: str = ""
) -> tuple[Assignment, int]:
    """Check `target`, add the assignment and enrol the matching learners; return both."""
    course = db.session.get(Course, target.course_id)
    if course is None or course.current_version_id is None or course.archived:
        raise AssignmentError("course", _("choose a published course"))
    if target.due_on < _local_today():
        raise AssignmentError("due_on", _("must be today or later"))
    _check_place(creator, target)
    if target.learner_ids:
        _check_learners(creator, target.learner_ids)
    assignment = Assignment(
        course_id=course.id,
        due_at=end_of_day(target.due_on),
        region_id=target.region_id,
        province_id=target.province_id,
        institution_id=target.institution_id,
        job_function=target.job_function.strip(),
        chosen_learners=bool(target.learner_ids),
        created_by_id=creator.id,
    )
    db.session.add(assignment)
    db.session.flush()
    if target.learner_ids:
        db.session.execute(
            sa.insert(assignment_learner),
            [
                {"assignment_id": assignment.id, "user_id": i}
                for i in sorted(set(target.learner_ids))
            ],
        )
    count = apply_assignment(assignment)
    record(
        "assignment_created",
        actor=creator,
        target=f"assignment:{assignment.id}",
        ip=ip,
        course=course.id,
        due_at=assignment.due_at.isoformat(),
        learners=count,
    )
    return assignment, count


def matching_learners(assignment: Assignment) -> sa.Select:
    """Return a select of the ids of the active learners `assignment` is for."""
    base = learners_visible_to(assignment.created_by) if assignment.created_by else sa.select(User)
    query = base.with_only_columns(User.id).where(User.role == Role.LEARNER, User.active.is_(True))
    if assignment.chosen_learners:
        chosen = sa.select(assignment_learner.c.user_id).where(
            assignment_learner.c.assignment_id == assignment.id
        )
        return query.where(User.id.in_(chosen))
    for column, value in (
        (User.region_id, assignment.region_id),
        (User.province_id, assignment.province_id),
        (User.institution_id, assignment.institution_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if assignment.job_function:
        query = query.where(User.job_function == assignment.job_function)
    return query


def apply_assignment(assignment: Assignment, only_user_id: int | None = None) -> int:
    """Enrol the matching learners, or give them the due date; return how many now carry it.

    An enrolment that already has an earlier due date keeps it.
    """
    matching = matching_learners(assignment)
    if only_user_id is not None:
        matching = matching.where(User.id == only_user_id)
    # The dashboard's counters change in this transaction, for the matching learners only.
    with counting(db.session.scalars(matching).all()):
        _enrol_matching(assignment, matching)
    carrying = sa.select(sa.func.count(Enrolment.id)).where(
        Enrolment.assignment_id == assignment.id
    )
    if only_user_id is not None:
        carrying = carrying.where(Enrolment.user_id == only_user_id)
    return db.session.scalar(carrying) or 0


def _enrol_matching(assignment: Assignment, matching: sa.Select) -> None:
    """Give the due date to the matching enrolments (unless earlier) and enrol the others."""
    values = {
        "due_at": assignment.due_at,
        "assigned_by_id": assignment.created_by_id,
        "assignment_id": assignment.id,
    }
    db.session.execute(
        sa.update(Enrolment)
        .where(
            Enrolment.course_id == assignment.course_id,
            Enrolment.user_id.in_(matching),
            sa.or_(Enrolment.due_at.is_(None), Enrolment.due_at > assignment.due_at),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    existing = Enrolment.__table__.alias("existing")
    rows = matching.add_columns(
        sa.literal(assignment.course_id, sa.String),
        sa.literal(utcnow(), UTCDateTime),
        sa.literal(assignment.due_at, UTCDateTime),
        sa.literal(assignment.created_by_id, sa.Integer),
        sa.literal(assignment.id, sa.Integer),
    ).where(
        ~sa.exists().where(
            existing.c.user_id == User.id, existing.c.course_id == assignment.course_id
        )
    )
    insert = _insert_ignoring_duplicates().from_select(
        ["user_id", "course_id", "enrolled_at", "due_at", "assigned_by_id", "assignment_id"], rows
    )
    db.session.execute(insert)
    # Counted by the caller: drivers do not all report rowcount for INSERT ... SELECT.


def _insert_ignoring_duplicates():
    """An INSERT that skips a learner who enrolled in the same instant (unique user+course)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(Enrolment).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(Enrolment).on_conflict_do_nothing()
    return sa.insert(Enrolment)


def apply_open_assignments(learner: User) -> int:
    """Give a new or changed learner the open group assignments they now match."""
    if learner.role != Role.LEARNER or not learner.active:
        return 0
    db.session.flush()  # a changed province or institution must be in its *_id column first
    query = sa.select(Assignment).where(
        Assignment.chosen_learners.is_(False),
        Assignment.cancelled_at.is_(None),
        Assignment.due_at >= utcnow(),
        sa.or_(Assignment.region_id.is_(None), Assignment.region_id == learner.region_id),
        sa.or_(Assignment.province_id.is_(None), Assignment.province_id == learner.province_id),
        sa.or_(
            Assignment.institution_id.is_(None),
            Assignment.institution_id == learner.institution_id,
        ),
        sa.or_(Assignment.job_function == "", Assignment.job_function == learner.job_function),
    )
    changed = 0
    for assignment in db.session.scalars(query.order_by(Assignment.due_at)):
        if assignment.created_by is None or can_view_learner(assignment.created_by, learner):
            changed += apply_assignment(assignment, only_user_id=learner.id)
    return changed


def _check_scope(actor: User, assignment: Assignment) -> None:
    if not can_view_assignment(actor, assignment):
        raise AssignmentError("assignment", _("is not within your region"), status=404)


def _owned_enrolments(assignment: Assignment) -> sa.Update:
    return (
        sa.update(Enrolment)
        .where(Enrolment.assignment_id == assignment.id)
        .execution_options(synchronize_session=False)
    )


def _carriers(assignment: Assignment) -> list[int]:
    """Return the learners whose enrolments carry `assignment` (their counters will move)."""
    return list(
        db.session.scalars(
            sa.select(Enrolment.user_id).where(Enrolment.assignment_id == assignment.id)
        )
    )


def _reapply_others(assignment: Assignment) -> None:
    """Let the course's other open assignments give back an earlier due date they lost."""
    others = sa.select(Assignment).where(
        Assignment.course_id == assignment.course_id,
        Assignment.id != assignment.id,
        Assignment.cancelled_at.is_(None),
        Assignment.due_at >= utcnow(),
    )
    for other in db.session.scalars(others.order_by(Assignment.due_at)):
        apply_assignment(other)


def change_due_date(actor: User, assignment: Assignment, due_on: date, *, ip: str = "") -> int:
    """Move the due date of `assignment` and its enrolments; return how many now carry it."""
    _check_scope(actor, assignment)
    if assignment.cancelled_at is not None:
        raise AssignmentError("due_on", _("this assignment is cancelled"))
    if due_on < _local_today():
        raise AssignmentError("due_on", _("must be today or later"))
    previous = assignment.due_at
    assignment.due_at = end_of_day(due_on)
    db.session.flush()
    with counting(_carriers(assignment)):
        db.session.execute(_owned_enrolments(assignment).values(due_at=assignment.due_at))
        # A later date gives way to an earlier one from another assignment, as when assigning.
        _reapply_others(assignment)
    count = apply_assignment(assignment)
    record(
        "assignment_due_date_changed",
        actor=actor,
        target=f"assignment:{assignment.id}",
        ip=ip,
        previous=previous.isoformat(),
        due_at=assignment.due_at.isoformat(),
        learners=count,
    )
    return count


def cancel_assignment(actor: User, assignment: Assignment, *, ip: str = "") -> int:
    """Cancel `assignment`, keeping its enrolments without the due date; return how many."""
    _check_scope(actor, assignment)
    if assignment.cancelled_at is not None:
        return 0
    assignment.cancelled_at = utcnow()
    assignment.cancelled_by_id = actor.id
    db.session.flush()
    with counting(_carriers(assignment)):
        released = db.session.execute(
            _owned_enrolments(assignment).values(
                due_at=None, assigned_by_id=None, assignment_id=None
            )
        ).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        _reapply_others(assignment)
    record(
        "assignment_cancelled",
        actor=actor,
        target=f"assignment:{assignment.id}",
        ip=ip,
        released=released,
    )
    return released
