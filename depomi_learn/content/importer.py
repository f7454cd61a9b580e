"""Import parsed courses into the database as new, immutable course versions.

Domain functions only add and flush; the CLI command (or a view) commits once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app, has_app_context

from ..extensions import db
from ..models import (
    Course,
    CourseAsset,
    CourseVersion,
    Module,
    ModuleProgress,
    ModuleText,
    PracticalWork,
    Question,
    QuizAttempt,
    SourceFile,
)
from .citations import module_id_in
from .course_yaml import SHOW_ANSWERS
from .findings import Finding, has_errors
from .limits import MarkdownRefused, refused_finding
from .links import cross_course_target
from .render import render_markdown, render_question_text
from .source import CourseModule, CourseSource, ModuleSource
from .survey import survey_of
from .validate import load_tree


@dataclass(frozen=True)
class ImportResult:
    course_id: str
    created: bool  # False: the latest version already has this content
    version_number: int


def latest_version(course_id: str) -> CourseVersion | None:
    """Return the most recently imported version of a course."""
    return db.session.scalars(
        sa.select(CourseVersion)
        .where(CourseVersion.course_id == course_id)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    ).first()


def plan_import(source: CourseSource) -> ImportResult:
    """Tell what importing would do, without writing anything."""
    latest = latest_version(source.id)
    if latest is not None and latest.content_hash == source.content_hash:
        return ImportResult(source.id, False, latest.number)
    return ImportResult(source.id, True, latest.number + 1 if latest else 1)


def import_course(source: CourseSource, *, imported_by_id: int | None = None) -> ImportResult:
    """Add a new version of a course (and the course itself if new), unless nothing changed.

    Raises ImportRefused when a module cannot be rendered; the caller rolls back.
    """
    plan = plan_import(source)
    if not plan.created:
        return plan
    course = db.session.get(Course, source.id)
    if course is None:
        course = Course(id=source.id)
        db.session.add(course)
    version = _new_version(source, course, plan.version_number, imported_by_id)
    urls = _Urls(source)
    by_id = {module.id: module for module in source.modules}
    for module in source.modules:
        version.modules.append(_new_module(module, urls, by_id, source.show_answers))
    version.assets.extend(
        CourseAsset(path=a.path, media_type=a.media_type, sha256=a.sha256, data=a.data)
        for a in source.assets
    )
    db.session.add(version)
    db.session.add_all(_source_files(source, version))
    db.session.flush()
    course.current_version = version
    db.session.flush()
    return plan


def import_tree(
    root: Path,
    *,
    imported_by_id: int | None = None,
    display: str | None = None,
    allow_removals: bool = False,
) -> tuple[list[ImportResult], list[Finding]]:
    """Validate every course under `root`; import them all, or none when any error is found.

    Removing a module or question that learners have worked on is refused unless
    `allow_removals`: their past attempts stay intact either way, but the trainer must mean it.
    """
    courses, findings = load_tree(root, display=display)
    if has_errors(findings):
        return [], findings
    if not allow_removals:
        removals = [found for course in courses for found in removals_with_learner_work(course)]
        if removals:
            raise RemovalRefused(removals)
    try:
        results = [import_course(course, imported_by_id=imported_by_id) for course in courses]
    except ImportRefused as refused:
        return [], [*findings, refused.finding]
    return results, findings


class RemovalRefused(Exception):
    """The import would remove modules or questions that learners have progress or attempts on."""

    def __init__(self, removals: list[str]) -> None:
        super().__init__("; ".join(removals))
        self.removals = removals


def removals_with_learner_work(source: CourseSource) -> list[str]:
    """Describe the modules and questions of the current version that `source` drops and that
    learners have already worked on."""
    latest = latest_version(source.id)
    if latest is None:
        return []
    kept_modules = {m.id: m for m in source.modules}
    kept_modules.update({alias: m for m in source.modules for alias in m.default.aliases})
    found = []
    for module in latest.modules:
        new = kept_modules.get(module.key)
        if new is None:
            if _has_learner_work(source.id, module.key):
                found.append(f"{source.id}: module '{module.key}' has learner progress")
            continue
        kept_questions = {q.id for q in new.questions}
        dropped = [q.key for q in module.questions if q.key not in kept_questions]
        if dropped and _has_attempts(source.id, module.key):
            found.append(
                f"{source.id}: questions {', '.join(dropped)} of module '{module.key}' "
                "have learner attempts"
            )
    return found


def _has_attempts(course_id: str, module_key: str) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    QuizAttempt.course_id == course_id, QuizAttempt.module_key == module_key
                )
            )
        )
    )


def _has_learner_work(course_id: str, module_key: str) -> bool:
    progress = db.session.scalar(
        sa.select(
            sa.exists().where(
                ModuleProgress.course_id == course_id, ModuleProgress.module_key == module_key
            )
        )
    )
    return progress or _has_attempts(course_id, module_key)


def _new_version(
    source: CourseSource, course: Course, number: int, imported_by_id: int | None
) -> CourseVersion:
    return CourseVersion(
        course=course,
        number=number,
        label=source.label,
        content_hash=source.content_hash,
        default_language=source.default_language,
        languages=list(source.languages),
        title=dict(source.title),
        summary=dict(source.summary),
        level=source.level,
        duration_minutes=source.duration_minutes,
        audience=list(source.audience),
        prerequisites=list(source.prerequisites),
        certificate_enabled=source.certificate_enabled,
        validity_months=source.validity_months,
        completion=source.completion,
        survey=survey_of(source),
        source_yaml=source.source_yaml,
        imported_by_id=imported_by_id,
    )


def _source_files(source: CourseSource, version: CourseVersion) -> list[SourceFile]:
    # Everything but assets/ (stored as CourseAsset): export writes back exactly these bytes.
    return [
        SourceFile(version=version, path=path, data=data, sha256=hashlib.sha256(data).hexdigest())
        for path, data in source.file_data.items()
        if not path.startswith("assets/")
    ]


def _new_module(
    module: CourseModule, urls: _Urls, by_id: dict[str, CourseModule], show_answers: str
) -> Module:
    default = module.default
    settings = module.quiz_settings
    if settings is not None and show_answers != SHOW_ANSWERS[0]:
        # Kept with each quiz's settings, so an attempt keeps the rule it was taken under.
        settings = {**settings, "show_answers": show_answers}
    # A pre-test may draw from another module's questions (`pool`): it gets its own copy.
    pool = by_id.get((default.quiz_settings or {}).get("pool", ""))
    questions = module.questions or (pool.questions if pool else [])
    row = Module(
        key=module.id,
        position=module.position,
        duration_minutes=default.duration_minutes,
        aliases=list(default.aliases),
        quiz_settings=settings,
    )
    row.texts.extend(_new_text(module, text, urls) for text in module.texts.values())
    for position, question in enumerate(questions):
        with _refusal_at(default.path, default.front_matter_line):
            texts = {
                language: render_question_text(text, language=language, asset_url=urls.asset)
                for language, text in question.texts.items()
            }
        row.questions.append(
            Question(
                key=question.id,
                position=position,
                type=question.type,
                points=question.points,
                answer_key=question.answer_key,
                texts=texts,
            )
        )
    if default.assignment is not None:
        row.practical_work = _new_practical_work(module, urls)
    return row


def _new_practical_work(module: CourseModule, urls: _Urls) -> PracticalWork:
    assignment = module.default.assignment
    assert assignment is not None  # called for modules with an assignment only
    texts = {}
    for language, source in module.texts.items():
        text = (source.assignment or assignment).text
        with _refusal_at(source.path, assignment.line):
            html = render_markdown(text.instructions, language=language, asset_url=urls.asset)
        rubric = [{"title": c.title, "levels": list(c.levels)} for c in text.rubric]
        texts[language] = {"title": text.title, "instructions_html": html.html, "rubric": rubric}
    return PracticalWork(
        key=assignment.id, settings=dict(assignment.settings), rubric=assignment.rubric, texts=texts
    )


def _new_text(module: CourseModule, text: ModuleSource, urls: _Urls) -> ModuleText:
    with _refusal_at(text.path, text.front_matter_line):
        rendered = render_markdown(
            text.body, language=text.language, asset_url=urls.asset, module_url=urls.module
        )
    # Only translations remember their source; the default-language file is never stale.
    translated_from = text.translated_from if text is not module.default else None
    return ModuleText(
        language=text.language,
        title=text.title or "",
        objectives=list(text.objectives),
        source_markdown=text.text,
        html=rendered.html,
        toc=rendered.toc,
        translated_from=translated_from,
        stale=translated_from is not None and not module.default.is_source_of(translated_from),
    )


class ImportRefused(Exception):
    """Rendering a module was refused (too complex or too slow); nothing is to be kept."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@contextmanager
