"""A course folder as data, {relative path: bytes}: safe paths, course.yaml, module files, checks.

These functions know nothing of the database; drafts, versions and zip files all become this
shape, and `check_folder` puts it through the validator the command line uses.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask_babel import gettext as _

from ..content import Finding, load_course
from ..content.course_yaml import COURSE_KEYS
from ..content.fields import ID_PATTERN
from ..content.findings import Findings, sort_findings
from ..content.prerequisites import check_prerequisites
from ..content.source import CourseSource, short_hash
from . import AuthoringError

COURSE_YAML = "course.yaml"
PATH_MAX = 255
FORBIDDEN_CHARACTERS = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|]')
MODULE_NUMBER = re.compile(r"^(\d+)-")
FRONT_TRANSLATED_FROM = re.compile(r"^translated_from\s*:.*$")
YAML_WIDTH = 10_000  # never fold long titles and summaries

Files = dict[str, bytes]


def path_problem(path: str) -> str | None:
    """Return why `path` cannot be a file of a course folder, or None when it is fine."""
    if not path or len(path) > PATH_MAX:
        return _("the path is empty or too long")
    if path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", path):
        return _("absolute paths are not allowed")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return _("'..' and empty folder names are not allowed")
    if any(FORBIDDEN_CHARACTERS.search(part) or len(part) > 100 for part in parts):
        return _("the name has characters that are not allowed in file names")
    return None


def is_hidden(path: str) -> bool:
    """Return True for paths the course format ignores (a part starting with '.')."""
    return any(part.startswith(".") for part in path.split("/"))


def read_meta(files: Files) -> dict:
    """Return course.yaml as a mapping, or refuse when it cannot be read."""
    try:
        meta = yaml.safe_load(files.get(COURSE_YAML, b"").decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        meta = None
    if not isinstance(meta, dict):
        raise AuthoringError(_("course.yaml cannot be read: fix it in its text editor first."))
    return meta


def dump_meta(meta: dict) -> bytes:
    """Write course.yaml in the documented layout: known keys in order, then any others."""
    keys = [key for key in COURSE_KEYS if key in meta]
    keys += [key for key in meta if key not in COURSE_KEYS]
    chunks = []
    for key in keys:
        value = meta[key]
        chunks.append(
            yaml.safe_dump(
                {key: value},
                allow_unicode=True,
                sort_keys=False,
                width=YAML_WIDTH,
                # Lists of ids on one line; mappings (titles, certificate) one key per line.
                default_flow_style=None if isinstance(value, list) else False,
            )
        )
    return "".join(chunks).encode()


def module_skeleton(module_id: str, title: str) -> bytes:
    """Return a new module file: front matter and a first heading."""
    front = yaml.safe_dump(
        {"id": module_id, "title": title, "duration_minutes": 10},
        allow_unicode=True,
        sort_keys=False,
        width=YAML_WIDTH,
    )
    return f"---\n{front}---\n\n# {title}\n\n".encode()


def next_module_path(files: Files, language: str, module_id: str) -> str:
    """Return the path of a new module file: the next number in the language folder."""
    numbers = [
        int(match.group(1))
        for path in files
        if path.startswith(f"{language}/") and path.count("/") == 1
        if (match := MODULE_NUMBER.match(path.split("/", 1)[1]))
    ]
    return f"{language}/{max(numbers, default=0) + 1:02d}-{module_id}.md"


def set_translated_from(text: str, digest: str) -> str:
    """Write `translated_from: digest` in a module's front matter, replacing any earlier value."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    end = next((i for i, line in enumerate(lines) if i and line.strip() in ("---", "...")), None)
    if end is None:
        return text
    for index in range(1, end):
        if FRONT_TRANSLATED_FROM.match(lines[index]):
            lines[index] = f"translated_from: {digest}"
            return "\n".join(lines)
    lines.insert(end, f"translated_from: {digest}")
    return "\n".join(lines)


