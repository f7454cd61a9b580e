"""Sources of a module: the `sources:` front matter list, checked against its `[^id]` references.

A figure, date or title that can change is followed by `[^id]`, a Markdown footnote reference;
the module's front matter declares that id under `sources:` with what to cite and the date the
fact was last checked (`as_of`). The platform renders each declared source as the footnote, so a
reader always sees where a fact comes from and how old the check is.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from .fields import Scope, check_unknown_keys, describe, is_valid_id, raw_of
from .findings import Findings
from .links import cross_course_target, find_links, resolve
from .source import ModuleSource
from .yamlmarks import MarkedDict, MarkedList

SOURCE_KEYS = ("id", "cite", "as_of", "url")
AS_OF = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+).*?\1")
AS_OF_LABEL = {"fr": "état au", "ar": "محيَّن في", "en": "as of"}


@dataclass(frozen=True)
class Citation:
    id: str
    cite: str
    as_of: str  # YYYY-MM or YYYY-MM-DD, as written
    url: str | None
    line: int


def read_sources(module: ModuleSource, matter: MarkedDict, scope: Scope) -> None:
    """Read `sources:`, check every `[^id]` of the body against it, then add the footnotes."""
    if module.too_complex:  # refused by content.limits: not scanned, never rendered
        return
    if "sources" in matter:
        module.sources = _parse_list(matter["sources"], matter.line_of("sources"), scope)
    defined, referenced = _scan(module.body_lines)
    declared = {citation.id: citation for citation in module.sources}
    for source_id, line in defined.items():
        if source_id in declared:
            message = _l(
                "source '%(id)s' is declared in sources: and defined in the text", id=source_id
            )
            scope.add("E115", line, message, _l("keep one: the entry under sources:"))
    for source_id, line in referenced.items():
        if source_id not in declared and source_id not in defined:
            scope.add("E114", line, _l("reference [^%(id)s] has no source", id=source_id))
    for citation in module.sources:
        if citation.id not in referenced:
            scope.add("W107", citation.line, _l("source '%(id)s' is never cited", id=citation.id))
    if module.sources:
        module.body = module.body.rstrip("\n") + "\n\n" + footnotes(module)


def footnotes(module: ModuleSource) -> str:
    """Return the Markdown footnote definitions for the module's declared sources."""
    label = AS_OF_LABEL.get(module.language.split("-")[0], AS_OF_LABEL["en"])
    lines = []
    for citation in module.sources:
        cite = citation.cite.strip().replace("\n", " ")
        link = f" <{citation.url}>" if citation.url else ""
        lines.append(f"[^{citation.id}]: {cite}{link} ({label} {citation.as_of})")
    return "\n".join(lines) + "\n"


def _parse_list(value: object, line: int, scope: Scope) -> list[Citation]:
    if not isinstance(value, MarkedList):
        scope.add("E115", line, _l("'sources' must be a list of {id, cite, as_of} entries"))
        return []
    citations: list[Citation] = []
    for index, item in enumerate(value):
        citation = _parse_entry(item, value.line_of(index), scope)
        if citation is None:
            continue
        if any(other.id == citation.id for other in citations):
            message = _l("source id '%(id)s' is declared twice", id=citation.id)
            scope.add("E115", citation.line, message)
            continue
        citations.append(citation)
    return citations


def _parse_entry(item: object, line: int, scope: Scope) -> Citation | None:
    if not isinstance(item, MarkedDict):
        scope.add("E115", line, _l("a source is a mapping with id, cite and as_of"))
        return None
    check_unknown_keys(scope, item, SOURCE_KEYS)
    source_id, cite = item.get("id"), item.get("cite")
    if not is_valid_id(source_id):
        where = item.line_of("id")
        shown = describe(source_id, raw_of(item, "id"))
        scope.add("E115", where, _l("source id %(value)s is invalid", value=shown))
        return None
    if not isinstance(cite, str) or not cite.strip():
        message = _l("source '%(id)s' has no 'cite' text", id=source_id)
        scope.add("E115", item.line_of("cite"), message)
        return None
    assert isinstance(source_id, str)  # is_valid_id said so
    as_of = _as_of(item, source_id, scope)
    url = item.get("url")
    if url is not None and not (isinstance(url, str) and URL.match(url)):
        message = _l("source '%(id)s': url must be http(s)", id=source_id)
        scope.add("E115", item.line_of("url"), message)
        url = None
    if as_of is None:
        return None
    return Citation(source_id, cite, as_of, url, item.line)


def _as_of(item: MarkedDict, source_id: str, scope: Scope) -> str | None:
    value = item.get("as_of")
    written = raw_of(item, "as_of") or (value if isinstance(value, str) else None)
    if isinstance(value, datetime.date):
        written = written or value.isoformat()
    match = AS_OF.match(written or "")
    if not match:
        shown = describe(value, raw_of(item, "as_of")) if "as_of" in item else _l("missing")
        message = _l(
            "source '%(id)s': as_of must be YYYY-MM or YYYY-MM-DD, not %(value)s",
            id=source_id,
            value=shown,
        )
        scope.add("E115", item.line_of("as_of"), message)
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        checked = datetime.date(year, month, day)
    except ValueError:
        message = _l("source '%(id)s': %(date)s is no date", id=source_id, date=written)
        scope.add("E115", item.line_of("as_of"), message)
        return None
    if checked > datetime.date.today():
        message = _l("source '%(id)s': %(date)s is in the future", id=source_id, date=written)
        scope.add("E115", item.line_of("as_of"), message)
        return None
    return written


def _scan(lines: list[tuple[int, str]]) -> tuple[dict[str, int], dict[str, int]]:
    """Return {id: line} of footnote definitions and of references, outside code."""
    defined: dict[str, int] = {}
    referenced: dict[str, int] = {}
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
        if found := DEFINITION.match(text):
            defined.setdefault(found.group(1), number)
            text = text[found.end() :]
        for found in REFERENCE.finditer(text):
            referenced.setdefault(found.group(1), number)
    return defined, referenced


FRONT_ID = re.compile(r"^id:\s*['\"]?([a-z0-9][a-z0-9-]{0,62})['\"]?\s*$", re.M)


def module_id_in(course_folder: Path, relpath: str) -> str | None:
    """Return the module id declared by a module file of a course folder, if it can be read."""
    file = course_folder / relpath
    if not file.is_file():
        return None
    head = file.read_text("utf-8", errors="replace")[:4000]
    match = FRONT_ID.search(head)
    return match[1] if match else None


def check_cross_course_links(courses: list, findings: Findings) -> None:
    """Report links to another course's module file that does not exist (E408)."""
    files = {course.id: course.files for course in courses}
    for course in courses:
        for module in course.modules:
            for source in module.texts.values():
                _check_cross_links(source, files, findings)


def _check_cross_links(
    source: ModuleSource, files: dict[str, set[str]], findings: Findings
) -> None:
    if source.too_complex:
        return
    for link in find_links(source.body_lines):
        path = resolve(link.target, source.language)
        target = cross_course_target(path) if path else None
        if target is None:
            continue
        course_id, relpath = target
        if relpath not in files.get(course_id, set()):
            message = _l(
                "link '%(target)s' points to a missing module of course '%(id)s'",
                target=link.target,
                id=course_id,
            )
            findings.add("E408", source.path, link.line, message)
