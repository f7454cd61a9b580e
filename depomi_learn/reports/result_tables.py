"""Results as flat tables and JSON rows: the shapes the page, the CSV, the XLSX and the command
share, built from the one list `results.results` returns.
"""

from flask_babel import lazy_gettext as _l

from ..i18n import format_number
from .indicators import BREAKDOWN_LABELS
from .results import IndicatorResult
from .tables import Column, Table


def value_text(value: object) -> str:
    """Return a published value as text, as CSV writes it: a rounded number, "<5" or ""."""
    return "" if value is None else str(value)


def value_display(value: object, language: str | None = None) -> str:
    """Return a published value as a page or PDF shows it: the language's decimal sign."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, None, language)
    return value_text(value)


def published_cells(result: IndicatorResult) -> list:
    """Return the cells one indicator publishes: each group of the breakdown, else the total."""
    if not result.by:
        return [result.total]
    return result.cells


def flat_rows(found: list[IndicatorResult]) -> list[dict]:
    """Return the command's JSON rows: {"indicator", "value", one code per breakdown}.

    An indicator that cannot be broken down as asked gives no row.
    """
    rows = []
    for result in found:
        for cell in published_cells(result):
            row = {"indicator": result.indicator.id, "value": cell.shown}
            row.update(zip(result.by, cell.key, strict=True))
            if cell.value is None and not cell.hidden and result.note:
                row["note"] = result.note
            rows.append(row)
    return rows


def flat_table(found: list[IndicatorResult], by: tuple[str, ...], language: str) -> Table:
    """Return every published cell as one table: indicator, groups, value, unit, note."""
    columns = (
        Column("indicator", _l("Indicator")),
        *(Column(name, BREAKDOWN_LABELS[name]) for name in by),
        Column("value", _l("Value"), "value"),
        Column("unit", _l("Unit")),
        Column("note", _l("Note")),
    )
    rows = []
    for result in found:
        for cell in published_cells(result):
            rows.append(
                {
                    "indicator": result.indicator.text("name", language),
                    **dict(zip(result.by, cell.labels, strict=True)),
                    "value": cell.shown,
                    "unit": result.indicator.text("unit", language),
                    "note": result.note if cell.value is None and not cell.hidden else "",
                }
            )
    return Table("results", columns, rows)
