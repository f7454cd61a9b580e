"""Helpers for session tests: a blended course, a session on given days, registered learners."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Flask

from depomi_learn.extensions import db
from depomi_learn.models import Course, Module, Region, TrainingSession, User, utcnow
from depomi_learn.sessions.registration import register
from depomi_learn.sessions.scheduling import ZONE, SessionPlan, create_session
from tests.helpers.courses import make_course
from tests.helpers.people import make_user

BLENDED_RULE = {"modules": "all", "attendance_percent": 80, "post_test": True}


def make_blended_course(app: Flask, course_id: str = "blended", rule: dict | None = None) -> str:
    """A course of four modules: pre-test, a lesson, post-test quiz, with a completion rule."""
    make_course(app, course_id, modules=("pre", "lesson", "post"), quiz_modules=("pre", "post"))
    with app.app_context():
        course = db.session.get(Course, course_id)
        course.current_version.completion = rule if rule is not None else dict(BLENDED_RULE)
        for module in db.session.scalars(sa.select(Module).where(Module.key.in_(("pre", "post")))):
            role = "pre_test" if module.key == "pre" else "post_test"
            module.quiz_settings = {"pass_mark": 0 if role == "pre_test" else 70, "role": role}
        db.session.commit()
    return course_id


def day_span(day: date, start: str = "09:00", end: str = "12:30") -> tuple[datetime, datetime]:
    """Return a day's start and end from Casablanca wall-clock times."""
    return (
        datetime.combine(day, time.fromisoformat(start), tzinfo=ZONE),
        datetime.combine(day, time.fromisoformat(end), tzinfo=ZONE),
    )


def future_day(days_ahead: int = 10) -> date:
    return (utcnow().astimezone(ZONE) + timedelta(days=days_ahead)).date()


def make_session(
    app: Flask,
    course_id: str,
    *,
    days: list[tuple[datetime, datetime]] | None = None,
    region: str = "souss-massa",
    capacity: int = 30,
    title: str = "Atelier SNIA Agadir",
) -> int:
    with app.app_context():
        region_id = db.session.scalar(sa.select(Region.id).where(Region.code == region))
        plan = SessionPlan(
            course_id=course_id,
            region_id=region_id,
            title=title,
            days=days or [day_span(future_day(10)), day_span(future_day(11))],
            place="Hôtel de la Région",
            capacity=capacity,
        )
        session = create_session(None, plan)
        db.session.commit()
        return session.id


def make_learners(
    app: Flask, count: int, region: str = "souss-massa", prefix: str = "l"
) -> list[int]:
    return [
        make_user(
            app,
            email=f"{prefix}{n}@example.ma",
            region=region,
            name=f"Learner {n}",
            name_ar=f"متعلم {n}",
        )
        for n in range(count)
    ]


def register_all(app: Flask, session_id: int, user_ids: list[int]) -> list[str]:
    statuses = []
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        for user_id in user_ids:
            statuses.append(register(db.session.get(User, user_id), session).status)
        db.session.commit()
    return statuses
