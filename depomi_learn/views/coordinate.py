"""Coordinators: the dashboard of their scope, drill-downs, learner pages, exports, assignments."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import audit
from ..assignments import (
    AssignmentError,
    AssignmentTarget,
    cancel_assignment,
    change_due_date,
    create_assignment,
)
from ..extensions import db
from ..forms import AssignmentForm, DueDateForm
from ..i18n import current_language, direction
from ..inputs import page_arg
from ..models import (
    Assignment,
    Certificate,
    Course,
    Enrolment,
    ModuleProgress,
    QuizAttempt,
    Role,
    User,
    utcnow,
)
from ..permissions import (
    assignments_visible_to,
    can_view_learner,
    is_national,
    learners_visible_to,
    role_required,
)
from ..profile_changes import pending_count_for
from ..reports.charts import dashboard_charts
from ..reports.drilldown import (
    METRICS,
    PAGE_SIZE,
    Sort,
    count_rows,
    drilldown,
    parse_sort,
    sort_keys,
)
from ..reports.exports import csv_chunks, write_xlsx
from ..reports.filters import FilterError, ReportFilters, filter_choices, parse_filters
from ..reports.queries import DIMENSIONS, assignment_progress, course_titles
from ..reports.tables import (
    TABLE_NAMES,
    Table,
    breakdown_table,
    cell_text,
    dashboard_tables,
    drilldown_table,
    report_table,
)
from ..security import client_address

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")
bp.add_app_template_filter(cell_text, "report_cell")
COORDINATORS = (Role.COORDINATOR, Role.ADMIN)
DASHBOARD_ROWS = 10  # the largest groups; the breakdown page and the exports have them all
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def request_filters() -> ReportFilters:
    """Parse the report filters of the request: 400 when malformed, 404 when out of scope."""
    try:
        return parse_filters(current_user, request.args)
    except FilterError as error:
        abort(error.status)


def request_metric() -> str:
    metric = request.args.get("metric", "learners")
    if metric not in METRICS:
        abort(404)
    return metric


@dataclass(frozen=True)
class LearnerList:
    """One page of the learners behind a number, as the request asks for it."""

    filters: ReportFilters
    metric: str
    sort: Sort
    page: int
    total: int
    table: Table


def requested_learner_list() -> LearnerList:
    """Read the drill-down of the request and fetch its page (for the HTML page and the API)."""
    filters = request_filters()
    metric = request_metric()
    sort = parse_sort(metric, request.args.get("sort", ""))
    page = page_arg()
    total = count_rows(drilldown(current_user, filters, metric, sort))
    table = drilldown_table(current_user, filters, metric, sort, current_language(), page)
    return LearnerList(filters, metric, sort, page, total, table)


def dimensions_for(user: User) -> tuple[str, ...]:
    """Return the breakdowns `user` may see: regions only for a national view."""
    return DIMENSIONS if is_national(user) else tuple(d for d in DIMENSIONS if d != "region")


@bp.route("/")
@role_required(*COORDINATORS)
def dashboard():
    filters = request_filters()
    language = current_language()
    tables = dashboard_tables(current_user, filters, language, dimensions_for(current_user))
    largest = {
        by: sorted(tables[by].rows, key=lambda row: -row["learners"])[:DASHBOARD_ROWS]
        for by in DIMENSIONS
        if by in tables and by != "region"
    }
    return render_template(
        "coordinate/dashboard.html",
        largest=largest,
        filters=filters,
        tables=tables,
        charts=dashboard_charts(tables, rtl=direction(language) == "rtl"),
        choices=filter_choices(current_user, language),
        national=is_national(current_user),
        pending_requests=pending_count_for(current_user),
    )


@bp.route("/breakdown/<by>")
@role_required(*COORDINATORS)
def breakdown(by: str):
    if by not in DIMENSIONS:
        abort(404)
    if by not in dimensions_for(current_user):
        abort(403)
    filters = request_filters()
    language = current_language()
    return render_template(
        "coordinate/breakdown.html",
        by=by,
        filters=filters,
        table=breakdown_table(current_user, filters, by, language),
        choices=filter_choices(current_user, language),
        national=is_national(current_user),
    )


@bp.route("/learners")
@role_required(*COORDINATORS)
def learners():
    found = requested_learner_list()
    return render_template(
        "coordinate/learners.html",
        filters=found.filters,
        metric=found.metric,
        sort=found.sort,
        sortable=sort_keys(found.metric),
        table=found.table,
        page=found.page,
        total=found.total,
        page_size=PAGE_SIZE,
        choices=filter_choices(current_user, current_language()),
        national=is_national(current_user),
    )


@bp.route("/learners/<int:user_id>")
@role_required(*COORDINATORS)
def learner(user_id: int):
    learner = db.session.get(User, user_id)
    if learner is None or not can_view_learner(current_user, learner):
        abort(404)  # never confirm that someone exists in another region
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.user_id == learner.id)
        .options(selectinload(Enrolment.course).selectinload(Course.current_version))
        .order_by(Enrolment.due_at.is_(None), Enrolment.due_at, Enrolment.enrolled_at)
    ).all()
    done = dict(
        db.session.execute(
            sa.select(ModuleProgress.course_id, sa.func.count())
            .where(ModuleProgress.user_id == learner.id, ModuleProgress.completed_at.is_not(None))
            .group_by(ModuleProgress.course_id)
        ).all()
    )
    attempts = db.session.scalars(
        sa.select(QuizAttempt)
        .where(QuizAttempt.user_id == learner.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc())
        .limit(200)
    ).all()
    certificates = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.user_id == learner.id)
        .order_by(Certificate.issued_at.desc())
    ).all()
    return render_template(
        "coordinate/learner.html",
        learner=learner,
        enrolments=enrolments,
        done=done,
        attempts=attempts,
        certificates=certificates,
        titles=course_titles(current_language()),
        now=utcnow(),
    )


@bp.route("/export/<name>.<fmt>")
@role_required(*COORDINATORS)
def export(name: str, fmt: str):
    if fmt not in ("csv", "xlsx") or name not in (*TABLE_NAMES, "dashboard"):
        abort(404)
    if name == "region" and not is_national(current_user):
        abort(403)
    if name == "dashboard" and fmt != "xlsx":
        abort(404)
    filters = request_filters()
    metric = request_metric()
    sort = parse_sort(metric, request.args.get("sort", ""))
    language = current_language()
    filename = f"depomi-{name}-{date.today().isoformat()}.{fmt}"
    if name == "dashboard":
        dimensions = dimensions_for(current_user)
        tables = list(dashboard_tables(current_user, filters, language, dimensions).values())
    else:
        tables = [report_table(name, current_user, filters, language, metric, sort)]
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(tables[0])),
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    handle = write_xlsx(tables, rtl=direction(language) == "rtl")
    return Response(
        _chunks_then_close(handle),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _chunks_then_close(handle) -> Iterator[bytes]:
    """Stream a finished workbook from its temporary file, closing it however the send ends."""
    try:
        while chunk := handle.read(64 * 1024):
            yield chunk
    finally:
        handle.close()


def _assignment_form(language: str) -> tuple[AssignmentForm, dict]:
    form = AssignmentForm()
    choices = filter_choices(current_user, language)
    anyone = [("", _("Any"))]
    form.course.choices = choices["course"]
    form.region.choices = anyone + choices["region"]
    form.province.choices = anyone + choices["province"]
    form.institution.choices = anyone + choices["institution"]
    form.job_function.choices = anyone + choices["job_function"]
    return form, choices


def _target_from(form: AssignmentForm) -> AssignmentTarget:
    """Check every chosen value against the coordinator's scope, as the report filters do."""
    try:
        place = parse_filters(
            current_user,
            {
                "course": form.course.data or "",
                "region": form.region.data or "",
                "province": form.province.data or "",
                "institution": form.institution.data or "",
                "job_function": form.job_function.data or "",
            },
        )
    except FilterError as error:
        abort(error.status)
    if not place.course_id:
        abort(400)
    emails = sorted({line.strip().lower() for line in (form.learners.data or "").split() if line})
    ids: list[int] = []
    if emails:
        found = dict(
            db.session.execute(
                learners_visible_to(current_user)
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
        course_id=place.course_id,
        due_on=form.due_on.data,
        region_id=place.region_id,
        province_id=place.province_id if isinstance(place.province_id, int) else None,
        institution_id=place.institution_id if isinstance(place.institution_id, int) else None,
        job_function=place.job_function or "",
        learner_ids=tuple(ids),
    )


@bp.route("/assignments", methods=["GET", "POST"])
@role_required(*COORDINATORS)
def assignments():
    language = current_language()
    form, _choices = _assignment_form(language)
    if form.validate_on_submit():
        try:
            assignment, count = create_assignment(current_user, _target_from(form))
        except AssignmentError as error:
            if error.status == 404:
                abort(404)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Assigned to %(num)d learner, due on %(date)s.",
                    "Assigned to %(num)d learners, due on %(date)s.",
                    count,
                    date=form.due_on.data.isoformat(),
                ),
                "success",
            )
            return redirect(url_for("coordinate.assignments", created=assignment.id))
    listed = db.session.scalars(
        assignments_visible_to(current_user)
        .options(
            selectinload(Assignment.course).selectinload(Course.current_version),
            selectinload(Assignment.region),
            selectinload(Assignment.province),
            selectinload(Assignment.institution),
            selectinload(Assignment.created_by),
        )
        .order_by(Assignment.due_at.desc(), Assignment.id.desc())
        .limit(200)
    ).all()
    return render_template(
        "coordinate/assignments.html",
        form=form,
        assignments=listed,
        progress=assignment_progress(current_user, [a.id for a in listed]),
        national=is_national(current_user),
    )


