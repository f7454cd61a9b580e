"""Registration, the waiting list that moves up by itself, and registering a group.

Every change to a session's places happens with the session row locked (SELECT ... FOR UPDATE
on PostgreSQL; on SQLite the write transaction already holds the database's write lock), so two
people can never take the last place, and (session, person) is unique.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ..audit import record
from ..extensions import db
from ..learning.assignments import matching_learners
from ..learning.prerequisites import missing_prerequisites, quoted_titles
from ..learning.progress import enrol, find_enrolment
from ..models import (
    Assignment,
    Institution,
    Province,
    Role,
    SessionDay,
    SessionRegistration,
    TrainingSession,
    User,
    utcnow,
)
from ..permissions import can_manage_session, can_view_session, learners_visible_to
from .scheduling import SessionError

ACTIVE = ("registered", "waiting")
MAX_GROUP_EMAILS = 500


def _lock(session: TrainingSession) -> None:
    db.session.execute(
        sa.select(TrainingSession.id).where(TrainingSession.id == session.id).with_for_update()
    )


def registration_of(user_id: int, session: TrainingSession) -> SessionRegistration | None:
    return db.session.scalar(
        sa.select(SessionRegistration).where(
            SessionRegistration.session_id == session.id, SessionRegistration.user_id == user_id
        )
    )


def registered_count(session: TrainingSession) -> int:
    return db.session.scalar(  # type: ignore[return-value]  # a count is never NULL
        sa.select(sa.func.count(SessionRegistration.id)).where(
            SessionRegistration.session_id == session.id,
            SessionRegistration.status == "registered",
        )
    )


def _check_open_for_registration(session: TrainingSession) -> None:
    if session.cancelled_at is not None or session.closed_at is not None:
        raise SessionError("session", _("this session is no longer open"))
    first = min(day.starts_at for day in session.days)
    if first <= utcnow():
        raise SessionError("session", _("this session has already started"))


def register(
    user: User, session: TrainingSession, *, by: User | None = None
) -> SessionRegistration:
    """Give `user` a place, or a place on the waiting list; registering twice changes nothing."""
    if user.role != Role.LEARNER or not can_view_session(user, session):
        raise SessionError("session", _("this session is not open to you"), status=404)
    _check_open_for_registration(session)
    _lock(session)
    row = registration_of(user.id, session)
    if row is not None and row.status in ACTIVE:
        return row
    if by is None and find_enrolment(user, session.course_id) is None:
        # A learner registering alone meets the course's prerequisites, as when enrolling; a
        # coordinator's group registration decides for them, as an assignment does.
        version = session.course.current_version
        missing = missing_prerequisites(user, version) if version is not None else []
        if missing:
            titles = quoted_titles(missing, user.preferred_language)
            message = _("first complete the prerequisite courses: %(courses)s", courses=titles)
            raise SessionError("session", message, status=409)
    status = "registered" if registered_count(session) < session.capacity else "waiting"
    if row is None:
        row = SessionRegistration(session_id=session.id, user_id=user.id)
        db.session.add(row)
    row.status, row.requested_at, row.cancelled_at = status, utcnow(), None
    row.registered_by_id = by.id if by is not None else None
    enrol(user, session.course)
    db.session.flush()
    record(
        "session.register",
        actor=by or user,
        target=f"session:{session.id}",
        learner=user.id,
        status=status,
    )
    return row


def unregister(user: User, session: TrainingSession) -> list[int]:
    """Give up `user`'s place or waiting; return the ids of the people who moved up.

    Refused once the session has started: attendance and completion count registered people.
    """
    _check_open_for_registration(session)
    _lock(session)
    row = registration_of(user.id, session)
    if row is None or row.status not in ACTIVE:
        return []
    row.status, row.cancelled_at = "cancelled", utcnow()
    db.session.flush()
    record("session.unregister", actor=user, target=f"session:{session.id}")
    return promote_waiting(session)


def promote_waiting(session: TrainingSession) -> list[int]:
    """Move the first people waiting into free places, in the order they asked; return them."""
    promoted: list[int] = []
    if session.cancelled_at is not None:
        return promoted
    free = session.capacity - registered_count(session)
    if free <= 0:
        return promoted
    waiting = db.session.scalars(
        sa.select(SessionRegistration)
        .where(
            SessionRegistration.session_id == session.id, SessionRegistration.status == "waiting"
        )
        .order_by(SessionRegistration.requested_at, SessionRegistration.id)
        .limit(free)
    ).all()
    for row in waiting:
        row.status = "registered"
        promoted.append(row.user_id)
    db.session.flush()
    return promoted


@dataclass
class GroupCriteria:
    """The same selection as assignments: province, institution, function, or a list of emails."""

    province_id: int | None = None
    institution_id: int | None = None
    job_function: str = ""
    emails: tuple[str, ...] = ()


def group_learner_ids(actor: User, session: TrainingSession, criteria: GroupCriteria) -> list[int]:
    """Return the active learners of the session's region matching `criteria`, in actor's scope."""
    if criteria.emails:
        if len(criteria.emails) > MAX_GROUP_EMAILS:
            raise SessionError(
                "emails",
                ngettext("at most %(num)d address", "at most %(num)d addresses", MAX_GROUP_EMAILS),
            )
        wanted = {email.strip().lower() for email in criteria.emails if email.strip()}
        rows = db.session.execute(
            learners_visible_to(actor)
            .with_only_columns(User.id, User.email)
            .where(User.email.in_(wanted), User.role == Role.LEARNER, User.active.is_(True))
            .where(User.region_id == session.region_id)
        ).all()
        unknown = wanted - {email for _id, email in rows}
        if unknown:
            raise SessionError(
                "emails", _("unknown in this region: %(emails)s", emails=", ".join(sorted(unknown)))
            )
        return sorted(user_id for user_id, _email in rows)
    if criteria.province_id is not None:
        province = db.session.get(Province, criteria.province_id)
        if province is None or province.region_id != session.region_id:
            raise SessionError("province", _("is not in this region"), status=404)
    if (
        criteria.institution_id is not None
        and db.session.get(Institution, criteria.institution_id) is None
    ):
        raise SessionError("institution", _("is unknown"), status=404)
    # The assignments' own selection, applied to a selection that is never saved.
    selection = Assignment(
        created_by=actor,
        region_id=session.region_id,
        province_id=criteria.province_id,
        institution_id=criteria.institution_id,
        job_function=criteria.job_function.strip(),
        chosen_learners=False,
    )
    ids = list(db.session.scalars(matching_learners(selection).order_by(User.id)))
    return ids


def register_group(
    actor: User, session: TrainingSession, criteria: GroupCriteria
) -> dict[str, list[int]]:
    """Register the matching learners (the waiting list takes the rest); return who got what."""
    if actor.role not in (Role.COORDINATOR, Role.ADMIN) or not can_manage_session(actor, session):
        raise SessionError("session", _("is not within your region"), status=404)
    outcome: dict[str, list[int]] = {"registered": [], "waiting": []}
    wanted = group_learner_ids(actor, session, criteria)
    people = db.session.scalars(sa.select(User).where(User.id.in_(wanted)).order_by(User.id))
    for user in people.all():
        outcome[register(user, session, by=actor).status].append(user.id)
    return outcome


def sessions_of(user: User) -> sa.Select:
    """Return a select of (session, status) for the sessions `user` registered in or waits for."""
    return (
        sa.select(TrainingSession, SessionRegistration.status)
        .join(SessionRegistration, SessionRegistration.session_id == TrainingSession.id)
        .where(SessionRegistration.user_id == user.id, SessionRegistration.status.in_(ACTIVE))
    )


def roster(session: TrainingSession) -> list[SessionRegistration]:
    """Return the registered people, by name, then those waiting, in order."""
    return list(
        db.session.scalars(
            sa.select(SessionRegistration)
            .join(User, User.id == SessionRegistration.user_id)
            .where(
                SessionRegistration.session_id == session.id, SessionRegistration.status.in_(ACTIVE)
            )
            .order_by(
                SessionRegistration.status,
                sa.case(
                    (SessionRegistration.status == "waiting", SessionRegistration.requested_at)
                ),
                User.name_latin,
            )
        )
    )


def first_day(session: TrainingSession) -> SessionDay:
    return min(session.days, key=lambda day: day.starts_at)
