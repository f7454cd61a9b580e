"""A draft at a glance: its modules with their files per language, its images, its other files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..content import Finding
from ..content.source import CourseSource
from . import AuthoringError
from .folder import COURSE_YAML, Files, read_meta, relative_path


@dataclass
class ModuleRow:
    id: str
    listed: bool  # in course.yaml's 'modules'
    files: dict[str, str] = field(default_factory=dict)  # language -> path
    titles: dict[str, str] = field(default_factory=dict)  # language -> title
    questions: int = 0
    stale: set[str] = field(default_factory=set)  # languages whose translation may lag behind


@dataclass
class Outline:
    meta: dict | None  # None when course.yaml cannot be read
    default_language: str
    languages: list[str]
    modules: list[ModuleRow]
    assets: list[tuple[str, int]]  # (path under assets/, size in bytes)
    other_files: list[str]
    errors: Counter  # path -> number of errors ('' for the course folder)
    warnings: Counter

    def title(self) -> str:
        titles = (self.meta or {}).get("title")
        if isinstance(titles, dict):
            return str(titles.get(self.default_language) or next(iter(titles.values()), ""))
        return ""


def outline(
    course_id: str, files: Files, source: CourseSource | None, findings: list[Finding]
) -> Outline:
    """Describe a draft for its overview page."""
    try:
        meta = read_meta(files)
    except AuthoringError:
        meta = None
    languages = list(source.languages) if source else _list((meta or {}).get("languages"))
    default = source.default_language if source else str((meta or {}).get("default_language", ""))
    rows = _module_rows(source, _list((meta or {}).get("modules")))
    in_rows = {path for row in rows for path in row.files.values()}
    assets = [
        (path.removeprefix("assets/"), len(data))
        for path, data in sorted(files.items())
        if path.startswith("assets/")
    ]
    others = sorted(
        path
        for path in files
        if path != COURSE_YAML and path not in in_rows and not path.startswith("assets/")
    )
    errors: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    for finding in findings:
        (errors if finding.is_error else warnings)[relative_path(finding, course_id)] += 1
    return Outline(meta, default, languages, rows, assets, others, errors, warnings)


def _module_rows(source: CourseSource | None, listed: list[str]) -> list[ModuleRow]:
    rows = {}
    for module in source.modules if source else []:
        row = ModuleRow(module.id, True, questions=len(module.default.questions))
        for language, text in module.texts.items():
            row.files[language] = text.relpath
            row.titles[language] = text.title or ""
            if language != module.default_language and not (
                text.translated_from and module.default.is_source_of(text.translated_from)
            ):
                row.stale.add(language)
        rows[module.id] = row
    return [rows.get(module_id) or ModuleRow(module_id, True) for module_id in listed]


def _list(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
