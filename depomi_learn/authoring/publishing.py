"""Publishing: a draft, an old version or an uploaded zip becomes a new version only when clean.

Every path goes through `check_files` (the validator of `flask courses validate`) and
`import_course` (the importer of `flask courses import`), so a course published in the browser
is the same thing as one imported from git. Removing work learners did needs a confirmation;
past attempts are never deleted either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..content import Finding, has_errors
from ..content.importer import (
    ImportRefused,
    ImportResult,
    import_course,
    removals_with_learner_work,
)
from ..extensions import db
from ..models import Course, CourseDraft, CourseVersion, User
from . import AuthoringError
from .drafts import check_files, create_course, draft_files, replace_files, start_draft
from .folder import Files, course_id_problem, read_meta
from .versions import version_files
from .zipfiles import ZipLimits, read_zip


@dataclass
class PublishOutcome:
    findings: list[Finding]
    removals: list[str] = field(default_factory=list)  # learner work the version would drop
    result: ImportResult | None = None  # None: nothing was published

    @property
    def refused(self) -> bool:
        return self.result is None

    @property
    def needs_confirmation(self) -> bool:
        return self.result is None and bool(self.removals) and not has_errors(self.findings)


def publish_files(
    course_id: str, files: Files, user: User, *, allow_removals: bool = False
) -> PublishOutcome:
    """Validate the files and import them as the course's next version when they are clean."""
    source, findings = check_files(course_id, files)
    if source is None or has_errors(findings):
        return PublishOutcome(findings)
    removals = removals_with_learner_work(source)
    if removals and not allow_removals:
        return PublishOutcome(findings, removals)
    try:
        result = import_course(source, imported_by_id=user.id)
    except ImportRefused as refused:
        return PublishOutcome([*findings, refused.finding])
    return PublishOutcome(findings, removals, result)


def publish_draft(
    draft: CourseDraft, user: User, *, allow_removals: bool = False
) -> PublishOutcome:
    """Publish the draft; once published (or found unchanged) the draft is done with."""
    outcome = publish_files(
        draft.course_id, draft_files(draft), user, allow_removals=allow_removals
    )
    if not outcome.refused:
        db.session.delete(draft)
        db.session.flush()
    return outcome


def republish(
    version: CourseVersion, user: User, *, allow_removals: bool = False
) -> PublishOutcome:
    """Roll back: publish an earlier version's folder again, as the newest version."""
    return publish_files(
        version.course_id, version_files(version), user, allow_removals=allow_removals
    )


@dataclass
class UploadOutcome:
    findings: list[Finding]
    course_id: str = ""
    applied: bool = False


def upload_zip(
    course: Course, data: bytes, user: User, limits: ZipLimits | None = None
) -> UploadOutcome:
    """Replace the course's draft with a zipped folder, only when the folder is clean."""
    files = read_zip(data, limits)
    source, findings = check_files(course.id, files)
    if source is None or has_errors(findings):
        return UploadOutcome(findings, course.id)
    replace_files(start_draft(course, user), files, user)
    return UploadOutcome(findings, course.id, applied=True)


def upload_new_course(data: bytes, user: User, limits: ZipLimits | None = None) -> UploadOutcome:
    """Create a course from a zipped folder (its id from course.yaml) with `user` as owner."""
    files = read_zip(data, limits)
    meta = read_meta(files)
    course_id = meta.get("id")
    if not isinstance(course_id, str) or not course_id:
        raise AuthoringError(_("course.yaml has no course id."))
    if problem := course_id_problem(course_id):
        raise AuthoringError(_("course.yaml, id: %(problem)s", problem=problem))
    if db.session.get(Course, course_id) is not None:
        raise AuthoringError(
            _("A course '%(id)s' already exists: upload the zip from that course's page.",
              id=course_id)
        )  # fmt: skip
    source, findings = check_files(course_id, files)
    if source is None or has_errors(findings):
        return UploadOutcome(findings, course_id)
    course = create_course(meta, user)
    replace_files(start_draft(course, user), files, user)
    return UploadOutcome(findings, course_id, applied=True)
