"""The coordinators' blueprint: reports, drill-downs, exports, learner records, assignments."""

from flask import Blueprint

from ...reports.tables import cell_text

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")
bp.add_app_template_filter(cell_text, "report_cell")
