"""Create, change, cancel and close sessions; days are read and shown in Africa/Casablanca.

Every change that calendars must show raises the session's iCalendar SEQUENCE. Days keep their
rows (and so their calendar UID) when a session is moved. Domain functions only flush.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import (
    Course,
    Province,
    Region,
    Role,
    SessionAttendance,
    SessionDay,
    SessionRegistration,
    TrainingSession,
    User,
    utcnow,
)
from ..permissions import can_create_session, can_manage_session, sessions_visible_to

ZONE = ZoneInfo("Africa/Casablanca")
MODES = ("in_person", "online")
MAX_DAYS = 30
MAX_CAPACITY = 1000
DAY_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{1,2}:\d{2})/(\d{1,2}:\d{2})$")
TEXT_LIMITS = {"title": 200, "place": 200, "address": 300, "meeting_link": 500}


class SessionError(ValueError):
    """A value or action refused; `status` 404 when it points outside the actor's scope."""

    def __init__(self, field_name: str, message: str, status: int = 400) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field, self.message, self.status = field_name, message, status


@dataclass
class SessionPlan:
    """What a session is: everything a form or the command line gives."""

    course_id: str
    region_id: int | None
    title: str
    days: list[tuple[datetime, datetime]]
    province_id: int | None = None
    mode: str = "in_person"
    place: str = ""
    address: str = ""
    meeting_link: str = ""
    capacity: int = 30
    modules: list[str] = field(default_factory=list)
    trainer_ids: list[int] = field(default_factory=list)


def parse_day(text: str) -> tuple[datetime, datetime]:
    """Read 2027-01-12T09:00/12:30 (Casablanca time) as a start and end in UTC."""
    match = DAY_PATTERN.match((text or "").strip())
    if not match:
        raise SessionError("day", _("write a day as 2027-01-12T09:00/12:30"))
    try:
        day = date.fromisoformat(match.group(1))
        start, end = (time.fromisoformat(part.zfill(5)) for part in match.group(2, 3))
    except ValueError:
        raise SessionError("day", _("this date or time does not exist")) from None
    return local_to_utc(day, start), local_to_utc(day, end)


def local_to_utc(day: date, moment: time) -> datetime:
    """Return the UTC instant of a wall-clock time in Casablanca."""
    return datetime.combine(day, moment, tzinfo=ZONE).astimezone(ZoneInfo("UTC"))


def local(moment: datetime) -> datetime:
    """Return `moment` in Casablanca time."""
    return moment.astimezone(ZONE)


def day_text(day: SessionDay) -> str:
    """Return a day as the command line writes it: 2027-01-12T09:00/12:30."""
    start, end = local(day.starts_at), local(day.ends_at)
    return f"{start:%Y-%m-%dT%H:%M}/{end:%H:%M}"


def _check_plan(actor: User | None, plan: SessionPlan) -> Course:
    course = db.session.get(Course, plan.course_id) if plan.course_id else None
    if course is None or course.current_version_id is None or course.archived:
        raise SessionError("course", _("choose a published course"))
    if plan.region_id is None or db.session.get(Region, plan.region_id) is None:
        raise SessionError("region", _("choose a region"))
    if actor is not None and not can_create_session(actor, course, plan.region_id):
        raise SessionError("region", _("is not within your region"), status=404)
    if plan.province_id is not None:
        province = db.session.get(Province, plan.province_id)
        if province is None or province.region_id != plan.region_id:
            raise SessionError("province", _("is not in this region"))
    _check_texts(plan)
    _check_days(plan.days)
    if plan.mode not in MODES:
        raise SessionError("mode", _("choose in person or online"))
    if plan.mode == "online" and not plan.meeting_link.startswith(("https://", "http://")):
        raise SessionError("meeting_link", _("give the meeting link (https://...)"))
    if not 1 <= plan.capacity <= MAX_CAPACITY:
        raise SessionError("capacity", _("must be between 1 and %(max)d", max=MAX_CAPACITY))
    version = course.current_version
    keys = {m.key for m in version.modules} if version is not None else set()
    if any(key not in keys for key in plan.modules):
        raise SessionError("modules", _("choose modules of this course"))
    _check_trainers(plan.trainer_ids)
    return course


def _check_texts(plan: SessionPlan) -> None:
    plan.title = " ".join(plan.title.split())
    if not plan.title:
        raise SessionError("title", _("give the session a title"))
    for name, limit in TEXT_LIMITS.items():
        value = getattr(plan, name)
        if "\x00" in value or len(value) > limit:
            raise SessionError(
                name, ngettext("at most %(num)d character", "at most %(num)d characters", limit)
            )
        setattr(plan, name, value.strip())


def _check_days(days: list[tuple[datetime, datetime]]) -> None:
    if not days or len(days) > MAX_DAYS:
        raise SessionError(
            "day",
            ngettext("give between 1 and %(num)d day", "give between 1 and %(num)d days", MAX_DAYS),
        )
    for start, end in days:
        if end <= start:
            raise SessionError("day", _("a day must end after it starts"))
    ordered = sorted(days)
    for (_start, end), (next_start, _end) in itertools.pairwise(ordered):
        if next_start < end:
            raise SessionError("day", _("two days overlap"))


def _check_trainers(trainer_ids: list[int]) -> None:
    if not trainer_ids:
        return
    found = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.id.in_(trainer_ids), User.role.in_((Role.TRAINER, Role.COORDINATOR, Role.ADMIN))
        )
    )
    if found != len(set(trainer_ids)):
        raise SessionError("trainers", _("choose trainers among the staff"))


