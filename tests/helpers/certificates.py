"""Helpers for certificate tests: complete a course through the real learning functions."""

import sqlalchemy as sa
from flask import Flask

from depomi_learn.extensions import db
from depomi_learn.learning.progress import enrol, mark_read
from depomi_learn.models import Certificate, Course, User


def complete_course(app: Flask, user_id: int, course_id: str = "demo-course") -> str:
    """Enrol the user, read every module (the last one completes the course); return the code."""
    with app.app_context():
        user = db.session.get(User, user_id)
        course = db.session.get(Course, course_id)
        enrolment = enrol(user, course)
        for module in course.current_version.modules:
            mark_read(user, enrolment, module)
        db.session.commit()
        return latest_code(user_id, course_id)


def latest_code(user_id: int, course_id: str = "demo-course") -> str:
    return db.session.scalars(
        sa.select(Certificate.code)
        .where(Certificate.user_id == user_id, Certificate.course_id == course_id)
        .order_by(Certificate.id.desc())
    ).first()


def certificate_row(app: Flask, code: str) -> Certificate:
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
        db.session.expunge(certificate)
        return certificate


def update_certificate(app: Flask, code: str, **values: object) -> None:
    """Change a certificate directly (e.g. move its expiry into the past)."""
    with app.app_context():
        db.session.execute(sa.update(Certificate).where(Certificate.code == code).values(**values))
        db.session.commit()
