"""Emails about sessions, in each person's language: registration, changes, cancellation,
and the day-before reminder that `flask sessions remind` sends exactly once.

Messages are sent after the change is committed, never inside the transaction that writes. The
reminder's marker row (unique per session, person and day) is committed before the message
leaves, so a second run, even a concurrent one, never sends it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.mail import MailError, mail_configured, send_mail
from ..extensions import db
from ..i18n import format_clock, format_moment
from ..models import SessionDay, SessionNotice, SessionRegistration, TrainingSession, User, utcnow
from .scheduling import ZONE, local


def _when(session: TrainingSession) -> str:
    return "\n".join(
        f"- {format_moment(day.starts_at)}-{format_clock(day.ends_at)}"
        for day in sorted(session.days, key=lambda d: d.starts_at)
    )


def _where(session: TrainingSession) -> str:
    return session.meeting_link or ", ".join(p for p in (session.place, session.address) if p)


def message_for(user: User, session: TrainingSession, kind: str) -> tuple[str, str]:
    """Return the subject and body of a message of `kind` about `session`, in user's language."""
    with force_locale(user.preferred_language):
        subjects = {
            "registered": _("Registered: %(title)s", title=session.title),
            "waiting": _("On the waiting list: %(title)s", title=session.title),
            "promoted": _("A place is yours: %(title)s", title=session.title),
            "changed": _("Changed: %(title)s", title=session.title),
            "cancelled": _("Cancelled: %(title)s", title=session.title),
            "reminder": _("Tomorrow: %(title)s", title=session.title),
        }
        body = _(
            "Hello %(name)s,\n\n%(subject)s\n\nWhen (Casablanca time):\n%(when)s\n"
            "Where: %(where)s\n\nDetails and calendar: %(link)s",
            name=user.name_latin,
            subject=subjects[kind],
            when=_when(session),
            where=_where(session) or "-",
            link=f"{current_app.config['PUBLIC_URL']}/sessions/{session.id}",
        )
        return subjects[kind], body


def notify(user_ids: list[int], session: TrainingSession, kind: str) -> int:
    """Email each person about `session` (after commit); return how many messages left."""
    if not mail_configured() or not user_ids:
        return 0
    sent = 0
    for user in db.session.scalars(sa.select(User).where(User.id.in_(user_ids))):
        try:
            send_mail(user.email, *message_for(user, session, kind))
            sent += 1
        except MailError:
            continue  # logged by send_mail; the change itself is saved
    return sent


def due_reminders(now: datetime) -> list[tuple[TrainingSession, SessionDay, User]]:
    """Return (session, day, person) for every first day starting tomorrow, Casablanca time."""
    tomorrow = (now.astimezone(ZONE) + timedelta(days=1)).date()
    starts = datetime.combine(tomorrow, datetime.min.time(), tzinfo=ZONE)
    first_start = (
        sa.select(sa.func.min(SessionDay.starts_at))
        .where(SessionDay.session_id == TrainingSession.id)
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(TrainingSession, SessionDay, User)
        .join(SessionDay, SessionDay.session_id == TrainingSession.id)
        .join(SessionRegistration, SessionRegistration.session_id == TrainingSession.id)
        .join(User, User.id == SessionRegistration.user_id)
        .where(
            TrainingSession.cancelled_at.is_(None),
            SessionDay.starts_at == first_start,
            SessionDay.starts_at >= starts,
            SessionDay.starts_at < starts + timedelta(days=1),
            SessionRegistration.status == "registered",
            User.active.is_(True),
        )
        .order_by(TrainingSession.id, User.id)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def send_reminders(now: datetime | None = None) -> int:
    """Send the day-before reminders not sent yet; return how many were sent (commits)."""
    if not mail_configured():
        return 0
    sent = 0
    for session, day, user in due_reminders(now or utcnow()):
        kind = f"reminder:{local(day.starts_at):%Y-%m-%d}"
        try:
            db.session.add(SessionNotice(session_id=session.id, user_id=user.id, kind=kind))
            db.session.commit()  # the marker first: a concurrent or later run skips this one
        except IntegrityError:
            db.session.rollback()
            continue
        try:
            send_mail(user.email, *message_for(user, session, "reminder"))
            sent += 1
        except MailError:
            continue
    return sent
