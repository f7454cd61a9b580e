"""Attendance of a session's days: the trainer's phone form, the QR code and self check-in,
the printable sheet and the CSV of paper sheets."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..certificates.pdf import qr_svg
from ..certificates.stored import render_issued_pdfs
from ..extensions import db
from ..models import SessionDay, TrainingSession
from ..permissions import STAFF_ROLES, can_manage_session, can_view_session, role_required
from ..sessions.attendance import (
    STATUSES,
    Mark,
    check_in,
    current_code,
    marks_of,
    may_correct,
    record_marks,
)
from ..sessions.attendance_csv import import_attendance_csv
from ..sessions.registration import roster
from ..sessions.scheduling import SessionError, get_session
from ..sessions.sheet import attendance_sheet_pdf

bp = Blueprint("attendance", __name__, url_prefix="/sessions")
QR_REFRESH_SECONDS = 20


def _managed_or_404(session_id: int) -> TrainingSession:
    session = get_session(session_id)
    if session is None or not can_manage_session(current_user, session):
        abort(404)
    return session


def _day_or_404(session: TrainingSession | None, day_id: int) -> SessionDay:
    day = next((d for d in session.days if d.id == day_id), None) if session else None
    if day is None:
        abort(404)
    return day


@bp.route("/<int:session_id>/days/<int:day_id>/attendance", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def take(session_id: int, day_id: int):
    session = _managed_or_404(session_id)
    day = _day_or_404(session, day_id)
    people = [row for row in roster(session) if row.status == "registered"]
    if request.method == "POST":
        try:
            marks = [
                Mark(
                    row.user_id,
                    request.form.get(f"status_{row.user_id}", ""),
                    (request.form.get(f"note_{row.user_id}") or "").strip(),
                )
                for row in people
                if request.form.get(f"status_{row.user_id}")
            ]
            changed = record_marks(current_user, day, marks)
        except SessionError as error:
            if error.status == 403:
                abort(403)
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("attendance.take", session_id=session.id, day_id=day.id))
        db.session.commit()
        render_issued_pdfs()  # attendance may complete a blended course: its PDF, after commit
        flash(
            ngettext(
                "Attendance saved (%(num)d change).", "Attendance saved (%(num)d changes).", changed
            ),
            "success",
        )
        return redirect(url_for("attendance.take", session_id=session.id, day_id=day.id))
    marks = marks_of(session)
    return render_template(
        "sessions/attendance.html",
        session=session,
        day=day,
        people=people,
        marks={user_id: row for (d, user_id), row in marks.items() if d == day.id},
        statuses=STATUSES,
        editable=may_correct(current_user, session),
    )


@bp.route("/<int:session_id>/days/<int:day_id>/qr")
@role_required(*STAFF_ROLES)
def qr(session_id: int, day_id: int):
    session = _managed_or_404(session_id)
    day = _day_or_404(session, day_id)
    url = url_for(
        "attendance.check_in_page",
        session_id=session.id,
        day_id=day.id,
        code=current_code(day),
        _external=True,
    )
    response = Response(
        render_template(
            "sessions/qr.html",
            session=session,
            day=day,
            url=url,
            qr=qr_svg(url),
            refresh=QR_REFRESH_SECONDS,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:session_id>/days/<int:day_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in_page(session_id: int, day_id: int):
    session = get_session(session_id)
    if session is not None and not can_view_session(current_user, session):
        abort(404)
    day = _day_or_404(session, day_id)
    code = (request.values.get("code") or "")[:40]
    # Only the confirming POST (with its CSRF token) checks in: GET, and HEAD that Flask routes
    # here too, come from the scanned link and from link previews or prefetches.
    if request.method != "POST":
        return render_template("sessions/check_in.html", session=session, day=day, code=code)
    try:
        outcome = check_in(current_user, day, code)
    except SessionError as error:
        db.session.rollback()
        status = 403 if error.status == 403 else 400
        return render_template(
            "sessions/check_in.html", session=session, day=day, code="", error=error.message
        ), status
    db.session.commit()
    render_issued_pdfs()  # attendance may complete a blended course: its PDF, after commit
    return render_template("sessions/check_in.html", session=session, day=day, done=outcome)


@bp.route("/<int:session_id>/sheet.pdf")
@role_required(*STAFF_ROLES)
def sheet(session_id: int):
    session = _managed_or_404(session_id)
    return Response(
        attendance_sheet_pdf(session),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="attendance-{session.id}.pdf"'},
    )


@bp.route("/<int:session_id>/attendance/upload", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def upload(session_id: int):
    session = _managed_or_404(session_id)
    if request.method != "POST":  # GET, and HEAD that Flask routes here too
        return render_template("sessions/upload.html", session=session, outcome=None)
    upload_file = request.files.get("file")
    if upload_file is None:
        flash(_("Choose a CSV file."), "error")
        return render_template("sessions/upload.html", session=session, outcome=None), 400
    dry_run = request.form.get("dry_run") == "1"
    try:
        outcome = import_attendance_csv(current_user, session, upload_file.read(), dry_run=dry_run)
    except SessionError as error:
        abort(error.status if error.status in (403, 404) else 400)
    if outcome.errors:
        db.session.rollback()
        return render_template("sessions/upload.html", session=session, outcome=outcome), 400
    db.session.commit()
    render_issued_pdfs()  # attendance may complete a blended course: its PDF, after commit
    return render_template(
        "sessions/upload.html", session=session, outcome=outcome, dry_run=dry_run
    )
