"""Attendance per day: taken by the trainer, by QR self check-in, or from a paper sheet's CSV.

The trainer corrects attendance until the session is closed; after that only a coordinator (or
an admin), and every such correction is audited. A check-in is an INSERT that ignores an
existing row for the same person and day, so it counts once however often it is scanned.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite

from ..audit import record
from ..extensions import db
from ..learning.progress import find_enrolment, update_course_completion
from ..models import (
    Role,
    SessionAttendance,
    SessionDay,
    SessionRegistration,
    TrainingSession,
    User,
    utcnow,
)
from ..permissions import can_manage_session
from .scheduling import SessionError

STATUSES = ("present", "absent", "excused")
NOTE_MAX = 300
CHECK_IN_MARGIN = timedelta(minutes=30)
CODE_LENGTH = 10


@dataclass(frozen=True)
class Mark:
    user_id: int
    status: str
    note: str = ""


def registered_ids(session: TrainingSession) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(SessionRegistration.user_id).where(
                SessionRegistration.session_id == session.id,
                SessionRegistration.status == "registered",
            )
        )
    )


def may_correct(actor: User, session: TrainingSession) -> bool:
    """Return whether `actor` may write `session`'s attendance now."""
    if not can_manage_session(actor, session) or session.cancelled_at is not None:
        return False
    return session.closed_at is None or actor.role in (Role.COORDINATOR, Role.ADMIN)


def record_marks(
    actor: User, day: SessionDay, marks: list[Mark], *, method: str = "trainer"
) -> int:
    """Write the marks of one day (creating or correcting); return how many rows changed."""
    session = day.session
    if not may_correct(actor, session):
        raise SessionError("session", _("you may not change this attendance"), status=403)
    allowed = registered_ids(session)
    existing = {
        row.user_id: row
        for row in db.session.scalars(
            sa.select(SessionAttendance).where(SessionAttendance.day_id == day.id)
        )
    }
    changed = 0
    for mark in marks:
        _check_mark(mark, allowed)
        row = existing.get(mark.user_id)
        if row is not None and (row.status, row.note) == (mark.status, mark.note):
            continue
        if row is None:
            row = SessionAttendance(day_id=day.id, user_id=mark.user_id)
            db.session.add(row)
        row.status, row.note, row.method = mark.status, mark.note, method
        row.recorded_by_id, row.recorded_at = actor.id, utcnow()
        changed += 1
    db.session.flush()
    if changed and session.closed_at is not None:
        record(
            "session.attendance_correct",
            actor=actor,
            target=f"session:{session.id}",
            day=day.id,
            marks=[[m.user_id, m.status, m.note] for m in marks],
        )
    _update_completions(session, [m.user_id for m in marks])
    return changed


def _check_mark(mark: Mark, allowed: set[int]) -> None:
    if mark.user_id not in allowed:
        raise SessionError("learner", _("is not registered in this session"))
    if mark.status not in STATUSES:
        raise SessionError("status", _("choose present, absent or excused"))
    if len(mark.note) > NOTE_MAX or "\x00" in mark.note:
        raise SessionError(
            "note", ngettext("at most %(num)d character", "at most %(num)d characters", NOTE_MAX)
        )


def _update_completions(session: TrainingSession, user_ids: list[int]) -> None:
    """Let attendance complete the course (and issue the certificate) when the rule is met."""
    version = session.course.current_version
    if version is None or version.completion is None:
        return
    for user in db.session.scalars(sa.select(User).where(User.id.in_(set(user_ids)))):
        enrolment = find_enrolment(user, session.course_id)
        if enrolment is not None:
            update_course_completion(user, enrolment)


# QR self check-in -------------------------------------------------------------------------------


def check_in_code(day: SessionDay, minute: int) -> str:
    """Return the code of `day` for one minute (minutes since the epoch): an HMAC of both."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"check-in:{day.session_id}:{day.id}:{minute}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def current_code(day: SessionDay, now: datetime | None = None) -> str:
    return check_in_code(day, minute_of(now or utcnow()))


def check_in_window(day: SessionDay) -> tuple[datetime, datetime]:
    return day.starts_at - CHECK_IN_MARGIN, day.ends_at + CHECK_IN_MARGIN


def code_is_valid(day: SessionDay, code: str, now: datetime) -> bool:
    """Accept the code of this minute or of the previous one (the screen may lag a little)."""
    if not isinstance(code, str) or len(code) != CODE_LENGTH:
        return False
    minute = minute_of(now)
    return any(
        hmac.compare_digest(code.upper(), check_in_code(day, m)) for m in (minute, minute - 1)
    )


def check_in(user: User, day: SessionDay, code: str, now: datetime | None = None) -> str:
    """Record `user` present on `day` from a scanned code; return "recorded" or "already".

    Refused (SessionError) for a wrong or old code, outside the day's hours give or take 30
    minutes, for a cancelled session, and for anyone not registered in it.
    """
    now = now or utcnow()
    session = day.session
    if session.cancelled_at is not None or session.closed_at is not None:
        raise SessionError("session", _("this session is no longer open"))
    if user.id not in registered_ids(session):
        raise SessionError("session", _("you are not registered in this session"), status=403)
    opens, closes = check_in_window(day)
    if not opens <= now <= closes:
        raise SessionError("time", _("check-in is open only during the day's hours"))
    if not code_is_valid(day, code, now):
        raise SessionError("code", _("this code has expired: scan the code shown now"))
    values = {
        "day_id": day.id,
        "user_id": user.id,
        "status": "present",
        "note": "",
        "method": "qr",
        "recorded_by_id": user.id,
        "recorded_at": now,
    }
    inserted = db.session.execute(_insert_ignoring_duplicates(values)).first()
    if inserted is None:
        return "already"
    _update_completions(session, [user.id])
    return "recorded"


def _insert_ignoring_duplicates(values: dict):
    """An INSERT that does nothing when the person already has a row for the day.

    RETURNING tells whether a row went in (drivers do not all report a row count here).
    """
    table = SessionAttendance.__table__
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    return insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)


def marks_of(session: TrainingSession) -> dict[tuple[int, int], SessionAttendance]:
    """Return every attendance row of the session by (day id, user id)."""
    rows = db.session.scalars(
        sa.select(SessionAttendance)
        .join(SessionDay, SessionDay.id == SessionAttendance.day_id)
        .where(SessionDay.session_id == session.id)
    )
    return {(row.day_id, row.user_id): row for row in rows}