def translation_skeleton(original: bytes) -> bytes:
    """Return a translation to write: the original file, marked as translated from it."""
    text = original.decode("utf-8-sig")
    return set_translated_from(text, short_hash(original)).encode()


def front_matter_id(data: bytes) -> str | None:
    """Return the `id` in a module file's front matter, if it can be read."""
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    if not text.startswith("---"):
        return None
    front = text[3:].split("\n---", 1)[0]
    try:
        matter = yaml.safe_load(front)
    except yaml.YAMLError:
        return None
    module_id = matter.get("id") if isinstance(matter, dict) else None
    return module_id if isinstance(module_id, str) else None


def module_paths(files: Files, module_id: str) -> list[str]:
    """Return the module files (every language) whose front matter declares `module_id`."""
    return sorted(
        path
        for path, data in files.items()
        if path.count("/") == 1
        and path.endswith(".md")
        and not path.startswith("assets/")
        and front_matter_id(data) == module_id
    )


def write_folder(files: Files, folder: Path) -> None:
    """Write the files under `folder` (created), refusing any path that would leave it.

    Every path is checked before the first byte is written, so a refusal writes nothing.
    """
    root = folder.resolve()
    for path in files:
        if path_problem(path):
            raise AuthoringError(_("Unsafe path in the course: %(path)s", path=path))
        if not (root / path).resolve().is_relative_to(root):
            raise AuthoringError(_("Unsafe path in the course: %(path)s", path=path))
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or not target.resolve().is_relative_to(root):
            raise AuthoringError(_("Unsafe path in the course: %(path)s", path=path))
        target.write_bytes(data)


def course_id_problem(course_id: object) -> str | None:
    """Return why `course_id` cannot name a course folder, or None when it is a valid id."""
    if isinstance(course_id, str) and ID_PATTERN.match(course_id):
        return None
    return _("The course id may hold only lowercase letters, digits and '-' (63 at most).")


def check_folder(
    course_id: str, files: Files, *, others: dict[str, list[str]] | None = None
) -> tuple[CourseSource | None, list[Finding]]:
    """Validate the files as the course folder `course_id`, as `flask courses validate` would.

    `others` maps the other courses' ids to their prerequisites, for E501 and E502.
    """
    if problem := course_id_problem(course_id):
        raise AuthoringError(problem)
    with tempfile.TemporaryDirectory(prefix="depomi-draft-") as temporary:
        root = Path(temporary).resolve()
        folder = root / course_id
        if folder.parent != root:
            raise AuthoringError(_("Unsafe course id."))
        folder.mkdir()
        write_folder(files, folder)
        source, found = load_course(folder, display=course_id)
    findings = Findings(found)
    if source is not None:
        check_prerequisites([source], findings, others=others or {})
    return source, sort_findings(findings)


def relative_path(finding: Finding, course_id: str) -> str:
    """Return the course-relative path a finding is about ('' for the course folder itself)."""
    path = finding.path
    return path[len(course_id) + 1 :] if path.startswith(f"{course_id}/") else ""


@dataclass
class FileDiff:
    path: str
    status: str  # added | removed | changed
    lines: list[tuple[str, str]] = field(default_factory=list)  # (kind: + - space @, text)
    binary: bool = False
    sizes: tuple[int, int] = (0, 0)


def diff_folders(old: Files, new: Files) -> list[FileDiff]:
    """Return the differences between two course folders, file by file, as unified diffs."""
    diffs = []
    for path in sorted(set(old) | set(new), key=lambda p: p.split("/")):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        diff = FileDiff(path, status, sizes=(len(before or b""), len(after or b"")))
        try:
            old_lines = (before or b"").decode("utf-8").splitlines()
            new_lines = (after or b"").decode("utf-8").splitlines()
        except UnicodeDecodeError:
            diff.binary = True
            diffs.append(diff)
            continue
        for line in list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=3))[2:]:
            kind = line[:1]
            diff.lines.append((kind, line if kind == "@" else line[1:]))
        diffs.append(diff)
    return diffs
