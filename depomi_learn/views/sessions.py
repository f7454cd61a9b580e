"""Sessions of blended courses: list, details, registration, planning, calendar files."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..extensions import db
from ..i18n import current_language
from ..models import Course, Institution, Region, Role, TrainingSession
from ..permissions import (
    STAFF_ROLES,
    can_manage_session,
    can_view_session,
    courses_editable_by,
    courses_visible_to,
    is_national,
    role_required,
    sessions_manageable_by,
    sessions_visible_to,
)
from ..reports.tables import cell_display
from ..sessions.calendar import google_calendar_link, session_ics
from ..sessions.evaluation import (
    evaluation_open,
    evaluation_results,
    has_answered,
    questions_for,
    submit_evaluation,
)
from ..sessions.forms import DAY_ROWS_SHOWN, form_values, parse_id, parse_plan
from ..sessions.notices import notify
from ..sessions.registration import (
    GroupCriteria,
    promote_waiting,
    register,
    register_group,
    registered_count,
    registration_of,
    roster,
    sessions_of,
    unregister,
)
from ..sessions.reports import MEASURES, learner_table, session_summary
from ..sessions.scheduling import (
    SessionError,
    cancel_session,
    close_session,
    create_session,
    get_session,
    upcoming,
    update_session,
)

bp = Blueprint("sessions", __name__, url_prefix="/sessions")


def session_or_404(session_id: int, *, manage: bool = False) -> TrainingSession:
    session = get_session(session_id)
    allowed = session is not None and (
        can_manage_session(current_user, session)
        if manage
        else can_view_session(current_user, session)
    )
    if not allowed:
        abort(404)
    return session


def _refused(error: SessionError) -> None:
    if error.status in (403, 404):
        abort(error.status)
    flash(error.message, "error")


@bp.route("")
@login_required
def index():
    mine = []
    if current_user.role == Role.LEARNER:
        query = upcoming(sessions_visible_to(current_user))
        mine = db.session.execute(
            sessions_of(current_user).order_by(TrainingSession.id.desc()).limit(50)
        ).all()
    else:
        query = sessions_manageable_by(current_user).order_by(TrainingSession.id.desc()).limit(200)
    sessions = db.session.scalars(query).all()
    return render_template(
        "sessions/index.html",
        sessions=sessions,
        mine=mine,
        managing=current_user.role != Role.LEARNER,
    )


@bp.route("/<int:session_id>")
@login_required
def detail(session_id: int):
    session = session_or_404(session_id)
    managing = can_manage_session(current_user, session)
    answered = has_answered(current_user, session)
    return render_template(
        "sessions/detail.html",
        session=session,
        days=sorted(session.days, key=lambda d: d.starts_at),
        registration=registration_of(current_user.id, session),
        taken=registered_count(session),
        managing=managing,
        learners=learner_table(session) if managing else None,
        waiting=[r for r in roster(session) if r.status == "waiting"] if managing else [],
        institutions=_institutions() if managing and current_user.role != Role.TRAINER else [],
        summary=session_summary(session) if managing else None,
        measures=MEASURES,
        cell_display=cell_display,
        results=evaluation_results(session) if managing else None,
        answered=answered,
        can_evaluate=not answered and evaluation_open(current_user, session),
        calendar_links={day.id: google_calendar_link(session, day) for day in session.days},
        language=current_language(),
    )


@bp.route("/<int:session_id>/calendar.ics")
@login_required
def calendar(session_id: int):
    session = session_or_404(session_id)
    return Response(
        session_ics(session),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="session-{session.id}.ics"'},
    )


@bp.route("/<int:session_id>/register", methods=["POST"])
@login_required
def register_me(session_id: int):
    session = session_or_404(session_id)
    try:
        row = register(current_user, session)
    except SessionError as error:
        _refused(error)
        return redirect(url_for("sessions.detail", session_id=session.id))
    db.session.commit()
    notify([current_user.id], session, row.status)
    if row.status == "registered":
        flash(_("You are registered."), "success")
    else:
        flash(_("The session is full: you are on the waiting list."), "success")
    return redirect(url_for("sessions.detail", session_id=session.id))


@bp.route("/<int:session_id>/unregister", methods=["POST"])
@login_required
def unregister_me(session_id: int):
    session = session_or_404(session_id)
    try:
        promoted = unregister(current_user, session)
    except SessionError as error:
        _refused(error)
        return redirect(url_for("sessions.detail", session_id=session.id))
    db.session.commit()
    notify(promoted, session, "promoted")
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("sessions.detail", session_id=session.id))


def _institutions() -> list[Institution]:
    return db.session.scalars(sa.select(Institution).order_by(Institution.name).limit(500)).all()


def _creatable_courses() -> list[Course]:
    query = courses_editable_by(current_user) if current_user.role == Role.TRAINER else None
    query = query if query is not None else courses_visible_to(current_user)
    query = query.where(Course.current_version_id.is_not(None), Course.archived.is_(False))
    return db.session.scalars(query.order_by(Course.id)).all()


def _regions() -> list[Region]:
    query = sa.select(Region).order_by(Region.number)
    if current_user.role == Role.COORDINATOR and not is_national(current_user):
        query = query.where(Region.id == current_user.region_id)
    return db.session.scalars(query).all()


def _render_form(
    course: Course,
    values: dict,
    session: TrainingSession | None = None,
    status: int = 200,
    chosen: list[str] | None = None,
):
    return (
        render_template(
            "sessions/form.html",
            course=course,
            session=session,
            values=values,
            chosen=chosen if chosen is not None else request.form.getlist("modules"),
            regions=_regions(),
            day_rows=max(DAY_ROWS_SHOWN, len(session.days) + 2 if session else 0),
            language=current_language(),
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def new():
    courses = {course.id: course for course in _creatable_courses()}
    course = courses.get(request.values.get("course", ""))
    if course is None:
        return render_template("sessions/choose_course.html", courses=courses.values())
    if request.method != "POST":  # GET, and HEAD that Flask routes here too
        region = current_user.region.code if current_user.region else ""
        return _render_form(course, {"region": region, "capacity": "30", "mode": "in_person"})
    try:
        plan = parse_plan(request.form, request.form.getlist("modules"), course.id)
        session = create_session(current_user, plan)
    except SessionError as error:
        _refused(error)
        return _render_form(course, request.form, status=400)
    db.session.commit()
    flash(_("The session is planned."), "success")
    return redirect(url_for("sessions.detail", session_id=session.id))


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def edit(session_id: int):
    session = session_or_404(session_id, manage=True)
    if request.method != "POST":  # GET, and HEAD that Flask routes here too
        values = form_values(session)
        return _render_form(session.course, values, session, chosen=session.modules)
    try:
        plan = parse_plan(request.form, request.form.getlist("modules"), session.course_id)
        moved = update_session(current_user, session, plan)
    except SessionError as error:
        _refused(error)
        db.session.rollback()
        return _render_form(session.course, request.form, session, status=400)
    promoted = promote_waiting(session)  # more places may have opened
    people = [r.user_id for r in roster(session) if r.status == "registered"]
    db.session.commit()
    notify(promoted, session, "promoted")
    if moved:
        notify([p for p in people if p not in promoted], session, "changed")
    flash(_("The session is saved."), "success")
    return redirect(url_for("sessions.detail", session_id=session.id))


@bp.route("/<int:session_id>/cancel", methods=["POST"])
@role_required(*STAFF_ROLES)
def cancel(session_id: int):
    session = session_or_404(session_id, manage=True)
    try:
        people = cancel_session(current_user, session)
    except SessionError as error:
        _refused(error)
        return redirect(url_for("sessions.detail", session_id=session.id))
    db.session.commit()
    notify(people, session, "cancelled")
    flash(_("The session is cancelled; the people registered are told."), "success")
    return redirect(url_for("sessions.detail", session_id=session.id))


@bp.route("/<int:session_id>/close", methods=["POST"])
@role_required(*STAFF_ROLES)
def close(session_id: int):
    session = session_or_404(session_id, manage=True)
    try:
        close_session(current_user, session)
    except SessionError as error:
        _refused(error)
        return redirect(url_for("sessions.detail", session_id=session.id))
    db.session.commit()
    flash(_("The session is closed: only a coordinator can now correct attendance."), "success")
    return redirect(url_for("sessions.detail", session_id=session.id))


@bp.route("/<int:session_id>/group", methods=["POST"])
@role_required(Role.COORDINATOR, Role.ADMIN)
def group(session_id: int):
    session = session_or_404(session_id, manage=True)
    form = request.form
    try:
        criteria = GroupCriteria(
            province_id=parse_id(form.get("province_id")),
            institution_id=parse_id(form.get("institution_id")),
            job_function=(form.get("job_function") or "")[:120],
            emails=tuple(e for e in (form.get("emails") or "").replace(",", "\n").split() if e),
        )
        outcome = register_group(current_user, session, criteria)
    except SessionError as error:
        _refused(error)
        return redirect(url_for("sessions.detail", session_id=session.id))
    db.session.commit()
    notify(outcome["registered"], session, "registered")
    notify(outcome["waiting"], session, "waiting")
    flash(
        _(
            "%(registered)s, %(waiting)s.",
            registered=ngettext(
                "%(num)d registered", "%(num)d registered", len(outcome["registered"])
            ),
            waiting=ngettext(
                "%(num)d on the waiting list",
                "%(num)d on the waiting list",
                len(outcome["waiting"]),
            ),
        ),
        "success",
    )
    return redirect(url_for("sessions.detail", session_id=session.id))


@bp.route("/<int:session_id>/evaluation", methods=["GET", "POST"])
@login_required
def evaluation(session_id: int):
    session = session_or_404(session_id)
    if not evaluation_open(current_user, session):
        abort(404)
    if has_answered(current_user, session):
        flash(_("Thank you: your evaluation is recorded."), "success")
        return redirect(url_for("sessions.detail", session_id=session.id))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            answers = submit_evaluation(current_user, session, request.form.to_dict())
        except SessionError as error:
            _refused(error)
            return redirect(url_for("sessions.detail", session_id=session.id))
        if not answers.errors:
            db.session.commit()
            flash(_("Thank you: your evaluation is recorded."), "success")
            return redirect(url_for("sessions.detail", session_id=session.id))
        errors = answers.errors
    return render_template(
        "sessions/evaluation.html",
        session=session,
        questions=questions_for(session),
        errors=errors,
        values=request.form,
        language=current_language(),
    ), (400 if errors else 200)
