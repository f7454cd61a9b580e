"""Synthetic blended training for demonstrations and benchmarks: past sessions of the blended
courses in the programme regions, with registrations, attendance, pre- and post-tests and
evaluations, so the results pages show knowledge gain and satisfaction at scale.

Learners enrolled in a blended course are grouped by province into sessions of about 25 people,
held on two days before their enrolment's last activity; most attend both days and answer the
evaluation; the pre-test is taken before the first day and scores lower than the post-test.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Course,
    CourseVersion,
    Enrolment,
    QuizAttempt,
    SessionAttendance,
    SessionDay,
    SessionRegistration,
    SurveyAnswer,
    SurveyResponse,
    TrainingSession,
    User,
)
from ..sessions.evaluation import default_questions

GROUP_SIZE = 25
ATTENDANCE = (("present", 88), ("absent", 8), ("excused", 4))
ANSWER_RATE = 0.7


@dataclass(frozen=True)
class BlendedCourse:
    id: str
    version_id: int
    title: str
    pre_test: str | None
    post_test: str | None


@dataclass
class SessionCounts:
    sessions: int = 0
    registrations: int = 0
    attendance: int = 0
    evaluations: int = 0


def blended_courses() -> list[BlendedCourse]:
    """Return the published courses whose completion rule names sessions or tests."""
    versions = db.session.scalars(
        sa.select(CourseVersion).join(Course, Course.current_version_id == CourseVersion.id)
    ).all()
    found = []
    for version in versions:
        roles = {
            (m.quiz_settings or {}).get("role"): m.key for m in version.modules if m.quiz_settings
        }
        if version.completion or "pre_test" in roles:
            title = version.title.get("fr") or next(iter(version.title.values()), version.course_id)
            found.append(
                BlendedCourse(
                    version.course_id,
                    version.id,
                    title,
                    roles.get("pre_test"),
                    roles.get("post_test"),
                )
            )
    return found


def _groups(course_id: str, region_ids: list[int], tag: str) -> dict[tuple, list[tuple]]:
    """Learners of this population enrolled in the course, by (region, province)."""
    rows = db.session.execute(
        sa.select(
            User.region_id,
            User.province_id,
            User.id,
            User.preferred_language,
            Enrolment.last_activity_at,
        )
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.course_id == course_id,
            Enrolment.last_activity_at.is_not(None),  # started: the others never came
            User.region_id.in_(region_ids),
            User.email.like(f"{tag}-%"),
        )
        .order_by(User.id)
    ).all()
    groups: dict[tuple, list[tuple]] = {}
    for region_id, province_id, user_id, language, active in rows:
        groups.setdefault((region_id, province_id), []).append((user_id, language, active))
    return groups


def attempt_row(
    user_id: int,
    course_id: str,
    version_id: int,
    key: str,
    language: str,
    when: datetime,
    score: float | None,
    role: str | None = None,
) -> dict:
    """A submitted quiz attempt as a row to insert; `role`: pre_test or post_test."""
    return {
        "user_id": user_id,
        "course_id": course_id,
        "module_key": key,
        "version_id": version_id,
        "number": 1,
        "language": language,
        "settings": {"pass_mark": 70} | ({"role": role} if role else {}),
        "questions": [],
        "answers": {},
        "started_at": when - timedelta(minutes=20),
        "submitted_at": when,
        "results": [],
        "points": score,
        "max_points": 100.0,
        "percent": score,
        "passed": (score or 0) >= 70,
        "late": False,
    }


def _session(course: BlendedCourse, region_id: int, province_id, people, first: datetime):
    session = TrainingSession(
        course_id=course.id,
        region_id=region_id,
        province_id=province_id,
        title=course.title,
        place="Salle de formation (démonstration)",
        capacity=max(GROUP_SIZE, len(people)),
        closed_at=first + timedelta(days=3),
        created_at=first - timedelta(days=20),
        updated_at=first - timedelta(days=20),
    )
    session.days = [
        SessionDay(
            starts_at=first + timedelta(days=offset),
            ends_at=first + timedelta(days=offset, hours=6, minutes=30),
        )
        for offset in (0, 1)
    ]
    db.session.add(session)
    return session


def _people_rows(rng, session, course, people, rows: dict[str, list]) -> None:
    first = session.days[0].starts_at
    questions = [q for q in default_questions() if q.type != "text"]
    for user_id, language, _active in people:
        rows["registrations"].append(
            {
                "session_id": session.id,
                "user_id": user_id,
                "status": "registered",
                "requested_at": first - timedelta(days=rng.randint(5, 20)),
            }
        )
        for day in session.days:
            status = rng.choices(*zip(*ATTENDANCE, strict=True))[0]
            rows["attendance"].append(
                {
                    "day_id": day.id,
                    "user_id": user_id,
                    "status": status,
                    "note": "",
                    "method": rng.choice(("trainer", "qr", "qr")),
                    "recorded_at": day.starts_at + timedelta(minutes=rng.randint(0, 40)),
                }
            )
        pre = round(rng.uniform(25, 70), 1)
        if course.pre_test:
            when = first - timedelta(days=rng.randint(1, 4))
            rows["attempts"].append(
                attempt_row(
                    user_id,
                    course.id,
                    course.version_id,
                    course.pre_test,
                    language,
                    when,
                    pre,
                    "pre_test",
                )
            )
        if course.post_test:
            post = round(min(100.0, pre + rng.uniform(-5, 45)), 1)
            when = session.days[-1].ends_at + timedelta(hours=rng.randint(1, 72))
            rows["attempts"].append(
                attempt_row(
                    user_id,
                    course.id,
                    course.version_id,
                    course.post_test,
                    language,
                    when,
                    post,
                    "post_test",
                )
            )
        if rng.random() < ANSWER_RATE:
            rows["responses"].append({"session_id": session.id, "user_id": user_id})
            for question in questions:
                likert = question.type == "likert"
                rows["answers"].append(
                    {
                        "session_id": session.id,
                        "question": question.id,
                        "number": rng.choices((1, 2, 3, 4, 5), (2, 4, 14, 45, 35))[0]
                        if likert
                        else None,
                        "choice": None if likert else rng.choice([o for o, _t in question.options]),
                        "text": None,
                    }
                )


def populate_sessions(
    rng: random.Random, region_ids: list[int], tag: str, now: datetime, insert_rows
) -> SessionCounts:
    """Add past sessions of the blended courses for this population's learners (flushes)."""
    counts = SessionCounts()
    rows: dict[str, list] = {
        "registrations": [],
        "attendance": [],
        "attempts": [],
        "responses": [],
        "answers": [],
    }
    for course in blended_courses():
        for (region_id, province_id), people in _groups(course.id, region_ids, tag).items():
            for start in range(0, len(people), GROUP_SIZE):
                group = people[start : start + GROUP_SIZE]
                latest = min(max(active for _u, _l, active in group), now - timedelta(days=7))
                first = (latest - timedelta(days=rng.randint(3, 60))).replace(
                    hour=8, minute=30, second=0, microsecond=0
                )
                session = _session(course, region_id, province_id, group, first)
                db.session.flush()
                _people_rows(rng, session, course, group, rows)
                counts.sessions += 1
    counts.registrations = insert_rows(SessionRegistration.__table__, rows["registrations"])
    counts.attendance = insert_rows(SessionAttendance.__table__, rows["attendance"])
    insert_rows(QuizAttempt.__table__, rows["attempts"])
    counts.evaluations = insert_rows(SurveyResponse.__table__, rows["responses"])
    insert_rows(SurveyAnswer.__table__, rows["answers"])
    return counts
