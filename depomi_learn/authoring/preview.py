"""The editor's preview: one file's text checked and rendered exactly as the importer would.

The module text goes through `validate_module_source` against the rest of the draft, and through
the same renderer and sanitiser as an import. Questions come with their answer key: the preview
is only ever shown to the course's authors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content import (
    Finding,
    ModuleSource,
    render_markdown,
    render_question_text,
    validate_module_source,
)
from ..content.limits import LIMIT_CODES, MarkdownRefused, refused_finding
from ..content.render import AssetUrl, ModuleUrl
from ..content.source import CourseSource
from .drafts import check_files
from .folder import COURSE_YAML, FileDiff, Files, diff_folders
from .versions import original_text


@dataclass
class Translation:
    """How a translation stands against its default-language file."""

    original_path: str
    original_text: str
    expected: str  # what translated_from should say for the original as it is now
    stale: bool
    changes: list[FileDiff] = field(default_factory=list)  # the original's changes since


@dataclass
class Preview:
    path: str
    findings: list[Finding]
    module: ModuleSource | None = None
    html: str = ""
    questions: list[dict] = field(default_factory=list)
    translation: Translation | None = None


def preview_file(
    course_id: str,
    files: Files,
    path: str,
    text: str,
    *,
    asset_url: AssetUrl,
    module_url: ModuleUrl | None = None,
) -> Preview:
    """Check and render `text` as the new content of the draft file `path`."""
    if path == COURSE_YAML or not path.endswith(".md"):
        _source, findings = check_files(course_id, {**files, path: text.encode()})
        return Preview(path, findings)
    source, _course_findings = check_files(course_id, files)
    module, findings = validate_module_source(text, path, course=source)
    preview = Preview(path, findings, module)
    if module is None or any(finding.code in LIMIT_CODES for finding in findings):
        return preview
    try:
        _render(preview, module, asset_url, module_url)
    except MarkdownRefused as refused:
        problem = refused.problem
        preview.findings = [*findings, refused_finding(problem, path, module.front_matter_line)]
        return preview
    preview.translation = _translation(course_id, source, module)
    return preview


def _render(
    preview: Preview, module: ModuleSource, asset_url: AssetUrl, module_url: ModuleUrl | None
) -> None:
    rendered = render_markdown(
        module.body, language=module.language, asset_url=asset_url, module_url=module_url
    )
    preview.html = rendered.html
    preview.questions = [
        {
            "key": question.id,
            "type": question.type,
            "points": question.points,
            "answer_key": question.answer_key,
            "accept": list(question.text.accept),
            "texts": render_question_text(
                question.text, language=module.language, asset_url=asset_url
            ),
        }
        for question in module.questions
    ]


def _translation(
    course_id: str, source: CourseSource | None, module: ModuleSource
) -> Translation | None:
    if source is None or module.language == source.default_language:
        return None
    listed = next((m for m in source.modules if m.id == module.id), None)
    if listed is None:
        return None
    original = listed.default
    stale = module.translated_from is None or not original.is_source_of(module.translated_from)
    translation = Translation(original.relpath, original.text, original.digest, stale)
    if stale and module.translated_from:
        before = original_text(course_id, original.relpath, module.translated_from)
        if before is not None:
            now = original.text.encode()
            translation.changes = diff_folders({original.relpath: before}, {original.relpath: now})
    return translation
