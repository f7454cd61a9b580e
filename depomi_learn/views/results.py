"""Programme results: the indicators page, their definitions, downloads and the quarterly report."""

from collections.abc import Iterator
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..i18n import current_language, direction
from ..models import Role
from ..permissions import is_national, role_required
from ..reports.exports import CSV_TYPE, csv_chunks, csv_separator, write_xlsx
from ..reports.indicators import BREAKDOWN_LABELS, BY_ID, INDICATORS, PERSON_BREAKDOWNS
from ..reports.quarterly import build_quarterly, quarterly_workbook, recent_quarters
from ..reports.result_tables import flat_table, value_display
from ..reports.results import ResultsRequest, parse_request, results
from ..reports.summary_pdf import render_summary_pdf

bp = Blueprint("results", __name__, url_prefix="/results")
bp.add_app_template_filter(value_display, "result_value")
REPORT_LANGUAGES = ("fr", "ar")  # the languages the programme reports in
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def requested() -> ResultsRequest:
    """Read the indicators, breakdowns and dates of the request: 400 when malformed."""
    try:
        return parse_request(
            request.args, request.args.getlist("indicator"), request.args.getlist("by")
        )
    except ValueError:
        abort(400)


def _scope() -> str:
    if is_national(current_user) or current_user.region is None:
        return _("All regions")
    return current_user.region.name(current_language())


def _download(body, filename: str, content_type: str) -> Response:
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _chunks_then_close(handle) -> Iterator[bytes]:
    try:
        while chunk := handle.read(64 * 1024):
            yield chunk
    finally:
        handle.close()


@bp.route("/")
@role_required(Role.COORDINATOR, Role.ADMIN)
def index():
    asked = requested()
    return render_template(
        "results/index.html",
        asked=asked,
        found=results(current_user, asked),
        indicators=INDICATORS,
        breakdowns=PERSON_BREAKDOWNS,
        breakdown_labels=BREAKDOWN_LABELS,
        scope=_scope(),
        args=request.args.to_dict(flat=False),
        quarters=recent_quarters(date.today()),
        language=current_language(),
    )


@bp.route("/definitions")
@role_required(Role.COORDINATOR, Role.ADMIN)
def definitions():
    return render_template(
        "results/definitions.html",
        indicators=INDICATORS,
        breakdown_labels=BREAKDOWN_LABELS,
        by_id=BY_ID,
        language=current_language(),
    )


@bp.route("/export.<fmt>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    asked = requested()
    language = current_language()
    table = flat_table(results(current_user, asked), asked.by, language)
    filename = f"depomi-results-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        separator = csv_separator(request.args.get("sep"))
        return _download(csv_chunks(table, separator), filename, CSV_TYPE)
    handle = write_xlsx([table], rtl=direction(language) == "rtl")
    return _download(_chunks_then_close(handle), filename, XLSX_TYPE)


@bp.route("/quarterly.<fmt>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def quarterly(fmt: str):
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    asked = requested()
    shown = current_language()
    language = request.args.get("lang") or (shown if shown in REPORT_LANGUAGES else "fr")
    if language not in REPORT_LANGUAGES:
        abort(400)
    body: bytes | Iterator[bytes]
    with force_locale(language):
        report = build_quarterly(
            current_user, asked.start, asked.end, is_national(current_user), _scope(), language
        )
        if fmt == "pdf":
            body = render_summary_pdf(report)
        else:
            body = _chunks_then_close(quarterly_workbook(report))
    filename = f"depomi-results-{(asked.end or date.today()).isoformat()}-{language}.{fmt}"
    return _download(body, filename, "application/pdf" if fmt == "pdf" else XLSX_TYPE)
