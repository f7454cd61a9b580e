"""Links and images in module Markdown: find them with their lines, check where they point.

Paths are resolved the way a Markdown viewer resolves them, relative to the module file in its
language folder, so a course reads the same on GitHub and on the platform.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from flask_babel import lazy_gettext as _l

from .findings import Findings, Text
from .source import ModuleSource

INLINE = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]*)")
REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*(<[^>]*>|\S+)")
RAW_HTML = re.compile(
    r"<(img|a|source)\b[^<>]*?\s(?:src|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))",
    re.IGNORECASE,
)
CODE_SPAN = re.compile(r"(`+).*?\1")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
ALLOWED_SCHEMES = ("http", "https", "mailto")


CROSS_COURSE = re.compile(r"^\.\./([a-z0-9][a-z0-9-]{0,62})/([A-Za-z-]{2,12})/([^/]+\.md)$")


def cross_course_target(path: str) -> tuple[str, str] | None:
    """Return (course id, path in that course) for a link to another course's module file.

    `path` is the link resolved from the language folder, e.g. ../other/fr/05-x.md, which is how
    `../../other/fr/05-x.md` written in a module file reads, on GitHub as on the platform.
    """
    match = CROSS_COURSE.match(path)
    return (match[1], f"{match[2]}/{match[3]}") if match else None


@dataclass
class Link:
    line: int
    target: str
    is_image: bool


def find_links(lines: list[tuple[int, str]]) -> list[Link]:
    """Return the links and images of Markdown lines, skipping code blocks and code spans."""
    links = []
    fence: str | None = None
    for number, text in lines:
        match = FENCE.match(text)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        text = CODE_SPAN.sub("", text)
        for found in INLINE.finditer(text):
            links.append(Link(number, found.group(2).strip("<>"), found.group(1) == "!"))
        if reference := REFERENCE.match(text):
            links.append(Link(number, reference.group(1).strip("<>"), False))
        for found in RAW_HTML.finditer(text):
            target = found.group(2) or found.group(3) or found.group(4) or ""
            links.append(Link(number, target, found.group(1).lower() == "img"))
    return links


def is_absolute_path(target: str) -> bool:
    """Return True for file paths that only work on the author's machine."""
    return (
        target.startswith(("/", "\\", "~"))
        or bool(re.match(r"^[A-Za-z]:[\\/]", target))
        or target.lower().startswith("file:")
    )


def resolve(target: str, language: str) -> str | None:
    """Return a relative target as a path inside the course folder, or None for URLs."""
    if not target or target.startswith("#") or SCHEME.match(target) or is_absolute_path(target):
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    return posixpath.normpath(posixpath.join(language, path)) if path else None


def check_links(
    module: ModuleSource, findings: Findings, files: set[str] | None, languages: list[str]
) -> None:
    """Check every link and image; `files` (course-relative paths) None skips existence checks."""
    if module.too_complex:
        return
    for link in find_links(module.body_lines):
        _check_link(module, link, findings, files, languages)


def _check_link(
    module: ModuleSource, link: Link, findings: Findings, files: set[str] | None, languages: list
) -> None:
    target, add = link.target, _adder(findings, module.path, link.line)
    what = _l("image") if link.is_image else _l("link")
    if is_absolute_path(target):
        add("E403", _l("%(what)s '%(target)s' is an absolute path", what=what, target=target))
        return
    scheme = SCHEME.match(target)
    if scheme:
        if scheme.group(1).lower() not in ALLOWED_SCHEMES:
            message = _l(
                "%(what)s '%(target)s' uses the '%(scheme)s:' scheme",
                what=what,
                target=target[:60],
                scheme=scheme.group(1),
            )
            add("E406", message)
        elif link.is_image:
            add("W402", _l("image '%(target)s' is loaded from another site", target=target))
        return
    path = resolve(target, module.language)
    if path is None:
        return
    if path.startswith("../") and cross_course_target(path):
        return  # another course's module: checked against the tree (E408)
    if path == ".." or path.startswith("../"):
        message = _l(
            "%(what)s '%(target)s' points outside the course folder", what=what, target=target
        )
        add("E404", message)
    elif files is not None:
        _check_course_path(path, target, link.is_image, add, files, languages)


def _check_course_path(
    path: str, target: str, is_image: bool, add, files: set[str], languages: list
) -> None:
    if path not in files:
        add(
            "E401" if is_image else "E402",
            _l(
                "%(what)s '%(target)s' points to a missing file (%(path)s)",
                what=_l("image") if is_image else _l("link"),
                target=target,
                path=path,
            ),
        )
        return
    in_assets = path.startswith("assets/")
    is_module = path.endswith(".md") and path.count("/") == 1 and path.split("/")[0] in languages
    if (is_image and not in_assets) or not (in_assets or is_module):
        add("E407", _l("'%(target)s' is neither in assets/ nor a module file", target=target))


def _adder(findings: Findings, path: str, line: int):
    def add(code: str, message: Text) -> None:
        findings.add(code, path, line, message)

    return add
