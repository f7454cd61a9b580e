"""A learner's record as a coordinator sees it: enrolments, modules done, attempts, certificates."""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Certificate,
    Course,
    CourseVersion,
    Enrolment,
    Module,
    ModuleProgress,
    ModuleText,
    QuizAttempt,
    User,
)

RECENT_ATTEMPTS = 200


@dataclass(frozen=True)
class LearnerRecord:
    enrolments: Sequence[Enrolment]  # soonest due first, then those without a due date
    done: dict[str, int]  # course id -> modules completed
    attempts: Sequence[QuizAttempt]  # submitted, newest first
    certificates: Sequence[Certificate]  # newest first
    module_titles: dict[tuple[int, str], str]  # (version id, module key) -> title


def learner_record(learner: User, language: str) -> LearnerRecord:
    """Load `learner`'s record (the caller checked that it may be seen), titles in `language`."""
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.user_id == learner.id)
        .options(selectinload(Enrolment.course).selectinload(Course.current_version))
        .order_by(Enrolment.due_at.is_(None), Enrolment.due_at, Enrolment.enrolled_at)
    ).all()
    done = dict(
        db.session.execute(
            sa.select(ModuleProgress.course_id, sa.func.count())
            .where(ModuleProgress.user_id == learner.id, ModuleProgress.completed_at.is_not(None))
            .group_by(ModuleProgress.course_id)
        ).all()
    )
    attempts = db.session.scalars(
        sa.select(QuizAttempt)
        .where(QuizAttempt.user_id == learner.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc())
        .limit(RECENT_ATTEMPTS)
    ).all()
    certificates = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.user_id == learner.id)
        .order_by(Certificate.issued_at.desc())
    ).all()
    titles = module_titles({attempt.version_id for attempt in attempts}, language)
    return LearnerRecord(enrolments, done, attempts, certificates, titles)


def module_titles(version_ids: set[int], language: str) -> dict[tuple[int, str], str]:
    """Return the title of every module of these versions: in `language`, else the default."""
    if not version_ids:
        return {}
    rows = db.session.execute(
        sa.select(Module.version_id, Module.key, ModuleText.language, ModuleText.title)
        .join(ModuleText, ModuleText.module_id == Module.id)
        .join(CourseVersion, CourseVersion.id == Module.version_id)
        .where(
            Module.version_id.in_(version_ids),
            ModuleText.language.in_([language, CourseVersion.default_language]),
        )
    ).all()
    titles: dict[tuple[int, str], str] = {}
    for version_id, key, text_language, title in rows:
        if text_language == language or (version_id, key) not in titles:
            titles[(version_id, key)] = title
    return titles
