"""Handing in practical work: the learner's submissions to a module's assignment, and their state.

A learner has at most one submission awaiting review per module (a partial unique index) and
numbers never repeat, so a double click or a second tab cannot make two. Domain functions flush.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Module, PracticalWork, Submission, SubmissionFile, SubmissionStatus, User
from . import SubmissionRefused
from .files import check_file, remove_stored, store

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class WorkState:
    submissions: list[Submission]  # newest first, with their reviews
    awaiting: Submission | None  # handed in, not yet reviewed
    passed: bool

    @property
    def can_submit(self) -> bool:
        return self.awaiting is None and not self.passed

    @property
    def latest(self) -> Submission | None:
        return self.submissions[0] if self.submissions else None


def submissions_for(user: User, course_id: str, module_key: str) -> list[Submission]:
    """Return the learner's submissions to a module, newest first."""
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(
                Submission.user_id == user.id,
                Submission.course_id == course_id,
                Submission.module_key == module_key,
            )
            .order_by(Submission.number.desc())
            .options(selectinload(Submission.files), selectinload(Submission.review))
        )
    )


def practical_work_of(module_id: int) -> PracticalWork | None:
    """Return the assignment of the module with this id (the module page's outline has none)."""
    return db.session.scalar(sa.select(PracticalWork).where(PracticalWork.module_id == module_id))


def work_state(user: User, course_id: str, module: Module) -> WorkState:
    """Summarise the learner's submissions to `module`'s assignment."""
    submissions = submissions_for(user, course_id, module.key)
    awaiting = next((s for s in submissions if s.status == SubmissionStatus.SUBMITTED), None)
    passed = any(s.status == SubmissionStatus.PASSED for s in submissions)
    return WorkState(submissions, awaiting, passed)


def has_passed(user_id: int, course_id: str, module_key: str) -> bool:
    """Return whether the learner's work on a module has passed review."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Submission.user_id == user_id,
                    Submission.course_id == course_id,
                    Submission.module_key == module_key,
                    Submission.status == SubmissionStatus.PASSED,
                )
            )
        )
    )


def submit(
    user: User, course_id: str, module: Module, text: str, uploads: list[Upload]
) -> Submission:
    """Hand in a text and/or files for `module`'s assignment; raise SubmissionRefused if not."""
    work = module.practical_work
    settings = work.settings
    state = work_state(user, course_id, module)
    if state.passed:
        raise SubmissionRefused(_("This work has passed review; there is nothing more to hand in."))
    if state.awaiting is not None:
        raise SubmissionRefused(_("Your work is awaiting review; you can hand it in again after."))
    text = _checked_text(text, settings)
    checked = _checked_files(uploads, settings)
    if not text and not checked:
        raise SubmissionRefused(_("Write your answer or attach a file before handing in."))
    stored: list[str] = []
    try:
        with db.session.begin_nested():
            submission = Submission(
                user_id=user.id,
                course_id=course_id,
                module_key=module.key,
                work_key=work.key,
                version_id=module.version_id,
                number=(state.latest.number if state.latest else 0) + 1,
                reviewers=settings["reviewers"],
                text=text,
            )
            for item in checked:
                stored_name, sha256 = store(item.data)
                stored.append(stored_name)
                submission.files.append(
                    SubmissionFile(
                        stored_name=stored_name,
                        original_name=item.original_name,
                        file_type=item.file_type,
                        size=len(item.data),
                        sha256=sha256,
                    )
                )
            db.session.add(submission)
    except IntegrityError as error:  # another tab handed in first
        remove_stored(stored)
        raise SubmissionRefused(_("Your work was already handed in.")) from error
    return submission


def _checked_text(text: str, settings: dict) -> str:
    text = (text or "").strip()
    if text and "text" not in settings["accept"]:
        raise SubmissionRefused(_("This assignment takes files only."))
    if len(text) > MAX_TEXT:
        raise SubmissionRefused(
            ngettext(
                "The answer is longer than %(num)d character: attach it as a file.",
                "The answer is longer than %(num)d characters: attach it as a file.",
                MAX_TEXT,
            )
        )
    if "\x00" in text:
        raise SubmissionRefused(_("The answer contains characters that cannot be kept."))
    return text


def _checked_files(uploads: list[Upload], settings: dict) -> list:
    uploads = [upload for upload in uploads if upload.filename or upload.data]
    if uploads and "files" not in settings["accept"]:
        raise SubmissionRefused(_("This assignment takes a written answer only."))
    if len(uploads) > settings["max_files"]:
        raise SubmissionRefused(
            ngettext(
                "Attach at most %(num)d file.",
                "Attach at most %(num)d files.",
                settings["max_files"],
            )
        )
    max_bytes = settings["max_size_mb"] * 1024 * 1024
    return [
        check_file(u.filename, u.data, allowed=settings["file_types"], max_bytes=max_bytes)
        for u in uploads
    ]
