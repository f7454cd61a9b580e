"""Reports as tables: named columns and rows, the one shape the page, exports and API share."""

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from ..database import paginate_rows
from ..extensions import db
from ..i18n import format_day, format_month, format_number
from ..models import User, utcnow
from .counted import counted_dashboard
from .drilldown import Sort, drilldown
from .filters import ReportFilters
from .queries import DIMENSIONS, course_breakdown, course_titles, measures, timeline

TABLE_NAMES = ("summary", *DIMENSIONS, "timeline", "learners")
STREAM_BATCH = 1000
NUMBERS = (int, float, Decimal)  # what the database returns for counts, rates and scores
MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | count | rate | score | date | month | flag | value


@dataclass
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: Iterable[dict]


MEASURE_COLUMNS = (
    Column("learners", _l("Learners"), "count"),
    Column("enrolled", _l("Enrolled"), "count"),
    Column("started", _l("Started"), "count"),
    Column("completed", _l("Completed"), "count"),
    Column("certified", _l("Certified"), "count"),
    Column("completion_rate", _l("Completion rate (%)"), "rate"),
    Column("average_score", _l("Average score (%)"), "score"),
    Column("overdue", _l("Overdue"), "count"),
)
DIMENSION_LABELS = {
    "region": _l("Region"),
    "province": _l("Province or prefecture"),
    "institution": _l("Institution"),
    "job_function": _l("Job function"),
    "course": _l("Course"),
}
PERSON_COLUMNS = (
    Column("name_latin", _l("Name (Latin script)")),
    Column("name_arabic", _l("Name (Arabic script)")),
    Column("email", _l("Email")),
    Column("province", _l("Province or prefecture")),
    Column("institution", _l("Institution")),
    Column("job_function", _l("Job function")),
)
PEOPLE_COLUMNS = (
    *PERSON_COLUMNS,
    Column("enrolled", _l("Enrolled"), "count"),
    Column("completed", _l("Completed"), "count"),
    Column("overdue", _l("Overdue"), "count"),
)
ENROLMENT_COLUMNS = (
    *PERSON_COLUMNS,
    Column("course", _l("Course")),
    Column("enrolled_at", _l("Enrolled on"), "date"),
    Column("due_at", _l("Due on"), "date"),
    Column("last_activity_at", _l("Last activity"), "date"),
    Column("completed_at", _l("Completed on"), "date"),
    Column("score", _l("Score (%)"), "score"),
)


def table_title(name: str, metric: str = "") -> str:
    """Return the human title of a table (sheet names, headings)."""
    titles = {
        "summary": _l("Summary"),
        "timeline": _l("Completions per month"),
        "learners": _l("Learners"),
        "results": _l("Results"),
        **{by: DIMENSION_LABELS[by] for by in DIMENSIONS},
    }
    return str(titles.get(name, name))


def local_date(value: datetime) -> str:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return value.astimezone(zone).date().isoformat()


def cell_text(value: object, kind: str) -> str:
    """Return a cell as data text, the same in every language: the CSV and XLSX text cells.

    Points for decimals and ISO days, so that a CSV reads back the same everywhere; pages and
    PDFs show `cell_display` instead."""
    if value is None or value == "":
        return ""
    if kind == "value":  # a published result: a rounded number or "<5"
        return str(value)
    if kind == "count" and isinstance(value, NUMBERS):
        return str(int(value))
    if kind in ("rate", "score") and isinstance(value, NUMBERS):
        return f"{float(value):.1f}"
    if kind == "ratio" and isinstance(value, NUMBERS):
        return f"{float(value):.2f}"
    if kind == "date" and isinstance(value, datetime):
        return local_date(value)
    if kind == "flag":
        return gettext("Yes") if value else ""
    return str(value)


def cell_display(value: object, kind: str, language: str | None = None) -> str:
    """Return a cell as a page or PDF shows it: the language's decimal sign, days written out."""
    if value is None or value == "":
        return ""
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        if kind in ("rate", "score"):
            return format_number(float(value), 1, language)
        if kind == "ratio":
            return format_number(float(value), 2, language)
        if kind == "value":
            return format_number(value, None, language)
    if kind == "date" and isinstance(value, datetime):
        return format_day(value, "long", language)
    if kind == "month" and isinstance(value, str) and MONTH.fullmatch(value):
        return format_month(value, language)
    return cell_text(value, kind)


def cell_json(value: object, kind: str) -> object:
    """Return a cell for the JSON API: numbers as numbers, timestamps in ISO 8601."""
    if isinstance(value, datetime):
        return value.isoformat()
    if kind == "flag":
        return bool(value)
    if kind in ("rate", "score") and isinstance(value, NUMBERS):
        return round(float(value), 1)
    if kind == "ratio" and isinstance(value, NUMBERS):
        return round(float(value), 2)
    return value


def summary_table(user: User, filters: ReportFilters) -> Table:
    return Table("summary", MEASURE_COLUMNS, measures(user, filters, (), "")["summary"])


