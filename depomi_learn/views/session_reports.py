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
from ..reports.tables import Table, cell_text
from ..sessions.reports import group_table, learner_table, session_table
from ..sessions.scheduling import get_session

bp = Blueprint("session_reports", __name__, url_prefix="/sessions")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWERS = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


def _code_to_id(model, code: str | None) -> int | None:
    if not code:
        return None
    found = db.session.scalar(sa.select(model.id).where(model.code == code[:64]))
    if found is None:
        abort(404)
    return found


def _table() -> tuple[Table, dict]:
    """Return the table the query string asks for: sessions, or a region/province grouping."""
    by = request.args.get("by", "session")
    region_id = _code_to_id(Region, request.args.get("region"))
    province_id = _code_to_id(Province, request.args.get("province"))
    if current_user.role == Role.COORDINATOR and not is_national(current_user):
        if region_id not in (None, current_user.region_id):
            abort(404)
        region_id = current_user.region_id
    if by in ("region", "province") and current_user.role != Role.TRAINER:
        return group_table(current_user, by, region_id), {"by": by, "region": region_id}
    if by not in ("session", "region", "province"):
        abort(404)
    table = session_table(current_user, region_id=region_id, province_id=province_id)
    return table, {"by": "session", "region": region_id, "province": province_id}


@bp.route("/report")
@role_required(*VIEWERS)
def index():
    table, view = _table()
    return render_template("sessions/report.html", table=table, view=view, cell_text=cell_text)


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
