"""Downloadable templates in a course's assets/: text (CSV, Markdown) and office files.

Images and PDF are recognised by their content (assets.sniff_media_type). Templates a learner
fills in are recognised by their extension *and* checked against their content: a .csv or .md file
must be UTF-8 text without NUL bytes, and an office file must be a ZIP holding the parts its format
requires. Anything else stays unrecognised (W401) and is served as application/octet-stream.
"""

from __future__ import annotations

import io
import zipfile

TEXT_TYPES = {".csv": "text/csv; charset=utf-8", ".md": "text/markdown; charset=utf-8"}
OFFICE_TYPES = {
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/document.xml",
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/workbook.xml",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "content.xml"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "content.xml"),
}
MAX_ZIP_ENTRIES = 1000


def attachment_media_type(name: str, data: bytes) -> str | None:
    """Return the media type of a template file, or None when name and content disagree."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in TEXT_TYPES:
        return TEXT_TYPES[suffix] if _is_text(data) else None
    if suffix in OFFICE_TYPES:
        media_type, required = OFFICE_TYPES[suffix]
        return media_type if _zip_has(data, required) else None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _zip_has(data: bytes, required: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False
    marker = "mimetype" if required == "content.xml" else "[Content_Types].xml"
    return len(names) <= MAX_ZIP_ENTRIES and required in names and marker in names
