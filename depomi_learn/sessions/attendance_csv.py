"""Attendance taken on paper, uploaded as CSV: email,date,status[,note].

Every row is checked first; one bad row and nothing is written, and every problem is reported as
`line N: field: message`. A dry run checks without writing.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ..extensions import db
from ..models import TrainingSession, User
from .attendance import NOTE_MAX, STATUSES, Mark, may_correct, record_marks, registered_ids
from .scheduling import SessionError, local

COLUMNS = ("email", "date", "status")
MAX_ROWS = 5000
MAX_BYTES = 1024 * 1024


@dataclass
class CsvOutcome:
    errors: list[str] = field(default_factory=list)
    marks: dict[int, list[Mark]] = field(default_factory=lambda: defaultdict(list))
    rows: int = 0
    written: int = 0


def read_attendance_csv(session: TrainingSession, data: bytes) -> CsvOutcome:
    """Check every row of the CSV against the session; collect the marks and the errors."""
    outcome = CsvOutcome()
    text = _decode(data, outcome)
    if text is None:
        return outcome
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        outcome.errors.append(f"line 1: {missing[0]}: " + _("column missing"))
        return outcome
    reader.fieldnames = header
    days = {local(day.starts_at).date().isoformat(): day.id for day in session.days}
    emails = _registered_emails(session)
    seen: set[tuple[int, int]] = set()
    for row in reader:
        outcome.rows += 1
        if outcome.rows > MAX_ROWS:
            outcome.errors.append(f"line {reader.line_num}: " + _("too many rows"))
            break
        _read_row(row, reader.line_num, days, emails, seen, outcome)
    return outcome


def _decode(data: bytes, outcome: CsvOutcome) -> str | None:
    if len(data) > MAX_BYTES:
        outcome.errors.append("line 1: file: " + _("the file is too large"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        outcome.errors.append("line 1: file: " + _("save the file as UTF-8 CSV"))
        return None
    if "\x00" in text:
        outcome.errors.append("line 1: file: " + _("this is not a CSV file"))
        return None
    return text


def _registered_emails(session: TrainingSession) -> dict[str, int]:
    ids = registered_ids(session)
    rows = db.session.execute(sa.select(User.email, User.id).where(User.id.in_(ids)))
    return {email.lower(): user_id for email, user_id in rows}


def _read_row(row: dict, line: int, days: dict, emails: dict, seen: set, outcome: CsvOutcome):
    email = (row.get("email") or "").strip().lower()
    day_text = (row.get("date") or "").strip()
    status = (row.get("status") or "").strip().lower()
    note = (row.get("note") or "").strip()
    problems = []
    if email not in emails:
        problems.append(("email", _("not registered in this session")))
    if day_text not in days:
        problems.append(("date", _("not a day of this session (YYYY-MM-DD)")))
    if status not in STATUSES:
        problems.append(("status", _("choose present, absent or excused")))
    if len(note) > NOTE_MAX:
        problems.append(
            ("note", ngettext("at most %(num)d character", "at most %(num)d characters", NOTE_MAX))
        )
    if not problems and (days[day_text], emails[email]) in seen:
        problems.append(("email", _("this person already has a line for this day")))
    for name, message in problems:
        outcome.errors.append(f"line {line}: {name}: {message}")
    if not problems:
        seen.add((days[day_text], emails[email]))
        outcome.marks[days[day_text]].append(Mark(emails[email], status, note))


def import_attendance_csv(
    actor: User, session: TrainingSession, data: bytes, *, dry_run: bool
) -> CsvOutcome:
    """Check the CSV and, unless `dry_run` or any row is wrong, write all its marks."""
    if not may_correct(actor, session):
        raise SessionError("session", _("you may not change this attendance"), status=403)
    outcome = read_attendance_csv(session, data)
    if outcome.errors or dry_run:
        return outcome
    days = {day.id: day for day in session.days}
    for day_id, marks in outcome.marks.items():
        outcome.written += record_marks(actor, days[day_id], marks, method="csv")
    return outcome
