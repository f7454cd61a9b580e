"""The files of a course's assets/ folder: their media type from their content, and safety."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask_babel import lazy_gettext as _l

from .attachments import attachment_media_type
from .findings import Findings
from .source import AssetSource

LARGE_ASSET = 1024 * 1024
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
SVG_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]", re.S)
SVG_DANGER = re.compile(
    rb"<script|<foreignobject|<iframe|<embed|<object|\son[a-z]+\s*=|javascript:", re.I
)
UNKNOWN_TYPE = "application/octet-stream"


def sniff_media_type(data: bytes) -> str:
    """Return the media type of PNG, JPEG, GIF, WebP, SVG or PDF content, else octet-stream."""
    for signature, media_type in SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if SVG_START.match(data.removeprefix(b"\xef\xbb\xbf")[:4096]):
        return "image/svg+xml"
    return UNKNOWN_TYPE


def visible_files(folder: Path) -> list[Path]:
    """Return the files under `folder`, sorted, skipping hidden files and folders."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def load_assets(course_folder: Path, display: str, findings: Findings) -> list[AssetSource]:
    """Read assets/, reporting unknown types, large files and SVG files carrying scripts."""
    folder = course_folder / "assets"
    if not folder.is_dir():
        return []
    assets = []
    for file in visible_files(folder):
        relative = file.relative_to(folder).as_posix()
        shown = f"{display}/assets/{relative}"
        data = file.read_bytes()
        media_type = sniff_media_type(data)
        if media_type == UNKNOWN_TYPE:
            media_type = attachment_media_type(relative, data) or UNKNOWN_TYPE
        if media_type == UNKNOWN_TYPE:
            message = _l(
                "'%(name)s' is not an image, a PDF or a CSV, Markdown or office template",
                name=relative,
            )
            findings.add("W401", shown, None, message)
        if media_type == "image/svg+xml" and SVG_DANGER.search(data):
            message = _l("the SVG file contains active content")
            findings.add("E405", shown, _line_of(data), message)
        if len(data) > LARGE_ASSET:
            message = _l("'%(name)s' is %(size)s KiB", name=relative, size=len(data) // 1024)
            findings.add("W403", shown, None, message)
        sha256 = hashlib.sha256(data).hexdigest()
        assets.append(AssetSource(relative, data, media_type, sha256))
    return assets


def _line_of(data: bytes) -> int:
    match = SVG_DANGER.search(data)
    return data[: match.start()].count(b"\n") + 1 if match else 1