def _refusal_at(path: str, line: int | None) -> Iterator[None]:
    try:
        yield
    except MarkdownRefused as refused:
        raise ImportRefused(refused_finding(refused.problem, path, line)) from refused


class _Urls:
    """Build the URLs that rendered HTML uses for a course's assets and modules."""

    def __init__(self, source: CourseSource) -> None:
        self.course_id = source.id
        self.folder = source.folder
        self.sha256 = {asset.path: asset.sha256 for asset in source.assets}
        self.module_keys = {
            text.relpath: module.id for module in source.modules for text in module.texts.values()
        }

    def asset(self, path: str) -> str | None:
        sha256 = self.sha256.get(path)
        if sha256 is None:
            return None
        values = {"course_id": self.course_id, "sha256": sha256, "filename": path}
        fallback = f"/courses/{quote(self.course_id)}/assets/{sha256}/{quote(path)}"
        return _build("learn.course_asset", values, fallback)

    def module(self, relpath: str) -> str | None:
        course_id, key = self.course_id, self.module_keys.get(relpath)
        if key is None and (target := cross_course_target(relpath)):
            course_id, key = target[0], module_id_in(self.folder.parent / target[0], target[1])
        if key is None:
            return None
        values = {"course_id": course_id, "module_key": key}
        return _build("learn.module", values, f"/courses/{quote(course_id)}/modules/{key}")


def _build(endpoint: str, values: dict, fallback: str) -> str:
    # A URL map adapter builds paths without a request (url_for would need SERVER_NAME here).
    if not has_app_context() or endpoint not in current_app.view_functions:
        return fallback
    script_name = current_app.config.get("APPLICATION_ROOT") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=script_name)
    return adapter.build(endpoint, values)
