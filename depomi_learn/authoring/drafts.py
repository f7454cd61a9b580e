"""Drafts: a course's next version as files in the database, changed file by file or by module.

Domain functions add and flush; the view commits. A file edit carries the SHA-256 of the text
it started from, so two co-authors saving the same file cannot silently overwrite each other.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from ..content import Finding
from ..content.fields import ID_PATTERN
from ..content.source import CourseSource
from ..extensions import db
from ..models import (
    Course,
    CourseAuthor,
    CourseDraft,
    DraftFile,
    ModuleProgress,
    QuizAttempt,
    User,
    utcnow,
)
from . import AuthoringError
from .folder import (
    COURSE_YAML,
    Files,
    check_folder,
    dump_meta,
    module_paths,
    module_skeleton,
    next_module_path,
    path_problem,
    read_meta,
    translation_skeleton,
)
from .versions import published_graph, version_files


class EditConflict(AuthoringError):
    """The file changed since the editor opened it (another author saved it meanwhile)."""


def get_draft(course_id: str, *, lock: bool = False) -> CourseDraft | None:
    """Return a course's draft; `lock` serialises structural changes on PostgreSQL."""
    query = sa.select(CourseDraft).where(CourseDraft.course_id == course_id)
    return db.session.scalars(query.with_for_update() if lock else query).first()


def draft_files(draft: CourseDraft) -> Files:
    """Return the draft as a course folder."""
    return {row.path: row.data for row in draft.files}


def check_draft(draft: CourseDraft) -> tuple[CourseSource | None, list[Finding]]:
    """Validate the draft exactly as the command line validates a folder."""
    return check_files(draft.course_id, draft_files(draft))


def check_files(course_id: str, files: Files) -> tuple[CourseSource | None, list[Finding]]:
    """Validate files as the folder of `course_id`, against the other published courses."""
    return check_folder(course_id, files, others=published_graph(exclude=course_id))


