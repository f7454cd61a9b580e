"""Enrolment, progress through modules, course completion and where to continue."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..certificates.issuing import issue_certificate, learning_cycle_start
from ..extensions import db
from ..models import (
    Course,
    CourseVersion,
    Enrolment,
    Module,
    ModuleProgress,
    PracticalWork,
    QuizAttempt,
    Submission,
    SubmissionStatus,
    User,
    utcnow,
)
from .completion import hours_attended, is_complete
from .outlines import VERSION_KEY_COLUMNS, ModuleOutline, VersionOutline, outlines_by_version_id


@dataclass(frozen=True)
class CourseProgress:
    completed_keys: frozenset[str]
    total: int

    @property
    def completed(self) -> int:
        return len(self.completed_keys)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


# The statements every learner page runs are built once: on SQLite, putting the expression
# together cost about as much as running it.
_ENROLMENT = sa.select(Enrolment).where(
    Enrolment.user_id == sa.bindparam("user_id"), Enrolment.course_id == sa.bindparam("course_id")
)
_COMPLETED = sa.select(ModuleProgress.course_id, ModuleProgress.module_key).where(
    ModuleProgress.user_id == sa.bindparam("user_id"),
    ModuleProgress.course_id.in_(sa.bindparam("course_ids", expanding=True)),
    ModuleProgress.completed_at.is_not(None),
)
_CONTINUE_ROWS = (
    sa.select(Enrolment, *VERSION_KEY_COLUMNS)
    .join(Course, Course.id == Enrolment.course_id)
    .join(CourseVersion, CourseVersion.id == Course.current_version_id)
    .where(Enrolment.user_id == sa.bindparam("user_id"))
    .order_by(
        Enrolment.due_at.is_(None),
        Enrolment.due_at,
        Enrolment.last_activity_at.desc().nulls_last(),
        Enrolment.enrolled_at.desc(),
    )
)


def find_enrolment(user: User, course_id: str) -> Enrolment | None:
    return db.session.scalar(_ENROLMENT, {"user_id": user.id, "course_id": course_id})


def enrol(user: User, course: Course) -> Enrolment:
    """Enrol `user` in `course`; enrolling twice (double click, two tabs) returns the first."""
    existing = find_enrolment(user, course.id)
    if existing:
        return existing
    try:
        with db.session.begin_nested():
            enrolment = Enrolment(user_id=user.id, course_id=course.id)
            db.session.add(enrolment)
    except IntegrityError:  # a concurrent request enrolled first
        theirs = find_enrolment(user, course.id)
        assert theirs is not None  # the row that refused ours
        return theirs
    return enrolment


def _progress_row(user: User, course_id: str, module_key: str) -> ModuleProgress:
    """Return the progress row for a module, creating it once even under concurrent requests."""
    query = sa.select(ModuleProgress).where(
        ModuleProgress.user_id == user.id,
        ModuleProgress.course_id == course_id,
        ModuleProgress.module_key == module_key,
    )
    row = db.session.scalar(query)
    if row:
        return row
    try:
        with db.session.begin_nested():
            row = ModuleProgress(user_id=user.id, course_id=course_id, module_key=module_key)
            db.session.add(row)
    except IntegrityError:  # a concurrent request made it first
        theirs = db.session.scalar(query)
        assert theirs is not None
        return theirs
    return row


VISIT_REFRESH = timedelta(minutes=5)


def visit_is_news(enrolment: Enrolment, module: Module) -> bool:
    """Tell whether opening `module` changes where the learner is (worth a write)."""
    last = enrolment.last_activity_at
    return (
        enrolment.last_module_key != module.key or last is None or utcnow() - last > VISIT_REFRESH
    )


def record_visit(user: User, enrolment: Enrolment, module: Module) -> None:
    """Remember that the learner opened `module`, so they can come back to it."""
    _progress_row(user, enrolment.course_id, module.key)
    enrolment.last_module_key = module.key
    enrolment.last_activity_at = utcnow()


def mark_read(user: User, enrolment: Enrolment, module: Module) -> bool:
    """Complete a lesson (no questions, no assignment); return False for other modules."""
    if module.has_quiz or module.practical_work is not None:
        return False
    complete_module(user, enrolment.course_id, module.key)
    return True


def complete_module(user: User, course_id: str, module_key: str) -> None:
    """Record a module as complete (once) and complete the course when it was the last one."""
    row = _progress_row(user, course_id, module_key)
    now = utcnow()
    if row.completed_at is None and _work_pending(user, course_id, module_key):
        return  # the assignment completes it once a trainer passes the work
    if row.completed_at is None:
        row.completed_at = now
    enrolment = find_enrolment(user, course_id)
    if enrolment is not None:
        enrolment.last_activity_at = now
        update_course_completion(user, enrolment)


def _work_pending(user: User, course_id: str, module_key: str) -> bool:
    """Tell whether the module has an assignment whose work has not passed review yet."""
    has_work = sa.exists().where(
        PracticalWork.module_id == Module.id,
        Module.key == module_key,
        Module.version_id == Course.current_version_id,
        Course.id == course_id,
    )
    passed = sa.exists().where(
        Submission.user_id == user.id,
        Submission.course_id == course_id,
        Submission.module_key == module_key,
        Submission.status == SubmissionStatus.PASSED,
    )
    return bool(db.session.scalar(sa.select(sa.and_(has_work, ~passed))))


def completed_module_keys(user: User, version: CourseVersion) -> frozenset[str]:
    """Return the keys of the version's modules the user has completed (aliases count)."""
    return completed_in(version, completed_by_course(user, [version.course_id])[version.course_id])


