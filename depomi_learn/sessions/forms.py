"""Reading the session form (a plain mapping of submitted fields) into a SessionPlan.

The form has one row of date, start and end per day (no JavaScript needed to add days); rows
left empty are ignored. Every value is checked for its format before use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ..extensions import db
from ..models import Province, Region, Role, TrainingSession, User
from .scheduling import MAX_DAYS, SessionError, SessionPlan, local, local_to_utc

DAY_ROWS_SHOWN = 5
MAX_TRAINER_EMAILS = 10
_ID = re.compile(r"^[0-9]{1,18}$")


def parse_id(value: str | None) -> int | None:
    """Return a database id from a form value, None when empty; refuse anything else."""
    value = (value or "").strip()
    if not value:
        return None
    if not _ID.match(value):
        raise SessionError("id", _("is not valid"))
    return int(value)


def _day_rows(form: Mapping[str, str]) -> list[tuple[str, str, str]]:
    rows = []
    for index in range(MAX_DAYS):
        day, start, end = (
            (form.get(f"{name}_{index}") or "").strip() for name in ("date", "start", "end")
        )
        if day or start or end:
            rows.append((day, start, end))
    return rows


def parse_days(form: Mapping[str, str]) -> list:
    days = []
    for day_text, start_text, end_text in _day_rows(form):
        try:
            day = date.fromisoformat(day_text)
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError:
            raise SessionError("day", _("give each day a date, a start and an end time")) from None
        days.append((local_to_utc(day, start), local_to_utc(day, end)))
    return days


def _trainer_ids(text: str) -> list[int]:
    emails = [e.strip().lower() for e in text.replace(";", ",").split(",") if e.strip()]
    if len(emails) > MAX_TRAINER_EMAILS:
        raise SessionError(
            "trainers",
            ngettext("at most %(num)d address", "at most %(num)d addresses", MAX_TRAINER_EMAILS),
        )
    if not emails:
        return []
    rows = dict(
        db.session.execute(
            sa.select(User.email, User.id).where(
                User.email.in_(emails), User.role.in_((Role.TRAINER, Role.COORDINATOR, Role.ADMIN))
            )
        ).all()
    )
    unknown = [e for e in emails if e not in rows]
    if unknown:
        raise SessionError("trainers", _("not a trainer: %(emails)s", emails=", ".join(unknown)))
    return sorted(set(rows.values()))


def _capacity(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,4}", text or ""):
        raise SessionError("capacity", _("give a number of places"))
    return int(text)


def parse_plan(form: Mapping[str, str], modules: list[str], course_id: str) -> SessionPlan:
    """Return the plan the form describes; SessionError names the first wrong field."""
    region_code = (form.get("region") or "").strip()
    region_id = db.session.scalar(sa.select(Region.id).where(Region.code == region_code))
    province_code = (form.get("province") or "").strip()
    province_id = None
    if province_code:
        province_id = db.session.scalar(
            sa.select(Province.id).where(Province.code == province_code)
        )
        if province_id is None:
            raise SessionError("province", _("is unknown"))
    return SessionPlan(
        course_id=course_id,
        region_id=region_id,
        province_id=province_id,
        title=form.get("title") or "",
        days=parse_days(form),
        mode=form.get("mode") or "in_person",
        place=form.get("place") or "",
        address=form.get("address") or "",
        meeting_link=(form.get("meeting_link") or "").strip(),
        capacity=_capacity((form.get("capacity") or "").strip()),
        modules=modules,
        trainer_ids=_trainer_ids(form.get("trainers") or ""),
    )


def form_values(session: TrainingSession) -> dict[str, str]:
    """Return a session as the form's initial values."""
    values = {
        "title": session.title,
        "region": session.region.code,
        "province": session.province.code if session.province else "",
        "mode": session.mode,
        "place": session.place,
        "address": session.address,
        "meeting_link": session.meeting_link,
        "capacity": str(session.capacity),
        "trainers": ", ".join(t.email for t in session.trainers),
    }
    for index, day in enumerate(sorted(session.days, key=lambda d: d.starts_at)):
        start, end = local(day.starts_at), local(day.ends_at)
        values |= {
            f"date_{index}": start.date().isoformat(),
            f"start_{index}": f"{start:%H:%M}",
            f"end_{index}": f"{end:%H:%M}",
        }
    return values
