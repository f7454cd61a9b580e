"""CSV and XLSX exports of report tables, written as they are read, in constant memory.

Cells a spreadsheet could take for a formula (starting with = + - @, a tab or a carriage
return) are neutralised: prefixed with an apostrophe in CSV, stored as quote-prefixed text in
XLSX. Numbers stay numbers, and days are date cells that the spreadsheet shows in its own
language. In CSV the same is done after every separator inside a field
(',' or the ';' of French Excel), and a field holding a separator, a quote or a line break is
quoted, so that no part of it becomes a live cell of its own.
"""

import io
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO

import xlsxwriter

from ..i18n import local_moment
from .tables import Table, cell_text, table_title

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_KINDS = frozenset({"count", "rate", "score", "ratio"})
# Excel number formats: the decimals the page shows; the decimal sign is the reader's own.
CELL_FORMATS = {"rate": "0.0", "score": "0.0", "ratio": "0.00", "date": "dd/mm/yyyy"}
CSV_FLUSH_BYTES = 64 * 1024
# The whole header value: given as a mimetype, Werkzeug would add a second "charset=utf-8".
CSV_TYPE = "text/csv; charset=utf-8"
# Comma by default; French Excel expects ';' (`?sep=semicolon`, the "Excel" link on each page).
CSV_SEPARATORS = {"comma": ",", "semicolon": ";"}
CSV_QUOTE_NEEDED = re.compile(r'[,;"\t\r\n]')
# French Excel splits on ';' even inside quotes it does not see at a cell's start.
FORMULA_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n])(?=[=+\-@\t\r])")


def neutralise(text: str) -> str:
    """Return `text` so that no spreadsheet runs it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_field(text: str, *, number: bool = False) -> str:
    """Return one CSV field: neutralised unless a number, quoted when it holds a separator."""
    if not number:
        text = neutralise(FORMULA_AFTER_SEPARATOR.sub(r"\1'", text))
    if CSV_QUOTE_NEEDED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_separator(name: str | None) -> str:
    """Return the separator a `sep` query value names: ';' for "semicolon", else ','."""
    return CSV_SEPARATORS.get(name or "comma", ",")


def csv_line(fields: list[str], separator: str = ",") -> str:
    """Return one CSV line of fields already made safe by `csv_field`."""
    return separator.join(fields) + "\r\n"


def csv_cell(value: object, kind: str) -> str:
    return csv_field(cell_text(value, kind), number=_is_number(value, kind))


def _is_number(value: object, kind: str) -> bool:
    """Whether a cell is a number: always in a number column, in a value column unless "<5"."""
    return kind in NUMBER_KINDS or (kind == "value" and isinstance(value, int | float))


def csv_chunks(table: Table, separator: str = ",") -> Iterator[str]:
    """Yield a UTF-8 CSV (with BOM, so Excel reads Arabic) in chunks as rows arrive."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    buffer.write(csv_line([csv_field(str(c.label)) for c in table.columns], separator))
    for row in table.rows:
        cells = [csv_cell(row.get(c.key), c.kind) for c in table.columns]
        buffer.write(csv_line(cells, separator))
        if buffer.tell() >= CSV_FLUSH_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\'")[:28] or "Sheet"
    candidate, number = name, 2
    while candidate.casefold() in used:
        candidate, number = f"{name[:25]} {number}", number + 1
    used.add(candidate.casefold())
    return candidate


def write_xlsx(tables: list[Table], *, rtl: bool = False) -> IO[bytes]:
    """Write `tables` as the sheets of one workbook into a temporary file, rewound for reading.

    XlsxWriter's constant-memory mode flushes each row to disk as it is written, so a
    hundred thousand rows cost no more memory than ten.
    """
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller streams it, then closes it
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = workbook.add_format({"bold": True})
    formats = {kind: workbook.add_format({"num_format": f}) for kind, f in CELL_FORMATS.items()}
    formats["quoted"] = workbook.add_format({"quote_prefix": True})
    used: set[str] = set()
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(table_title(table.name), used))
        if rtl:
            sheet.right_to_left()
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, str(column.label), header)
        for number, row in enumerate(table.rows, start=1):
            for col, column in enumerate(table.columns):
                _write_cell(sheet, number, col, row.get(column.key), column.kind, formats)
    workbook.close()
    handle.seek(0)
    return handle


def _write_cell(sheet, row: int, col: int, value: object, kind: str, formats: dict) -> None:
    if value is None or value == "":
        return
    if _is_number(value, kind):
        number = float(cell_text(value, kind))
        sheet.write_number(row, col, int(number) if kind == "count" else number, formats.get(kind))
        return
    if kind == "date" and isinstance(value, datetime):
        sheet.write_datetime(row, col, local_moment(value).date(), formats["date"])
        return
    text = cell_text(value, kind)
    quoted = text.startswith(FORMULA_STARTS)
    sheet.write_string(row, col, text, formats["quoted"] if quoted else None)
