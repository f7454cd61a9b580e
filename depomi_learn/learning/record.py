"""A learner's record as a coordinator sees it: enrolments, modules done, attempts, certificates."""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Certificate, Course, Enrolment, ModuleProgress, QuizAttempt, User

RECENT_ATTEMPTS = 200


@dataclass(frozen=True)
class LearnerRecord:
    enrolments: Sequence[Enrolment]  # soonest due first, then those without a due date
    done: dict[str, int]  # course id -> modules completed
    attempts: Sequence[QuizAttempt]  # submitted, newest first
    certificates: Sequence[Certificate]  # newest first


def learner_record(learner: User) -> LearnerRecord:
    """Load `learner`'s record (the caller checked that it may be seen)."""
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
    return LearnerRecord(enrolments, done, attempts, certificates)
