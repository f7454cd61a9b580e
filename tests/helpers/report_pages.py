"""Reading what the report pages, exports and API show, to compare them with each other."""

import csv
import io
import re
from html.parser import HTMLParser

from openpyxl import load_workbook

STAT_RE = re.compile(
    r'<div class="stat" data-key="(\w+)">\s*<dt>.*?</dt>\s*<dd>(?:<a [^>]*>)?([^<]*)', re.S
)
TOTAL_RE = re.compile(r'<p class="muted" id="total">(\d+) rows?</p>')


def summary_on_page(html: str) -> dict[str, str]:
    """Return the summary figures of the dashboard as shown (text)."""
    return {key: value.strip().replace("—", "") for key, value in STAT_RE.findall(html)}


def total_on_page(html: str) -> int:
    match = TOTAL_RE.search(html)
    assert match, "no row count on the page"
    return int(match.group(1))


class _TableParser(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None
        self.in_time = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag in ("time", "data"):
            # Days and decimals are written for people in their language; the machine-readable
            # attribute is what the exports hold.
            self.cell.append(dict(attrs)["datetime" if tag == "time" else "value"])
            self.in_time = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("time", "data"):
            self.in_time = False
        if self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.in_time:
            self.cell.append(data)


def table_on_page(html: str, table_id: str) -> list[list[str]]:
    """Return the rows (header first) of the table with `table_id`, as text."""
    parser = _TableParser(table_id)
    parser.feed(html)
    return parser.rows


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV starts with a BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes, sheet: int = 0) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def xlsx_cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def number(value: object) -> float | None:
    """Return a figure from a page, CSV, XLSX or JSON as a number (None when blank)."""
    if value is None or value == "":
        return None
    return round(float(value), 1)
