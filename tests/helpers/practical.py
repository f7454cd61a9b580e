"""Real tiny files for practical work tests: documents a learner hands in, and hostile ones."""

import io
import zipfile

from PIL import Image

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def zipped(members: dict[str, bytes | str], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members.items()):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx(*, extra: dict | None = None, content_type: str = DOCX_TYPE) -> bytes:
    types = CONTENT_TYPES.format(part="word/document.xml", content_type=content_type)
    members = {
        "[Content_Types].xml": types,
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document><w:body><w:p/></w:body></w:document>",
    }
    return zipped({**members, **(extra or {})})


def xlsx() -> bytes:
    types = CONTENT_TYPES.format(part="xl/workbook.xml", content_type=XLSX_TYPE)
    return zipped(
        {
            "[Content_Types].xml": types,
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook><sheets/></workbook>",
            "xl/printerSettings/printerSettings1.bin": b"\0\1",
        }
    )


def odt(*, extra: dict | None = None) -> bytes:
    members = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": "<office:document-content/>",
        "META-INF/manifest.xml": "<manifest:manifest/>",
    }
    return zipped({**members, **(extra or {})}, stored_first=True)


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


ALLOWED = {
    "pdf": ("profil.pdf", pdf),
    "docx": ("fiche projet.docx", docx),
    "xlsx": ("indicateurs.xlsx", xlsx),
    "odt": ("convention.odt", odt),
    "png": ("arbre.png", lambda: image("PNG")),
    "jpg": ("photo.jpeg", lambda: image("JPEG")),
}

REFUSED = {
    "elf-named-pdf": ("profil.pdf", b"\x7fELF\x02\x01\x01" + bytes(64), "is a program"),
    "exe-named-pdf": ("profil.pdf", b"MZ\x90\x00" + bytes(64), "is a program"),
    "plain-zip-named-docx": ("fiche.docx", zipped({"a.txt": "x"}), "is a zip archive"),
    "docx-with-macros": (
        "fiche.docx",
        docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        "contains macros",
    ),
    "docm-renamed": ("fiche.docx", docx(content_type=DOCM_TYPE), "macro-enabled"),
    "odt-with-basic": ("c.odt", odt(extra={"Basic/Standard/Module1.xml": "<x/>"}), "macros"),
    "png-named-pdf": ("profil.pdf", image("PNG"), "does not match its content"),
    "html": ("page.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF"),
    "broken-png": ("arbre.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "not a readable image"),
    "too-large": ("gros.pdf", b"%PDF-1.4\n" + bytes(2 * 1024 * 1024), "larger than 2 MB"),
}
