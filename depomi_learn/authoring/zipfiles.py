"""Course folders in and out of zip files, with limits a hostile archive cannot get around.

Reading refuses absolute paths, '..', links, encrypted entries, too many entries and more bytes
than allowed, counting the bytes actually decompressed rather than trusting the headers.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from . import AuthoringError
from .folder import Files, is_hidden, path_problem

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same course always zips to the same bytes
IGNORED_FOLDERS = ("__MACOSX",)


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 2000
    max_file_bytes: int = 10 * 1024 * 1024
    max_total_bytes: int = 50 * 1024 * 1024


def folder_zip(course_id: str, files: Files) -> bytes:
    """Return a zip of the course folder: every file under `course_id/`, in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files, key=lambda p: p.split("/")):
            info = zipfile.ZipInfo(f"{course_id}/{path}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()


def read_zip(data: bytes, limits: ZipLimits | None = None) -> Files:
    """Return the files of a zipped course folder, or refuse the whole archive.

    The course may sit at the root of the archive or in one folder at its root. Hidden files
    (.git, .DS_Store) and macOS resource folders are skipped, as the course format ignores them.
    """
    limits = limits or ZipLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise AuthoringError(_("This is not a zip file.")) from error
    if len(entries) > limits.max_entries:
        raise AuthoringError(
            ngettext(
                "The zip file has more than %(num)d entry.",
                "The zip file has more than %(num)d entries.",
                limits.max_entries,
            )
        )
    files: Files = {}
    total = 0
    with archive:
        for entry in entries:
            name = _entry_name(entry)
            if name is None:
                continue
            content = _read_entry(archive, entry, limits)
            total += len(content)
            if total > limits.max_total_bytes:
                raise AuthoringError(_("The zip file unpacks to more than the size allowed."))
            if name in files:
                raise AuthoringError(_("The zip file holds %(path)s twice.", path=name))
            files[name] = content
    return _strip_top_folder(files)


def _entry_name(entry: zipfile.ZipInfo) -> str | None:
    name = entry.filename
    if "\x00" in entry.orig_filename:  # zipfile cuts the name at a NUL: refuse, do not guess
        raise AuthoringError(_("Refused entry %(path)s: NUL in the name", path=name))
    if problem := path_problem(name.rstrip("/") or "/"):
        raise AuthoringError(_("Refused entry %(path)s: %(problem)s", path=name, problem=problem))
    mode = entry.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise AuthoringError(_("Refused entry %(path)s: links are not allowed", path=name))
    if entry.flag_bits & 0x1:
        raise AuthoringError(_("Refused entry %(path)s: it is encrypted", path=name))
    if entry.is_dir() or is_hidden(name) or name.split("/")[0] in IGNORED_FOLDERS:
        return None
    return name


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    try:
        with archive.open(entry) as handle:
            content = handle.read(limits.max_file_bytes + 1)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:
        raise AuthoringError(
            _("The entry %(path)s cannot be read.", path=entry.filename)
        ) from error
    if len(content) > limits.max_file_bytes:
        raise AuthoringError(_("The file %(path)s is too large.", path=entry.filename))
    return content


def _strip_top_folder(files: Files) -> Files:
    if "course.yaml" in files or not files:
        return files
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) == 1 and all("/" in path for path in files):
        top = tops.pop()
        return {path[len(top) + 1 :]: content for path, content in files.items()}
    return files
