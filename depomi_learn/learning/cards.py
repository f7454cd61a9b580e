"""The catalogue's course cards as a learner sees them: enrolled or not, how far along, and the
prerequisites each course asks for. A constant number of queries however many courses."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import CourseVersion, Enrolment, User
from .prerequisites import Prerequisite
from .progress import CourseProgress, completed_by_course, completed_in


@dataclass(frozen=True)
class CourseCard:
    version: CourseVersion
    enrolment: Enrolment | None  # None: not enrolled (or a visitor)
    progress: CourseProgress | None  # None: not enrolled
    prerequisites: list[Prerequisite]  # the visible ones, with whether the learner completed it

    @property
    def completed(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is not None


def course_cards(
    user: User | None, versions: list[CourseVersion], visible: list[CourseVersion]
) -> list[CourseCard]:
    """Return a card for each of `versions`; prerequisites are named from `visible` (the courses
    the user may see), so a card never names a course its reader cannot open."""
    enrolments: dict[str, Enrolment] = {}
    if user is not None:
        enrolments = {
            e.course_id: e
            for e in db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == user.id))
        }
    shown = [v.course_id for v in versions if v.course_id in enrolments]
    done = completed_by_course(user, shown) if user is not None and shown else {}
    completed = {cid for cid, e in enrolments.items() if e.completed_at is not None}
    by_id = {v.course_id: v for v in visible}
    cards = []
    for version in versions:
        enrolment = enrolments.get(version.course_id)
        progress = None
        if enrolment is not None:
            keys = completed_in(version, done[version.course_id])
            progress = CourseProgress(keys, len(version.modules))
        prerequisites = [
            Prerequisite(by_id[course_id], course_id in completed)
            for course_id in version.prerequisites
            if course_id in by_id
        ]
        cards.append(CourseCard(version, enrolment, progress, prerequisites))
    return cards