def _assignment_in_scope(assignment_id: int) -> Assignment:
    """Return the assignment if the current user may manage it; 404 otherwise."""
    assignment = db.session.scalar(
        assignments_visible_to(current_user).where(Assignment.id == assignment_id)
    )
    if assignment is None:
        abort(404)
    return assignment


@bp.post("/assignments/<int:assignment_id>/due-date")
@role_required(*COORDINATORS)
def assignment_due_date(assignment_id: int):
    assignment = _assignment_in_scope(assignment_id)
    form = DueDateForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid due date."), "error")
        return redirect(url_for("coordinate.assignments"))
    previous = assignment.due_at
    try:
        count = change_due_date(current_user, assignment, form.due_on.data)
    except AssignmentError as error:
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(url_for("coordinate.assignments"))
    audit.record(
        "assignment_due_date_changed",
        actor=current_user,
        target=f"assignment:{assignment.id}",
        ip=client_address(),
        previous=previous.isoformat(),
        due_at=assignment.due_at.isoformat(),
        learners=count,
    )
    db.session.commit()
    flash(
        ngettext(
            "Due date moved to %(date)s for %(num)d learner.",
            "Due date moved to %(date)s for %(num)d learners.",
            count,
            date=form.due_on.data.isoformat(),
        ),
        "success",
    )
    return redirect(url_for("coordinate.assignments"))


@bp.post("/assignments/<int:assignment_id>/cancel")
@role_required(*COORDINATORS)
def assignment_cancel(assignment_id: int):
    assignment = _assignment_in_scope(assignment_id)
    if assignment.cancelled_at is None:
        released = cancel_assignment(current_user, assignment)
        audit.record(
            "assignment_cancelled",
            actor=current_user,
            target=f"assignment:{assignment.id}",
            ip=client_address(),
            released=released,
        )
        db.session.commit()
    flash(_("Assignment cancelled. Learners keep their progress."), "success")
    return redirect(url_for("coordinate.assignments"))