def create_session(actor: User | None, plan: SessionPlan) -> TrainingSession:
    """Check `plan` and add the session with its days; the creator trains it if a trainer.

    `actor` None is the command line, which may open any session.
    """
    course = _check_plan(actor, plan)
    session = TrainingSession(course=course, created_by_id=actor.id if actor else None, sequence=0)
    _apply(session, plan)
    if actor is not None and actor.role == Role.TRAINER and actor.id not in plan.trainer_ids:
        plan.trainer_ids.append(actor.id)
    session.trainers = list(
        db.session.scalars(sa.select(User).where(User.id.in_(plan.trainer_ids)))
    )
    session.days = [SessionDay(starts_at=start, ends_at=end) for start, end in sorted(plan.days)]
    db.session.add(session)
    db.session.flush()
    record("session.create", actor=actor, target=f"session:{session.id}", course=course.id)
    return session


def _apply(session: TrainingSession, plan: SessionPlan) -> None:
    assert plan.region_id is not None  # checked by _check_plan
    session.region_id, session.province_id = plan.region_id, plan.province_id
    session.title, session.mode, session.capacity = plan.title, plan.mode, plan.capacity
    session.place, session.address = plan.place, plan.address
    session.meeting_link = plan.meeting_link if plan.mode == "online" else ""
    session.modules = list(plan.modules)


def _check_open(actor: User, session: TrainingSession) -> None:
    if not can_manage_session(actor, session):
        raise SessionError("session", _("is not within your region"), status=404)
    if session.cancelled_at is not None:
        raise SessionError("session", _("this session is cancelled"))
    if session.closed_at is not None:
        raise SessionError("session", _("this session is closed"))


def update_session(actor: User, session: TrainingSession, plan: SessionPlan) -> bool:
    """Change or move `session`; return whether its times or place changed (people are told)."""
    _check_open(actor, session)
    plan.course_id = session.course_id
    _check_plan(actor, plan)
    before = _visible_state(session)
    _apply(session, plan)
    _move_days(session, sorted(plan.days))
    if plan.trainer_ids:
        session.trainers = list(
            db.session.scalars(sa.select(User).where(User.id.in_(plan.trainer_ids)))
        )
    changed = _visible_state(session) != before
    session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()
    record("session.update", actor=actor, target=f"session:{session.id}", moved=changed)
    return changed


def _visible_state(session: TrainingSession) -> tuple:
    days = tuple((d.starts_at, d.ends_at) for d in session.days)
    return days, session.place, session.address, session.meeting_link, session.mode


def _move_days(session: TrainingSession, days: list[tuple[datetime, datetime]]) -> None:
    """Move the existing days in order (their UIDs stay); add or remove days at the end."""
    existing = sorted(session.days, key=lambda d: d.starts_at)
    for row, (start, end) in zip(existing, days, strict=False):
        row.starts_at, row.ends_at = start, end
    for start, end in days[len(existing) :]:
        session.days.append(SessionDay(starts_at=start, ends_at=end))
    for row in existing[len(days) :]:
        taken = db.session.scalar(
            sa.select(sa.func.count(SessionAttendance.id)).where(SessionAttendance.day_id == row.id)
        )
        if taken:
            raise SessionError("day", _("a day with attendance cannot be removed"))
        session.days.remove(row)


def cancel_session(actor: User, session: TrainingSession) -> list[int]:
    """Cancel `session`; return the ids of the people to tell (registered and waiting)."""
    _check_open(actor, session)
    session.cancelled_at = utcnow()
    session.sequence += 1
    session.updated_at = session.cancelled_at
    db.session.flush()
    record("session.cancel", actor=actor, target=f"session:{session.id}")
    return list(
        db.session.scalars(
            sa.select(SessionRegistration.user_id).where(
                SessionRegistration.session_id == session.id,
                SessionRegistration.status.in_(("registered", "waiting")),
            )
        )
    )


def close_session(actor: User, session: TrainingSession) -> None:
    """Close `session`: from now on only a coordinator corrects its attendance."""
    _check_open(actor, session)
    session.closed_at = utcnow()
    record("session.close", actor=actor, target=f"session:{session.id}")


def upcoming(query: sa.Select, now: datetime | None = None) -> sa.Select:
    """Narrow a select of sessions to those not cancelled whose last day has not ended."""
    last_end = (
        sa.select(sa.func.max(SessionDay.ends_at))
        .where(SessionDay.session_id == TrainingSession.id)
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    first_start = (
        sa.select(sa.func.min(SessionDay.starts_at))
        .where(SessionDay.session_id == TrainingSession.id)
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    return query.where(
        TrainingSession.cancelled_at.is_(None), last_end > (now or utcnow())
    ).order_by(first_start, TrainingSession.id)


def get_session(session_id: int) -> TrainingSession | None:
    """Return the session with this id, or None (ids beyond 64 bits are refused, not looked up)."""
    if not 0 < session_id < 2**63:
        return None
    return db.session.get(TrainingSession, session_id)


def upcoming_for(user: User, course_id: str | None = None, limit: int = 5) -> list[TrainingSession]:
    """Return the next sessions `user` may see (of one course, or all), with their days."""
    query = upcoming(sessions_visible_to(user))
    if course_id is not None:
        query = query.where(TrainingSession.course_id == course_id)
    query = query.options(selectinload(TrainingSession.days)).limit(limit)
    return list(db.session.scalars(query))