def _breakdown_columns(by: str) -> tuple[Column, ...]:
    columns: tuple[Column, ...] = (Column("label", DIMENSION_LABELS[by]), *MEASURE_COLUMNS)
    if by == "region":
        columns = (*columns, Column("programme", _l("Programme region"), "flag"))
    return columns


def breakdown_table(user: User, filters: ReportFilters, by: str, language: str) -> Table:
    if by == "course":
        rows = course_breakdown(user, filters, language)
    else:
        rows = measures(user, filters, (by,), language)[by]
    return Table(by, _breakdown_columns(by), rows)


def dashboard_tables(
    user: User,
    filters: ReportFilters,
    language: str,
    dimensions: tuple[str, ...],
    counted: bool = False,
) -> dict[str, Table]:
    """Return every table of the dashboard: one scan for the summary and the breakdowns by
    person, one for courses, one for the timeline; from the counters when `counted` and the
    filters allow (the page), else from the live rows (the exports)."""
    found = counted_dashboard(user, filters, dimensions, language, utcnow()) if counted else None
    if found is not None:
        return _counted_tables(found, dimensions)
    people = tuple(d for d in dimensions if d != "course")
    values = measures(user, filters, people, language)
    tables = {"summary": Table("summary", MEASURE_COLUMNS, values["summary"])}
    for by in people:
        tables[by] = Table(by, _breakdown_columns(by), values[by])
    if "course" in dimensions:
        tables["course"] = Table(
            "course", _breakdown_columns("course"), course_breakdown(user, filters, language)
        )
    tables["timeline"] = timeline_table(user, filters)
    return tables


def _counted_tables(found: dict[str, list[dict]], dimensions: tuple[str, ...]) -> dict:
    tables = {"summary": Table("summary", MEASURE_COLUMNS, found["summary"])}
    for by in dimensions:
        tables[by] = Table(by, _breakdown_columns(by), found[by])
    tables["timeline"] = Table("timeline", TIMELINE_COLUMNS, found["timeline"])
    return tables


TIMELINE_COLUMNS = (
    Column("month", _l("Month"), "month"),
    Column("completed", _l("Completed"), "count"),
)


def timeline_table(user: User, filters: ReportFilters) -> Table:
    return Table("timeline", TIMELINE_COLUMNS, timeline(user, filters))


def _shape(rows: Iterable, language: str, titles: dict[str, str]) -> Iterator[dict]:
    for row in rows:
        values = dict(row)
        french, arabic = values.pop("province_fr"), values.pop("province_ar")
        values["province"] = arabic if language == "ar" else french
        if "course_id" in values:
            values["course"] = titles.get(values["course_id"], values["course_id"])
        yield values


def stream_rows(query) -> Iterator:
    """Yield rows as the database sends them, a batch at a time.

    On PostgreSQL the rows come through a server-side cursor on a connection of its own: the
    request's session may commit before a streamed response is sent, which would close a cursor
    of its transaction.
    """
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            result = connection.execution_options(yield_per=STREAM_BATCH).execute(query)
            yield from (row._mapping for row in result)
    else:
        rows = db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
        yield from (row._mapping for row in rows)


def _learners_table(metric: str, language: str, rows: Iterable[Mapping[str, object]]) -> Table:
    columns = PEOPLE_COLUMNS if metric == "learners" else ENROLMENT_COLUMNS
    titles = {} if metric == "learners" else course_titles(language)
    return Table("learners", columns, _shape(rows, language, titles))


def drilldown_table(
    user: User, filters: ReportFilters, metric: str, sort: Sort, language: str
) -> Table:
    """Return every learner behind a number, streamed (exports and the API's full report)."""
    return _learners_table(metric, language, stream_rows(drilldown(user, filters, metric, sort)))


def drilldown_page(
    user: User, filters: ReportFilters, metric: str, sort: Sort, language: str, page: int
) -> tuple[Table, Pagination]:
    """Return one page of the learners behind a number, and where it stands among the pages."""
    found = paginate_rows(drilldown(user, filters, metric, sort), page)
    rows = [row._mapping for row in found.items]
    return _learners_table(metric, language, rows), found


def report_table(
    name: str, user: User, filters: ReportFilters, language: str, metric: str, sort: Sort
) -> Table:
    """Return the named report (one of TABLE_NAMES) in full, for exports and the API."""
    if name == "summary":
        return summary_table(user, filters)
    if name == "timeline":
        return timeline_table(user, filters)
    if name == "learners":
        return drilldown_table(user, filters, metric, sort, language)
    return breakdown_table(user, filters, name, language)


def table_json(table: Table) -> dict:
    """Return a table for the JSON API: column keys, labels and kinds, and typed rows."""
    return {
        "name": table.name,
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns],
        "rows": [
            {c.key: cell_json(row.get(c.key), c.kind) for c in table.columns} for row in table.rows
        ],
    }
