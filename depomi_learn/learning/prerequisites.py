"""Prerequisites between courses as learners meet them: which ones a learner has not completed,
for the course page, the catalogue, enrolment and assignments. (That they exist and never loop
is the course format's check: content.prerequisites.)

A prerequisite counts while its course is published and not archived: one that can no longer be
taken must not lock a course for good. A learner who completed it (their enrolment has a
completion time) meets it.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Course, CourseVersion, Enrolment, User


@dataclass(frozen=True)
class Prerequisite:
    version: CourseVersion  # the current version of the prerequisite course
    completed: bool  # by the learner looking (False for a visitor)


def prerequisite_versions(version: CourseVersion) -> list[CourseVersion]:
    """Return the current versions of `version`'s prerequisites that count, in listed order."""
    if not version.prerequisites:
        return []
    courses = db.session.scalars(
        sa.select(Course)
        .where(
            Course.id.in_(version.prerequisites),
            Course.archived.is_(False),
            Course.current_version_id.is_not(None),
        )
        .options(selectinload(Course.current_version))
    ).all()
    by_id = {
        course.id: course.current_version
        for course in courses
        if course.current_version is not None
    }
    return [by_id[course_id] for course_id in version.prerequisites if course_id in by_id]


def completed_course_ids(user: User | None, course_ids: set[str] | None = None) -> set[str]:
    """Return the ids of the courses `user` has completed (among `course_ids` when given)."""
    if user is None or (course_ids is not None and not course_ids):
        return set()
    query = sa.select(Enrolment.course_id).where(
        Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None)
    )
    if course_ids is not None:
        query = query.where(Enrolment.course_id.in_(course_ids))
    return set(db.session.scalars(query))


def prerequisites_for(user: User | None, version: CourseVersion) -> list[Prerequisite]:
    """Return `version`'s prerequisites, each with whether `user` has completed it."""
    versions = prerequisite_versions(version)
    done = completed_course_ids(user, {v.course_id for v in versions})
    return [Prerequisite(v, v.course_id in done) for v in versions]


def missing_prerequisites(user: User, version: CourseVersion) -> list[CourseVersion]:
    """Return the prerequisites of `version` that `user` has not completed yet."""
    return [p.version for p in prerequisites_for(user, version) if not p.completed]


def learners_lacking(version: CourseVersion, learner_ids: sa.Select) -> int:
    """Count the learners among `learner_ids` (a select of user ids) who have not completed
    every prerequisite of `version` that counts."""
    required = [v.course_id for v in prerequisite_versions(version)]
    if not required:
        return 0
    learners = learner_ids.subquery()
    completed = (
        sa.select(sa.func.count(Enrolment.id))
        .where(
            Enrolment.user_id == learners.c.id,
            Enrolment.course_id.in_(required),
            Enrolment.completed_at.is_not(None),
        )
        .scalar_subquery()
    )
    lacking = sa.select(sa.func.count()).select_from(learners).where(completed < len(required))
    return db.session.scalar(lacking) or 0


def quoted_titles(versions: list[CourseVersion], language: str) -> str:
    """Return the courses' titles quoted as the interface language quotes, for a message."""
    return ", ".join(_("“%(title)s”", title=v.text("title", language)) for v in versions)
