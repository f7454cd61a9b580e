"""A small two-region world for the report tests: people, places, enrolments, a certificate."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.extensions import db
from depomi_learn.models import (
    Certificate,
    Enrolment,
    Institution,
    Province,
    Region,
    Role,
    User,
    utcnow,
)
from tests.helpers.courses import make_course
from tests.helpers.people import make_user

XSS_NAME = "<script>alert(1)</script>"
FORMULA_INSTITUTION = "=cmd|' /C calc'!A0"
FORMULA_JOB = "@SUM(1+1)"
# Text that must never appear in a Souss-Massa coordinator's page, export or API answer.
ORIENTAL_MARKERS = ("Omar Oriental", "o1@oriental.ma", "Commune d'Oujda", "Oujda")


def add_learner(
    app: Flask,
    email: str,
    *,
    region: str | None = "souss-massa",
    province: str | None = None,
    institution: str = "",
    job_function: str = "",
    name: str = "",
    name_ar: str = "",
) -> int:
    """Create a learner without a password and return its id."""
    with app.app_context():
        user = create_user(
            UserFields(
                email=email,
                name_latin=name or email.split("@")[0],
                name_arabic=name_ar,
                region=db.session.scalar(sa.select(Region).where(Region.code == region))
                if region
                else None,
                province=db.session.scalar(sa.select(Province).where(Province.code == province))
                if province
                else None,
                institution_name=institution,
                job_function=job_function,
            )
        )
        db.session.commit()
        return user.id


def enrol_learner(
    app: Flask,
    user_id: int,
    course_id: str,
    *,
    started: bool = False,
    completed_at: datetime | None = None,
    score: float | None = None,
    due_at: datetime | None = None,
    enrolled_at: datetime | None = None,
) -> None:
    with app.app_context():
        db.session.add(
            Enrolment(
                user_id=user_id,
                course_id=course_id,
                enrolled_at=enrolled_at or datetime(2026, 2, 1, 9, tzinfo=UTC),
                last_activity_at=(completed_at or utcnow()) if started or completed_at else None,
                completed_at=completed_at,
                score=score,
                due_at=due_at,
            )
        )
        db.session.commit()


def give_certificate(app: Flask, user_id: int, course_id: str, *, revoked: bool = False) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        course_version = db.session.scalar(
            sa.select(Enrolment).where(Enrolment.user_id == user_id)
        ).course.current_version
        db.session.add(
            Certificate(
                code=f"TEST-{user_id:04d}-{course_id[:4].upper()}-0000"[:19],
                user_id=user_id,
                course_id=course_id,
                version_id=course_version.id,
                holder_name_latin=user.name_latin,
                holder_name_arabic=user.name_arabic,
                course_title={"fr": course_id},
                version_label="2026.1",
                subject_salt="0" * 32,
                revoked_at=utcnow() if revoked else None,
                revocation_reason="",
                pdf_sha256="0" * 64,
            )
        )
        db.session.commit()


def build_world(app: Flask) -> dict[str, int]:
    """Two courses; three Souss-Massa learners and one Oriental learner; four staff accounts."""
    make_course(app, "course-a", quiz_modules=("pratique",))
    make_course(app, "course-b")
    past = utcnow() - timedelta(days=3)
    ids = {
        "s_agadir": add_learner(
            app,
            "s1@souss.ma",
            province="agadir-ida-outanane",
            institution="Commune d'Agadir",
            job_function="Juriste",
            name="Sara Agadir",
            name_ar="سارة أكادير",
        ),
        "s_tiznit": add_learner(
            app,
            "s2@souss.ma",
            province="tiznit",
            institution=FORMULA_INSTITUTION,
            job_function=FORMULA_JOB,
            name=XSS_NAME,
            name_ar="<b>عربي</b>",
        ),
        "s_none": add_learner(app, "s3@souss.ma", name="+212 Sans Province"),
        "o_oujda": add_learner(
            app,
            "o1@oriental.ma",
            region="oriental",
            province="oujda-angad",
            institution="Commune d'Oujda",
            job_function="Juriste",
            name="Omar Oriental",
        ),
    }
    completed = datetime(2026, 3, 10, 12, tzinfo=UTC)
    enrol_learner(app, ids["s_agadir"], "course-a", completed_at=completed, score=80)
    enrol_learner(app, ids["s_agadir"], "course-b", started=True)
    enrol_learner(app, ids["s_tiznit"], "course-a", due_at=past)
    enrol_learner(app, ids["o_oujda"], "course-a", completed_at=completed, score=60)
    enrol_learner(app, ids["o_oujda"], "course-b", due_at=past)
    give_certificate(app, ids["s_agadir"], "course-a")
    give_certificate(app, ids["o_oujda"], "course-a", revoked=True)
    ids["coord_souss"] = make_user(
        app, email="c@souss.ma", role=Role.COORDINATOR, region="souss-massa"
    )
    ids["coord_oriental"] = make_user(
        app, email="c@oriental.ma", role=Role.COORDINATOR, region="oriental"
    )
    ids["national"] = make_user(app, email="n@depomi.ma", role=Role.COORDINATOR, region=None)
    ids["trainer"] = make_user(app, email="t@souss.ma", role=Role.TRAINER)
    ids["learner"] = make_user(app, email="l@souss.ma", role=Role.LEARNER)
    with app.app_context():
        ids["oujda_institution"] = db.session.scalar(
            sa.select(Institution.id).where(Institution.name == "Commune d'Oujda")
        )
    return ids
