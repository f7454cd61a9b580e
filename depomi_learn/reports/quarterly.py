"""The quarterly report a coordinator sends as it is: every indicator in total and by sex, type of
institution and place (regions nationally, provinces in a region), as an XLSX workbook with one
sheet per indicator and a definitions sheet, right to left in Arabic.

The numbers are those of `results.results`, small groups hidden, as on the page.
"""

import tempfile
from dataclasses import dataclass, field
from datetime import date
from typing import IO

import xlsxwriter
from flask_babel import gettext

from ..i18n import format_day
from ..models import User
from .exports import FORMULA_STARTS
from .indicators import BREAKDOWN_LABELS, INDICATORS, Indicator
from .results import Computed, IndicatorResult, ResultsRequest, results


@dataclass
class QuarterlyReport:
    language: str
    start: date | None
    end: date | None
    scope: str  # "All regions" or the region's name
    totals: dict[str, IndicatorResult] = field(default_factory=dict)
    # breakdown -> indicator id -> result
    breakdowns: dict[str, dict[str, IndicatorResult]] = field(default_factory=dict)

    @property
    def period(self) -> str:
        start = (
            format_day(self.start, "long", self.language)
            if self.start
            else gettext("start of the programme")
        )
        end = format_day(self.end, "long", self.language) if self.end else gettext("today")
        return gettext("%(start)s to %(end)s", start=start, end=end)


def quarterly_breakdowns(national: bool) -> tuple[str, ...]:
    """Return the breakdowns of the quarterly report: the place is the region nationally."""
    return ("sex", "institution_type", "region" if national else "province")


def build_quarterly(
    user: User, start: date | None, end: date | None, national: bool, scope: str, language: str
) -> QuarterlyReport:
    """Compute the report: the totals, then each breakdown (the totals' rows computed once)."""
    report = QuarterlyReport(language, start, end, scope)
    computed: Computed = {}
    found = results(user, ResultsRequest(start=start, end=end), computed=computed)
    report.totals = {result.indicator.id: result for result in found}
    for by in quarterly_breakdowns(national):
        request = ResultsRequest(by=(by,), start=start, end=end)
        found = results(user, request, computed=computed)
        report.breakdowns[by] = {result.indicator.id: result for result in found}
    return report


def _sheet_name(indicator: Indicator, language: str, used: set[str]) -> str:
    name = "".join(c for c in indicator.text("name", language) if c not in "[]:*?/\\'")[:28]
    while name.casefold() in used:
        name = name[:26] + " " + str(len(used))
    used.add(name.casefold())
    return name


class _Writer:
    """Writes the cells of one sheet, neutralising text a spreadsheet could run as a formula."""

    def __init__(self, workbook: xlsxwriter.Workbook, sheet, rtl: bool) -> None:
        self.sheet = sheet
        self.bold = workbook.add_format({"bold": True})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        if rtl:
            sheet.right_to_left()

    def text(self, row: int, col: int, value: str, style=None) -> None:
        quoted = value.startswith(FORMULA_STARTS)
        self.sheet.write_string(row, col, value, self.quoted if quoted else style)

    def value(self, row: int, col: int, value: object) -> None:
        if isinstance(value, int | float):
            self.sheet.write_number(row, col, value)
        elif value is not None:
            self.sheet.write_string(row, col, str(value))


def _indicator_sheet(out: _Writer, report: QuarterlyReport, indicator: Indicator) -> None:
    language = report.language
    out.sheet.set_column(0, 0, 42)
    out.sheet.set_column(1, 1, 14)
    out.text(0, 0, indicator.text("name", language), out.bold)
    out.text(1, 0, f"{gettext('Period')}: {report.period}")
    out.text(2, 0, f"{gettext('Scope')}: {report.scope}")
    out.text(3, 0, f"{gettext('Unit')}: {indicator.text('unit', language)}")
    total = report.totals[indicator.id]
    out.text(5, 0, gettext("Total"), out.bold)
    out.value(5, 1, total.total.shown)
    if total.note:
        out.text(5, 2, total.note)
    row = 7
    for by, found in report.breakdowns.items():
        result = found[indicator.id]
        out.text(row, 0, str(BREAKDOWN_LABELS[by]), out.bold)
        out.text(row, 1, gettext("Value"), out.bold)
        row += 1
        if not result.cells:
            out.text(row, 0, result.note or gettext("No data for this period"))
            row += 1
        for cell in result.cells:
            out.text(row, 0, cell.labels[0])
            out.value(row, 1, cell.shown)
            row += 1
        row += 1
    out.text(
        row,
        0,
        gettext(
            "<5: fewer than 5 people, or hidden so that a small group cannot be"
            " worked out from the total."
        ),
    )


def _definitions_sheet(out: _Writer, language: str) -> None:
    headers = (
        gettext("Indicator"),
        gettext("Identifier"),
        gettext("Definition"),
        gettext("Unit"),
        gettext("Formula"),
        gettext("Breakdowns"),
    )
    for col, (header, width) in enumerate(zip(headers, (30, 20, 70, 18, 50, 40), strict=True)):
        out.sheet.set_column(col, col, width)
        out.text(0, col, header, out.bold)
    for row, indicator in enumerate(INDICATORS, start=1):
        out.text(row, 0, indicator.text("name", language), out.wrap)
        out.text(row, 1, indicator.id)
        out.text(row, 2, indicator.text("definition", language), out.wrap)
        out.text(row, 3, indicator.text("unit", language))
        out.text(row, 4, indicator.formula, out.wrap)
        out.text(row, 5, ", ".join(str(BREAKDOWN_LABELS[b]) for b in indicator.breakdowns))


def quarterly_workbook(report: QuarterlyReport) -> IO[bytes]:
    """Write the report as a workbook in a temporary file, rewound for reading."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller streams it, then closes it
    workbook = xlsxwriter.Workbook(handle, {"strings_to_formulas": False, "strings_to_urls": False})
    rtl = report.language == "ar"
    used: set[str] = set()
    for indicator in INDICATORS:
        sheet = workbook.add_worksheet(_sheet_name(indicator, report.language, used))
        _indicator_sheet(_Writer(workbook, sheet, rtl), report, indicator)
    sheet = workbook.add_worksheet(gettext("Definitions")[:31])
    _definitions_sheet(_Writer(workbook, sheet, rtl), report.language)
    workbook.close()
    handle.seek(0)
    return handle


def recent_quarters(today: date, count: int = 4) -> list[tuple[str, date, date]]:
    """Return the last `count` complete quarters as (label, first day, last day), newest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        first = date(year, 3 * quarter - 2, 1)
        after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        found.append((f"{year}-Q{quarter}", first, date.fromordinal(after.toordinal() - 1)))
    return found
