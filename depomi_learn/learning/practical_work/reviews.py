"""Reviewing practical work: the reviewer's queue, decisions against the rubric, and counts.

A decision is taken once: the submission's status moves from 'submitted' by a conditional
UPDATE only one request can win, and a review row is unique per submission. Every decision is
audited. Domain functions flush; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...audit import record
from ...extensions import db
from ...i18n import format_number
from ...models import (
    Module,
    PracticalWork,
    QuizAttempt,
    Review,
    Submission,
    SubmissionStatus,
    User,
)
from ...permissions import submissions_reviewable_by, submissions_visible_to
from ..progress import complete_module
from . import SubmissionRefused

QUEUE_LIMIT = 200
DECISIONS = {"pass": SubmissionStatus.PASSED, "resubmit": SubmissionStatus.RESUBMIT}


def review_queue(reviewer: User) -> list[Submission]:
    """Return the work awaiting `reviewer`'s review, oldest first."""
    query = (
        submissions_reviewable_by(reviewer)
        .where(Submission.status == SubmissionStatus.SUBMITTED)
        .order_by(Submission.submitted_at, Submission.id)
        .limit(QUEUE_LIMIT)
        .options(selectinload(Submission.user), selectinload(Submission.files))
    )
    return list(db.session.scalars(query))


def work_of(submission: Submission) -> PracticalWork:
    """Return the assignment as it was in the version the work was handed in against."""
    return db.session.scalars(
        sa.select(PracticalWork)
        .join(Module)
        .where(Module.version_id == submission.version_id, Module.key == submission.module_key)
    ).one()


@dataclass(frozen=True)
class Decision:
    action: str  # "pass" | "resubmit"
    levels: dict[str, int]  # criterion id -> level index
    feedback: str


def decide(reviewer: User, submission: Submission, decision: Decision, *, ip: str = "") -> Review:
    """Score `submission` against its rubric and pass it or ask for a new one."""
    work = work_of(submission)
    points = _points(work, decision.levels)
    percent = round(100 * points / work.max_points, 2) if work.max_points else 100.0
    status = DECISIONS.get(decision.action)
    if status is None:
        raise SubmissionRefused(_("Choose whether the work passes or must be handed in again."))
    if status == SubmissionStatus.PASSED and percent < work.settings["pass_mark"]:
        raise SubmissionRefused(
            _(
                "%(percent)s%% is below the pass mark of %(mark)d%%: ask for a resubmission.",
                percent=format_number(percent),
                mark=work.settings["pass_mark"],
            )
        )
    _close(submission, status)
    review = Review(
        submission_id=submission.id,
        reviewer_id=reviewer.id,
        levels=dict(decision.levels),
        points=points,
        max_points=work.max_points,
        percent=percent,
        passed=status == SubmissionStatus.PASSED,
        feedback=decision.feedback.strip(),
    )
    db.session.add(review)
    record(
        "practical_work_reviewed",
        actor=reviewer,
        target=f"submission:{submission.id}",
        ip=ip,
        learner=submission.user_id,
        course=submission.course_id,
        module=submission.module_key,
        decision=decision.action,
        percent=percent,
    )
    db.session.flush()
    if review.passed and _quiz_done(submission):
        complete_module(submission.user, submission.course_id, submission.module_key)
    return review


def _close(submission: Submission, status: str) -> None:
    """Move the submission out of 'submitted'; only one of two simultaneous reviews can."""
    changed = db.session.execute(
        sa.update(Submission)
        .where(Submission.id == submission.id, Submission.status == SubmissionStatus.SUBMITTED)
        .values(status=status)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult
    if changed != 1:
        raise SubmissionRefused(_("This work has already been reviewed."))
    db.session.refresh(submission)


def _points(work: PracticalWork, levels: dict[str, int]) -> float:
    total = 0.0
    for criterion in work.rubric:
        index = levels.get(criterion["id"])
        if index is None or not 0 <= index < len(criterion["points"]):
            raise SubmissionRefused(_("Choose a level for every criterion of the rubric."))
        total += criterion["points"][index]
    return total


def _quiz_done(submission: Submission) -> bool:
    """A module with a quiz and an assignment completes when both are passed."""
    module = db.session.scalars(
        sa.select(Module).where(
            Module.version_id == submission.version_id, Module.key == submission.module_key
        )
    ).one()
    if not module.questions:
        return True
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    QuizAttempt.user_id == submission.user_id,
                    QuizAttempt.course_id == submission.course_id,
                    QuizAttempt.module_key == submission.module_key,
                    QuizAttempt.passed.is_(True),
                )
            )
        )
    )


@dataclass(frozen=True)
class WorkCounts:
    course_id: str
    submitted: int  # every hand-in, resubmissions included
    awaiting: int
    passed: int
    resubmit: int


def work_counts(user: User) -> list[WorkCounts]:
    """Count the submissions `user` may see, by course and status, in one SQL aggregate."""
    visible = submissions_visible_to(user).subquery()

    def count_of(status: str) -> sa.ColumnElement:
        return sa.func.count().filter(visible.c.status == status)

    query = (
        sa.select(
            visible.c.course_id,
            sa.func.count(),
            count_of(SubmissionStatus.SUBMITTED),
            count_of(SubmissionStatus.PASSED),
            count_of(SubmissionStatus.RESUBMIT),
        )
        .group_by(visible.c.course_id)
        .order_by(visible.c.course_id)
    )
    return [WorkCounts(*row) for row in db.session.execute(query)]
