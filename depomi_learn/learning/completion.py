"""Completion rules of blended courses, hours attended, and knowledge gain (pre- and post-test).

course.yaml's `completion: {modules: all, attendance_percent: 80, post_test: true}` is stored on
the course version; a version without it completes as before (every module). The pre-test never
counts for completion. Imports only the models: progress and quizzes call into it, and the
sessions package reads hours and gains from it.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    CourseVersion,
    Module,
    QuizAttempt,
    SessionAttendance,
    SessionDay,
    SessionRegistration,
    TrainingSession,
    utcnow,
)

PRE_TEST, POST_TEST = "pre_test", "post_test"


def modules_with_role(version: CourseVersion, role: str) -> list[str]:
    """Return the keys of the version's modules whose quiz has this role."""
    return [m.key for m in version.modules if (m.quiz_settings or {}).get("role") == role]


def required_modules(version: CourseVersion) -> list[str]:
    """Return the module keys a blended course requires: `all` means all but the pre-test."""
    rule = version.completion or {}
    listed = rule.get("modules", "all")
    pre = set(modules_with_role(version, PRE_TEST))
    if listed == "all":
        return [m.key for m in version.modules if m.key not in pre]
    return [key for key in listed if key not in pre]


def attendance_by_session(user_id: int, course_id: str) -> list[tuple[int, float, float]]:
    """Return (session id, hours attended, hours scheduled) for the learner's sessions."""
    hours = (sa.func.julianday(SessionDay.ends_at) - sa.func.julianday(SessionDay.starts_at)) * 24
    if db.session.get_bind().dialect.name == "postgresql":
        hours = sa.extract("epoch", SessionDay.ends_at - SessionDay.starts_at) / 3600
    present = sa.case((SessionAttendance.status == "present", hours), else_=0)
    rows = db.session.execute(
        sa.select(
            TrainingSession.id,
            sa.func.coalesce(sa.func.sum(present), 0),
            sa.func.coalesce(sa.func.sum(hours), 0),
        )
        .join(SessionRegistration, SessionRegistration.session_id == TrainingSession.id)
        .join(SessionDay, SessionDay.session_id == TrainingSession.id)
        .outerjoin(
            SessionAttendance,
            sa.and_(
                SessionAttendance.day_id == SessionDay.id,
                SessionAttendance.user_id == SessionRegistration.user_id,
            ),
        )
        .where(
            TrainingSession.course_id == course_id,
            TrainingSession.cancelled_at.is_(None),
            SessionRegistration.user_id == user_id,
            SessionRegistration.status == "registered",
        )
        .group_by(TrainingSession.id)
    ).all()
    return [(session_id, float(done), float(total)) for session_id, done, total in rows]


def hours_attended(user_id: int, course_id: str) -> float:
    """Return the hours of the course's sessions the learner was present at."""
    return round(sum(done for _id, done, _total in attendance_by_session(user_id, course_id)), 2)


def attendance_percent(user_id: int, course_id: str) -> float:
    """Return the learner's best attendance, in percent of a session's hours (0: no session)."""
    rates = [
        100 * done / total
        for _id, done, total in attendance_by_session(user_id, course_id)
        if total
    ]
    return round(max(rates, default=0.0), 1)


def best_percent(user_id: int, course_id: str, module_keys: list[str]) -> float | None:
    """Return the learner's best submitted result at these modules' quizzes (None: no attempt)."""
    if not module_keys:
        return None
    return db.session.scalar(
        sa.select(sa.func.max(QuizAttempt.percent)).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_id == course_id,
            QuizAttempt.module_key.in_(module_keys),
            QuizAttempt.submitted_at.is_not(None),
        )
    )


def unmet_parts(user_id: int, version: CourseVersion, completed_keys: frozenset[str]) -> list[str]:
    """Return the parts of the version's completion rule the learner has not met yet.

    "modules", "attendance", "post_test"; an empty list means the course is complete.
    """
    rule = version.completion or {}
    unmet = []
    if any(key not in completed_keys for key in required_modules(version)):
        unmet.append("modules")
    wanted = rule.get("attendance_percent")
    if wanted and attendance_percent(user_id, version.course_id) < wanted:
        unmet.append("attendance")
    if rule.get("post_test"):
        post = modules_with_role(version, POST_TEST)
        if not post or any(key not in completed_keys for key in post):
            unmet.append("post_test")
    return unmet


def is_complete(user_id: int, version: CourseVersion, completed_keys: frozenset[str]) -> bool:
    """Return whether the learner completed the version: its rule, or every module without one."""
    if version.completion is None:
        return bool(version.modules) and all(m.key in completed_keys for m in version.modules)
    return not unmet_parts(user_id, version, completed_keys)


def learner_gain(user_id: int, version: CourseVersion) -> dict[str, float | None]:
    """Return the learner's pre-test and post-test results and the gain (post - pre)."""
    pre = best_percent(user_id, version.course_id, modules_with_role(version, PRE_TEST))
    post = best_percent(user_id, version.course_id, modules_with_role(version, POST_TEST))
    gain = round(post - pre, 1) if pre is not None and post is not None else None
    return {"pre": pre, "post": post, "gain": gain}


def normalised_gain(pre: float | None, post: float | None) -> float | None:
    """Return Hake's normalised gain (post - pre) / (100 - pre); None when undefined."""
    if pre is None or post is None or pre >= 100:
        return None
    return round((post - pre) / (100 - pre), 2)


def pre_test_closed(user_id: int, module: Module) -> bool:
    """Return whether `module` is a pre-test the learner may no longer start.

    A pre-test measures what people know before the session: once the first day of a session of
    the course they are registered in has begun, it is closed.
    """
    if (module.quiz_settings or {}).get("role") != PRE_TEST:
        return False
    first_day = (
        sa.select(sa.func.min(SessionDay.starts_at))
        .where(SessionDay.session_id == TrainingSession.id)
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    started = db.session.scalar(
        sa.select(sa.func.count(TrainingSession.id))
        .join(SessionRegistration, SessionRegistration.session_id == TrainingSession.id)
        .where(
            TrainingSession.course_id == module.version.course_id,
            TrainingSession.cancelled_at.is_(None),
            SessionRegistration.user_id == user_id,
            SessionRegistration.status == "registered",
            first_day <= utcnow(),
        )
    )
    return bool(started)