def completed_by_course(user: User, course_ids: list[str]) -> dict[str, set[str]]:
    """Return the module keys the user has completed in each course, in one query."""
    rows = db.session.execute(_COMPLETED, {"user_id": user.id, "course_ids": list(course_ids)})
    done: dict[str, set[str]] = {course_id: set() for course_id in course_ids}
    for course_id, module_key in rows:
        done[course_id].add(module_key)
    return done


def completed_in(version: CourseVersion | VersionOutline, done: set[str]) -> frozenset[str]:
    """Return the keys of the version's modules among `done` (completed keys, aliases count)."""
    return frozenset(m.key for m in version.modules if done & {m.key, *m.aliases})


def course_progress(user: User, version: CourseVersion) -> CourseProgress:
    return CourseProgress(completed_module_keys(user, version), len(version.modules))


def update_course_completion(user: User, enrolment: Enrolment) -> None:
    """Set the completion time and score once the current version is complete."""
    version = enrolment.course.current_version
    if version is None:  # a course never published has nothing to complete
        return
    progress = course_progress(user, version)
    # A blended course's completion rule (attendance, post-test) decides; else every module.
    if is_complete(user.id, version, progress.completed_keys) and not enrolment.completed_at:
        enrolment.completed_at = utcnow()
        enrolment.score = course_score(user, version)
        hours = hours_attended(user.id, version.course_id) if version.completion else None
        # Same transaction: no completion without its certificate.
        issue_certificate(user, enrolment, version, hours_attended=hours)


def course_score(user: User, version: CourseVersion) -> float | None:
    """Return the mean of the learner's best result in each quiz module (None: no quiz)."""
    quiz_keys = [m.key for m in version.modules if m.has_quiz]
    if not quiz_keys:
        return None
    best = (
        sa.select(QuizAttempt.module_key, sa.func.max(QuizAttempt.percent).label("best"))
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_id == version.course_id,
            QuizAttempt.module_key.in_(quiz_keys),
            QuizAttempt.submitted_at.is_not(None),
        )
        .group_by(QuizAttempt.module_key)
    )
    cycle_start = learning_cycle_start(user.id, version.course_id)
    if cycle_start is not None:  # a renewal: only attempts made since count
        best = best.where(QuizAttempt.started_at >= cycle_start)
    scores = {row.module_key: row.best for row in db.session.execute(best)}
    return round(sum(scores.get(key) or 0 for key in quiz_keys) / len(quiz_keys), 2)


def next_module(
    version: CourseVersion | VersionOutline, done: frozenset[str], after: str | None
) -> Module | ModuleOutline | None:
    """Return the first incomplete module after `after` (wrapping round), or None when all done."""
    modules: list[Module | ModuleOutline] = list(version.modules)
    keys = [m.key for m in modules]
    start = keys.index(after) + 1 if after in keys else 0
    for module in modules[start:] + modules[:start]:
        if module.key not in done:
            return module
    return None


@dataclass(frozen=True)
class ContinuePoint:
    enrolment: Enrolment
    version: VersionOutline
    progress: CourseProgress
    module: ModuleOutline | None  # None: the course is complete


def continue_points(user: User) -> list[ContinuePoint]:
    """Return the learner's courses, most recently active first, each with where to continue.

    A constant number of queries however many courses the learner follows.
    """
    rows = db.session.execute(_CONTINUE_ROWS, {"user_id": user.id}).all()
    outlines = outlines_by_version_id(rows)
    done = completed_by_course(user, [row.Enrolment.course_id for row in rows])
    points = []
    for row in rows:
        enrolment, version = row.Enrolment, outlines[row.version_id]
        progress = CourseProgress(
            completed_in(version, done[version.course_id]), len(version.modules)
        )
        resume_after = _module_before(version, enrolment.last_module_key, progress)
        points.append(
            ContinuePoint(
                enrolment,
                version,
                progress,
                next_module(version, progress.completed_keys, resume_after),
            )
        )
    return points


def _module_before(
    version: CourseVersion | VersionOutline, last_key: str | None, progress: CourseProgress
) -> str | None:
    """Resume at the last module seen if it is unfinished, otherwise just after it."""
    keys = [m.key for m in version.modules]
    if last_key not in keys:
        return None
    index = keys.index(last_key)
    if last_key in progress.completed_keys:
        return last_key
    return keys[index - 1] if index > 0 else None
