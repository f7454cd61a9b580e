"""Files handed in for practical work: recognised by content, stored outside the web root.

A file is what its bytes say, never what its name says: PDF, PNG and JPEG by their magic bytes;
DOCX, XLSX and ODT by the structure of their zip (`[Content_Types].xml` or `mimetype`), with
macros refused. Anything else (an executable, a plain zip, a macro-enabled document) is refused
with a message that names the file. Stored files get a random name; the original name is kept
only as sanitised metadata.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from . import SubmissionRefused

OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MACRO_PARTS = re.compile(r"(vbaproject\.bin|vbadata\.xml|/activex/|^basic/|^scripts/)", re.I)
MACRO_TYPES = re.compile(rb"macroEnabled|vbaProject", re.IGNORECASE)
MAX_MEMBERS = 2000
MAX_UNPACKED = 100 * 1024 * 1024  # a zip bomb is refused before anything is unpacked
MAX_PIXELS = 40_000_000
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "odt": "odt", "png": "png"}
EXTENSIONS |= {"jpg": "jpg", "jpeg": "jpg"}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\Z")


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    file_type: str
    data: bytes


def check_file(filename: str, data: bytes, *, allowed: list[str], max_bytes: int) -> CheckedFile:
    """Recognise an uploaded file by its content; raise SubmissionRefused with the reason."""
    name = clean_name(filename)
    if len(data) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise SubmissionRefused(_("%(name)s is larger than %(size)d MB.", name=name, size=limit))
    if not data:
        raise SubmissionRefused(_("%(name)s is empty.", name=name))
    file_type = sniff_type(name, data)
    claimed = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if claimed != file_type:
        raise SubmissionRefused(
            _(
                "%(name)s: its name does not match its content (%(type)s).",
                name=name,
                type=file_type.upper(),
            )
        )
    if file_type not in allowed:
        kinds = ", ".join(kind.upper() for kind in allowed)
        raise SubmissionRefused(
            _("%(name)s: this assignment accepts %(kinds)s files.", name=name, kinds=kinds)
        )
    return CheckedFile(name, file_type, data)


def sniff_type(name: str, data: bytes) -> str:
    """Return the accepted type of `data`, or raise SubmissionRefused naming the problem."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return _image_type(name, data)
    if data.startswith(b"PK\x03\x04"):
        return _document_type(name, data)
    if data.startswith((b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        raise SubmissionRefused(_("%(name)s is a program, not a document.", name=name))
    raise SubmissionRefused(
        _("%(name)s is not a PDF, DOCX, XLSX, ODT, PNG or JPEG file.", name=name)
    )


def _image_type(name: str, data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise SubmissionRefused(_("%(name)s: the image is too large.", name=name))
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise SubmissionRefused(_("%(name)s is not a readable image.", name=name)) from error
    return {"PNG": "png", "JPEG": "jpg"}[kind or ""]


def _document_type(name: str, data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SubmissionRefused(_("%(name)s is a damaged file.", name=name)) from error
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED:
        raise SubmissionRefused(_("%(name)s unpacks to too much data.", name=name))
    names = [member.filename for member in members]
    if any(MACRO_PARTS.search(member) for member in names):
        raise SubmissionRefused(
            _("%(name)s contains macros: save it again as a document without macros.", name=name)
        )
    kind = _ooxml_type(archive, names) or _odt_type(archive, names)
    if kind is None:
        raise SubmissionRefused(
            _("%(name)s is a zip archive, not a DOCX, XLSX or ODT document.", name=name)
        )
    return kind


def _ooxml_type(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    if "[Content_Types].xml" not in names:
        return None
    content_types = _read(archive, "[Content_Types].xml")
    if MACRO_TYPES.search(content_types):
        raise SubmissionRefused(_("The document is macro-enabled: save it as .docx or .xlsx."))
    for kind, main_part in OOXML_MAIN.items():
        if main_part in names:
            return kind
    return None


def _odt_type(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    if not names or names[0] != "mimetype" or "content.xml" not in names:
        return None
    return "odt" if _read(archive, "mimetype").strip() == ODT_MIMETYPE else None


def _read(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        with archive.open(member) as handle:
            return handle.read(1024 * 1024)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        raise SubmissionRefused(_("The document is damaged or encrypted.")) from error


def clean_name(filename: str) -> str:
    """Return a file name fit to show: no folders, no control characters, at most 120."""
    base = re.split(r"[/\\]", filename or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] not in "CZ" or c == " ")
    base = re.sub(r"[^\w .()\-]+", "_", base).strip(" .")
    if len(base) > 120:
        stem, dot, extension = base.rpartition(".")
        base = (stem[: 119 - len(extension)] + dot + extension) if dot else base[:120]
    return base or "file"


def submissions_folder() -> Path:
    """Return the folder where handed-in files are kept (SUBMISSIONS_FOLDER)."""
    return Path(current_app.config["SUBMISSIONS_FOLDER"])


def store(data: bytes) -> tuple[str, str]:
    """Write `data` under a fresh random name; return (stored name, SHA-256)."""
    folder = submissions_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o750)
    stored_name = secrets.token_hex(16)
    with (folder / stored_name).open("xb") as handle:
        handle.write(data)
    return stored_name, hashlib.sha256(data).hexdigest()


def stored_path(stored_name: str) -> Path:
    """Return the path of a stored file; the name is checked, never taken from a request."""
    if not STORED_NAME.match(stored_name):
        raise ValueError("not a stored file name")
    return submissions_folder() / stored_name


def remove_stored(stored_names: list[str]) -> None:
    """Delete files written for a submission that was not kept (its transaction failed)."""
    for stored_name in stored_names:
        stored_path(stored_name).unlink(missing_ok=True)