def start_draft(course: Course, user: User) -> CourseDraft:
    """Return the course's draft, starting one from the current version if there is none."""
    existing = get_draft(course.id)
    if existing is not None:
        return existing
    version = course.current_version
    files = version_files(version) if version else {COURSE_YAML: dump_meta(new_meta(course.id))}
    draft = CourseDraft(
        course_id=course.id,
        base_version_id=version.id if version else None,
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    draft.files = [_file_row(path, data, user) for path, data in files.items()]
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError:  # a co-author started it at the same moment: use theirs
        theirs = get_draft(course.id)
        assert theirs is not None  # the unique constraint that refused ours is theirs
        return theirs
    return draft


def new_meta(course_id: str, languages: tuple[str, ...] = ("fr", "ar")) -> dict:
    """Return the course.yaml mapping of a brand-new course."""
    return {
        "schema": 1,
        "id": course_id,
        "version": str(utcnow().year) + ".1",
        "default_language": languages[0],
        "languages": list(languages),
        "title": {},
        "summary": {},
        "level": "beginner",
        "duration_minutes": 60,
        "audience": [],
        "prerequisites": [],
        "modules": [],
        "certificate": {"enabled": True, "validity_months": None},
    }


def create_course(meta: dict, user: User) -> Course:
    """Create a course (unpublished) with `user` as its owner and a draft from `meta`."""
    course_id = meta.get("id")
    if not isinstance(course_id, str) or not ID_PATTERN.match(course_id):
        raise AuthoringError(_("The course id may hold lowercase letters, digits and '-'."))
    if db.session.get(Course, course_id) is not None:
        raise AuthoringError(_("A course with this id already exists: choose another id."))
    course = Course(id=course_id)
    try:
        with db.session.begin_nested():
            db.session.add(course)
    except IntegrityError:
        raise AuthoringError(
            _("A course with this id already exists: choose another id.")
        ) from None
    db.session.add(CourseAuthor(course=course, user_id=user.id, is_owner=True, added_by_id=user.id))
    draft = CourseDraft(course_id=course_id, created_by_id=user.id, updated_by_id=user.id)
    draft.files = [_file_row(COURSE_YAML, dump_meta(meta), user)]
    db.session.add(draft)
    db.session.flush()
    return course


def discard_draft(draft: CourseDraft) -> bool:
    """Delete the draft; a course never published goes with it. Return True if it did."""
    course = draft.course
    db.session.delete(draft)
    db.session.flush()
    if course.current_version_id is not None:
        return False
    db.session.execute(sa.delete(CourseAuthor).where(CourseAuthor.course_id == course.id))
    db.session.delete(course)
    db.session.flush()
    return True


def write_file(
    draft: CourseDraft, path: str, data: bytes, user: User, *, expected_sha: str | None = None
) -> DraftFile:
    """Create or replace one file; refuse when it changed since `expected_sha` was read.

    The check and the write are one conditional UPDATE, so of two saves made from the same
    text, only the first lands, even when they arrive at the same moment.
    """
    if problem := path_problem(path):
        raise AuthoringError(problem)
    row = next((row for row in draft.files if row.path == path), None)
    if row is None:
        if expected_sha:
            raise _conflict()
        row = _file_row(path, data, user)
        draft.files.append(row)
    else:
        condition = [DraftFile.id == row.id]
        if expected_sha is not None:
            condition.append(DraftFile.sha256 == expected_sha)
        values = {"data": data, "sha256": _sha256(data), "updated_at": utcnow()}
        result: CursorResult = db.session.execute(  # type: ignore[assignment]
            sa.update(DraftFile)
            .where(*condition)
            .values(**values, updated_by_id=user.id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise _conflict()
        db.session.refresh(row)
    _touch(draft, user)
    db.session.flush()
    return row


def _conflict() -> EditConflict:
    return EditConflict(
        _("Someone saved this file while you were editing it. Your text is below: "
          "check their changes, then save again.")
    )  # fmt: skip


def delete_file(draft: CourseDraft, path: str, user: User) -> None:
    """Remove one file from the draft."""
    row = next((row for row in draft.files if row.path == path), None)
    if row is None:
        raise AuthoringError(_("There is no file %(path)s in the draft.", path=path))
    draft.files.remove(row)
    _touch(draft, user)
    db.session.flush()


def replace_files(draft: CourseDraft, files: Files, user: User) -> None:
    """Make the draft exactly `files` (an uploaded folder)."""
    draft.files.clear()
    db.session.flush()  # deletes first: the new rows reuse the same paths
    draft.files.extend(_file_row(path, data, user) for path, data in files.items())
    _touch(draft, user)
    db.session.flush()


def add_module(draft: CourseDraft, module_id: str, title: str, user: User) -> str:
    """Add a module at the end of the course, in the default language; return its file path."""
    files = draft_files(draft)
    meta, sha = read_meta(files), _sha256(files.get(COURSE_YAML, b""))
    modules = _module_list(meta)
    if not ID_PATTERN.match(module_id):
        raise AuthoringError(_("The module id may hold lowercase letters, digits and '-'."))
    if module_id in modules or module_paths(files, module_id):
        raise AuthoringError(_("The course already has a module '%(id)s'.", id=module_id))
    language = meta.get("default_language")
    if not isinstance(language, str) or path_problem(language):
        raise AuthoringError(_("Set the course's default language first."))
    path = next_module_path(files, language, module_id)
    meta["modules"] = [*modules, module_id]
    write_file(draft, COURSE_YAML, dump_meta(meta), user, expected_sha=sha)
    write_file(draft, path, module_skeleton(module_id, title.strip() or module_id), user)
    return path


def move_module(draft: CourseDraft, module_id: str, offset: int, user: User) -> None:
    """Move a module up (-1) or down (+1) in the course's order."""
    files = draft_files(draft)
    meta, sha = read_meta(files), _sha256(files.get(COURSE_YAML, b""))
    modules = _module_list(meta)
    if module_id not in modules:
        raise AuthoringError(_("The course has no module '%(id)s'.", id=module_id))
    index = modules.index(module_id)
    target = min(max(index + offset, 0), len(modules) - 1)
    modules.insert(target, modules.pop(index))
    write_file(draft, COURSE_YAML, dump_meta({**meta, "modules": modules}), user, expected_sha=sha)


def remove_module(draft: CourseDraft, module_id: str, user: User) -> list[str]:
    """Take a module out of the draft, its files in every language; return the paths removed."""
    files = draft_files(draft)
    meta, sha = read_meta(files), _sha256(files.get(COURSE_YAML, b""))
    modules = _module_list(meta)
    paths = module_paths(files, module_id)
    if module_id not in modules and not paths:
        raise AuthoringError(_("The course has no module '%(id)s'.", id=module_id))
    remaining = [module for module in modules if module != module_id]
    write_file(
        draft, COURSE_YAML, dump_meta({**meta, "modules": remaining}), user, expected_sha=sha
    )
    for path in paths:
        delete_file(draft, path, user)
    return paths


def add_translation(draft: CourseDraft, module_id: str, language: str, user: User) -> str:
    """Start a module's translation from its default-language file; return the new path."""
    files = draft_files(draft)
    meta = read_meta(files)
    default = meta.get("default_language")
    if language == default or language not in (meta.get("languages") or []):
        raise AuthoringError(_("The course has no language '%(code)s' to translate into.",
                               code=language))  # fmt: skip
    originals = [p for p in module_paths(files, module_id) if p.startswith(f"{default}/")]
    if not originals:
        raise AuthoringError(_("The module has no file in the default language yet."))
    path = f"{language}/{originals[0].split('/', 1)[1]}"
    if path in files:
        raise AuthoringError(_("This translation already exists."))
    write_file(draft, path, translation_skeleton(files[originals[0]]), user)
    return path


def learner_work(course_id: str, module_key: str) -> tuple[int, int]:
    """Return how many learners have progress on a module, and how many quiz attempts it has."""
    learners = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(ModuleProgress.user_id))).where(
            ModuleProgress.course_id == course_id, ModuleProgress.module_key == module_key
        )
    )
    attempts = db.session.scalar(
        sa.select(sa.func.count(QuizAttempt.id)).where(
            QuizAttempt.course_id == course_id, QuizAttempt.module_key == module_key
        )
    )
    return learners or 0, attempts or 0


def _module_list(meta: dict) -> list[str]:
    modules = meta.get("modules") or []
    if not isinstance(modules, list):
        raise AuthoringError(_("'modules' in course.yaml is not a list: fix it in its editor."))
    return [str(module) for module in modules]


def _file_row(path: str, data: bytes, user: User) -> DraftFile:
    return DraftFile(path=path, data=data, sha256=_sha256(data), updated_by_id=user.id)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _touch(draft: CourseDraft, user: User) -> None:
    draft.updated_at, draft.updated_by_id = utcnow(), user.id
