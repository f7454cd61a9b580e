"""Session reports for trainers and coordinators: per session, by region and by province, with
drill-down, and CSV/XLSX exports made from the same rows as the page."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from ..extensions import db
from ..i18n import current_language, direction
from ..models import Province, Region, Role
from ..permissions import can_manage_session, is_national, role_required
from ..reports.exports import CSV_TYPE, csv_chunks, csv_separator, write_xlsx
from ..reports.tables import Table, cell_display
from ..sessions.report_groups import GROUPS, NO_PROVINCE, group_table
from ..sessions.reports import learner_table, session_table
from ..sessions.scheduling import get_session

bp = Blueprint("session_reports", __name__, url_prefix="/sessions")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWERS = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


def _region_or_404(code: str | None) -> Region | None:
    if not code:
        return None
    region = db.session.scalar(sa.select(Region).where(Region.code == code[:64]))
    if region is None:
        abort(404)
    return region


def _province_or_404(code: str | None, region: Region | None) -> Province | None:
    """Return the province asked for; 404 when unknown or outside `region` (when given)."""
    if not code or code == NO_PROVINCE:
        return None
    province = db.session.scalar(sa.select(Province).where(Province.code == code[:64]))
    if province is None or (region is not None and province.region_id != region.id):
        abort(404)
    return province


def _scope() -> tuple[Region | None, Province | None]:
    """Return the region and province the query string narrows to, within the viewer's reach.

    A regional coordinator is kept to their region: asking for another region, or a province
    of another region, is a 404, on the page and the exports alike.
    """
    region = _region_or_404(request.args.get("region"))
    if current_user.role == Role.COORDINATOR and not is_national(current_user):
        if region is not None and region.id != current_user.region_id:
            abort(404)
        region = current_user.region
    province = _province_or_404(request.args.get("province"), region)
    if province is not None and region is None:
        region = province.region
    return region, province


def _table() -> tuple[Table, dict]:
    """Return the table the query string asks for: sessions, or a region/province grouping."""
    by = request.args.get("by", "session")
    if by not in ("session", *GROUPS):
        abort(404)
    region, province = _scope()
    region_id = region.id if region is not None else None
    view = {"by": by, "region": region, "province": province, "without_province": False}
    language = current_language()
    if by in GROUPS and current_user.role != Role.TRAINER:
        return group_table(current_user, by, region_id, language), view
    without_province = request.args.get("province") == NO_PROVINCE and region is not None
    table = session_table(
        current_user,
        region_id=region_id,
        province_id=province.id if province is not None else None,
        without_province=without_province,
        language=language,
    )
    return table, {**view, "by": "session", "without_province": without_province}


@bp.route("/report")
@role_required(*VIEWERS)
def index():
    table, view = _table()
    return render_template(
        "sessions/report.html",
        table=table,
        view=view,
        cell_display=cell_display,
        no_province=NO_PROVINCE,
        national=is_national(current_user),
        language=current_language(),
    )


@bp.route("/report.<fmt>")
@role_required(*VIEWERS)
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    table, view = _table()
    return _download(table, f"depomi-sessions-{view['by']}-{date.today().isoformat()}.{fmt}", fmt)


@bp.route("/<int:session_id>/learners.<fmt>")
@role_required(*VIEWERS)
def learners(session_id: int, fmt: str):
    session = get_session(session_id)
    if (
        fmt not in ("csv", "xlsx")
        or session is None
        or not can_manage_session(current_user, session)
    ):
        abort(404)
    return _download(learner_table(session), f"depomi-session-{session.id}-learners.{fmt}", fmt)


def _download(table: Table, filename: str, fmt: str) -> Response:
    """Send `table` as CSV or XLSX, made from the same rows as the page."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(table, csv_separator(request.args.get("sep")))),
            content_type=CSV_TYPE,
            headers=headers,
        )
    handle = write_xlsx([table], rtl=direction(current_language()) == "rtl")
    data = handle.read()
    handle.close()
    return Response(data, mimetype=XLSX_TYPE, headers=headers)
