"""Coordinators' reports: the dashboard of their scope, breakdowns, drill-downs, learner records,
exports."""

from collections.abc import Iterator
from datetime import date

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from ...accounts.profile_changes import pending_count_for
from ...extensions import db
from ...i18n import current_language, direction
from ...learning.record import learner_record
from ...models import User, utcnow
from ...permissions import MANAGER_ROLES, can_view_learner, is_national, role_required
from ...reports.charts import dashboard_charts
from ...reports.drilldown import sort_keys
from ...reports.exports import CSV_TYPE, csv_chunks, csv_separator, write_xlsx
from ...reports.filters import FilterError, ReportFilters, filter_choices, parse_filters
from ...reports.queries import DIMENSIONS, course_titles
from ...reports.requests import dimensions_for, learner_list, parse_metric_and_sort
from ...reports.tables import (
    TABLE_NAMES,
    breakdown_table,
    cell_display,
    dashboard_tables,
    report_table,
)
from ...sessions.report_groups import NO_PROVINCE, group_table
from ..inputs import page_arg
from .common import bp

DASHBOARD_ROWS = 10  # the largest groups; the breakdown page and the exports have them all
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> ReportFilters:
    """Parse the report filters of the request: 400 when malformed, 404 when out of scope."""
    try:
        return parse_filters(current_user, request.args)
    except FilterError as error:
        abort(error.status)


@bp.route("/")
@role_required(*MANAGER_ROLES)
def dashboard():
    filters = _filters()
    language = current_language()
    tables = dashboard_tables(
        current_user, filters, language, dimensions_for(current_user), counted=True
    )
    largest = {
        by: sorted(tables[by].rows, key=lambda row: -row["learners"])[:DASHBOARD_ROWS]
        for by in DIMENSIONS
        if by in tables and by != "region"
    }
    national = is_national(current_user)
    # Training sessions: regions side by side for national staff, a region's provinces else.
    sessions = group_table(
        current_user,
        "region" if national else "province",
        None if national else current_user.region_id,
        language,
    )
    return render_template(
        "coordinate/dashboard.html",
        sessions=sessions,
        sessions_by="region" if national else "province",
        cell_display=cell_display,
        no_province=NO_PROVINCE,
        largest=largest,
        filters=filters,
        tables=tables,
        charts=dashboard_charts(tables, rtl=direction(language) == "rtl"),
        choices=filter_choices(current_user, language),
        national=national,
        pending_requests=pending_count_for(current_user),
    )


@bp.route("/breakdown/<by>")
@role_required(*MANAGER_ROLES)
def breakdown(by: str):
    if by not in DIMENSIONS:
        abort(404)
    if by not in dimensions_for(current_user):
        abort(403)
    filters = _filters()
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
@role_required(*MANAGER_ROLES)
def learners():
    try:
        found = learner_list(current_user, request.args, current_language(), page_arg())
    except FilterError as error:
        abort(error.status)
    return render_template(
        "coordinate/learners.html",
        filters=found.filters,
        metric=found.metric,
        sort=found.sort,
        sortable=sort_keys(found.metric),
        table=found.table,
        pages=found.pages,
        choices=filter_choices(current_user, current_language()),
        national=is_national(current_user),
    )


@bp.route("/learners/<int:user_id>")
@role_required(*MANAGER_ROLES)
def learner(user_id: int):
    learner = db.session.get(User, user_id)
    if learner is None or not can_view_learner(current_user, learner):
        abort(404)  # never confirm that someone exists in another region
    record = learner_record(learner, current_language())
    return render_template(
        "coordinate/learner.html",
        learner=learner,
        enrolments=record.enrolments,
        done=record.done,
        attempts=record.attempts,
        certificates=record.certificates,
        module_titles=record.module_titles,
        titles=course_titles(current_language()),
        now=utcnow(),
    )


@bp.route("/export/<name>.<fmt>")
@role_required(*MANAGER_ROLES)
def export(name: str, fmt: str):
    if fmt not in ("csv", "xlsx") or name not in (*TABLE_NAMES, "dashboard"):
        abort(404)
    if name == "region" and not is_national(current_user):
        abort(403)
    if name == "dashboard" and fmt != "xlsx":
        abort(404)
    filters = _filters()
    try:
        metric, sort = parse_metric_and_sort(request.args)
    except FilterError as error:
        abort(error.status)
    language = current_language()
    filename = f"depomi-{name}-{date.today().isoformat()}.{fmt}"
    if name == "dashboard":
        dimensions = dimensions_for(current_user)
        tables = list(dashboard_tables(current_user, filters, language, dimensions).values())
    else:
        tables = [report_table(name, current_user, filters, language, metric, sort)]
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(tables[0], csv_separator(request.args.get("sep")))),
            content_type=CSV_TYPE,
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
