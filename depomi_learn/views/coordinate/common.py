"""The coordinators' blueprint: reports, drill-downs, exports, learner records, assignments."""

from flask import Blueprint

from ...reports.tables import cell_display, cell_text

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")
bp.add_app_template_filter(cell_display, "report_cell")
bp.add_app_template_filter(cell_text, "report_value")  # data text, e.g. a date input's value
