"""JSON API for coordinators: the reports of the pages, with the same scope and the same numbers."""

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..i18n import current_language
from ..permissions import MANAGER_ROLES, is_national
from ..reports.filters import FilterError, ReportFilters, parse_filters
from ..reports.requests import dimensions_for, learner_list, parse_metric_and_sort
from ..reports.tables import (
    TABLE_NAMES,
    dashboard_tables,
    report_table,
    table_json,
)
from .inputs import page_arg

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def _coordinators_only() -> None:
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in MANAGER_ROLES:
        abort(403)


@bp.errorhandler(HTTPException)
def _json_error(error: HTTPException):
    return jsonify(error=error.name, status=error.code), error.code


def _filters() -> ReportFilters:
    try:
        return parse_filters(current_user, request.args)
    except FilterError as error:
        abort(error.status)


def _scope() -> dict:
    region = current_user.region
    return {"national": is_national(current_user), "region": region.code if region else None}


@bp.route("/reports/dashboard")
def dashboard():
    filters = _filters()
    dimensions = dimensions_for(current_user)
    tables = dashboard_tables(current_user, filters, current_language(), dimensions)
    return jsonify(
        scope=_scope(),
        filters=filters.args,
        summary=table_json(tables["summary"])["rows"][0],
        tables={name: table_json(table) for name, table in tables.items() if name != "summary"},
    )


@bp.route("/reports/learners")
def learners():
    try:
        found = learner_list(current_user, request.args, current_language(), page_arg())
    except FilterError as error:
        abort(error.status)
    return jsonify(
        scope=_scope(),
        filters=found.filters.args,
        metric=found.metric,
        sort=found.sort.arg,
        page=found.pages.page,
        page_size=found.pages.per_page,
        total=found.pages.total,
        **table_json(found.table),
    )


@bp.route("/reports/<name>")
def report(name: str):
    if name not in TABLE_NAMES:
        abort(404)
    if name == "region" and not is_national(current_user):
        abort(403)
    filters = _filters()
    try:
        metric, sort = parse_metric_and_sort(request.args)
    except FilterError as error:
        abort(error.status)
    table = report_table(name, current_user, filters, current_language(), metric, sort)
    return jsonify(scope=_scope(), filters=filters.args, **table_json(table))
