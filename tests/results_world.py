"""A hand-built population for the results indicators, with its expected values worked out.

Souss-Massa: six women in communes of Agadir (W1..W6) complete course-a in February 2026, and W1
also completes course-b and course-c in April and May (three courses, one person); three men
of a regional council in Tiznit (M1..M3) complete course-a in February; one person who did not
state their sex, without province or institution type (N1), completes course-b in April; one
woman (S1) completes a single module of course-a only. Oriental: five men of communes of Oujda
(O1..O5) complete course-a in March. Every course has three modules of 20 minutes.

Certificates of course-a: W1..W6 and O1..O5 valid, M1's revoked, M2's expired.
Pre- and post-tests of course-d (best result of each): W1..W5 pairs, pre 40 50 60 30 20 and
post 80 75 90 60 45 (averages 40 and 70: normalised gain (70-40)/(100-40) = 0.5), submitted in
May; W3 tried the post-test again and got 70 (her best stays 90); M1 has a pre-test only; W6
never submitted hers.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from depomi_learn.extensions import db
from depomi_learn.models import (
    Certificate,
    CourseVersion,
    Enrolment,
    ModuleProgress,
    Province,
    QuizAttempt,
    Region,
    Role,
    User,
    utcnow,
)
from tests.factories import make_course

FEB = datetime(2026, 2, 10, 10, tzinfo=UTC)
MAR = datetime(2026, 3, 12, 10, tzinfo=UTC)
APR = datetime(2026, 4, 8, 10, tzinfo=UTC)
MAY = datetime(2026, 5, 15, 10, tzinfo=UTC)
MODULES = ("m1", "m2", "m3")
PRE = (40, 50, 60, 30, 20)
POST = (80, 75, 90, 60, 45)

# Expected values, national scope, programme to date.
EXPECTED_TOTALS = {
    "people_trained": 15,
    "completions": 17,
    "certificates_valid": 11,
    "training_hours": 17.3,  # 17 courses of one hour, and S1's 20 minutes
    "knowledge_gain": 0.5,
    "women_share": 40.0,  # 6 of 15
}


def _person(email: str, region: int | None, **fields: object) -> User:
    fields.setdefault("role", Role.LEARNER)
    return User(
        email=email, password_hash="!", name_latin=email.split("@")[0], region_id=region, **fields
    )


def _complete(user: User, course_id: str, at: datetime, modules: tuple[str, ...] = MODULES):
    rows: list = [
        ModuleProgress(user_id=user.id, course_id=course_id, module_key=key, completed_at=at)
        for key in modules
    ]
    if modules == MODULES:
        rows.append(
            Enrolment(user_id=user.id, course_id=course_id, enrolled_at=at, completed_at=at)
        )
    else:
        rows.append(Enrolment(user_id=user.id, course_id=course_id, enrolled_at=at))
    db.session.add_all(rows)


def _certificate(user: User, course_id: str, **fields: object) -> Certificate:
    version = db.session.scalar(
        sa.select(CourseVersion.id).where(CourseVersion.course_id == course_id)
    )
    return Certificate(
        code=f"R{user.id:06d}-{course_id[-1].upper()}"[:19],
        user_id=user.id,
        course_id=course_id,
        version_id=version,
        holder_name_latin=user.name_latin,
        holder_name_arabic="",
        course_title={"fr": course_id},
        version_label="2026.1",
        subject_salt="0" * 32,
        revocation_reason="",
        pdf_sha256="0" * 64,
        issued_at=FEB,
        **fields,
    )


def _attempt(
    user: User, role: str, percent: float | None, at: datetime, number: int = 1
) -> QuizAttempt:
    version = db.session.scalar(
        sa.select(CourseVersion.id).where(CourseVersion.course_id == "course-d")
    )
    return QuizAttempt(
        user_id=user.id,
        course_id="course-d",
        module_key="pre" if role == "pre_test" else "post",
        version_id=version,
        number=number,
        language="fr",
        settings={"pass_mark": 0, "role": role},
        questions=[],
        submitted_at=at if percent is not None else None,
        percent=percent,
    )


def _ids(model, column, *codes: str) -> list[int]:
    return [db.session.scalar(sa.select(model.id).where(column == code)) for code in codes]


def build_results_world(app: Flask) -> dict[str, int]:
    """Create the population above; return ids of people and of three coordinators."""
    for course_id in ("course-a", "course-b", "course-c"):
        make_course(app, course_id, modules=MODULES)
    make_course(app, "course-d", modules=("pre", "post"), quiz_modules=("pre", "post"))
    with app.app_context():
        souss, oriental = _ids(Region, Region.code, "souss-massa", "oriental")
        agadir, tiznit, oujda = _ids(
            Province, Province.code, "agadir-ida-outanane", "tiznit", "oujda-angad"
        )
        people = {
            **{
                f"W{n}": _person(
                    f"w{n}@r.ma",
                    souss,
                    sex="female",
                    province_id=agadir,
                    institution_type="commune",
                )
                for n in range(1, 7)
            },
            **{
                f"M{n}": _person(
                    f"m{n}@r.ma",
                    souss,
                    sex="male",
                    province_id=tiznit,
                    institution_type="regional_council",
                )
                for n in range(1, 4)
            },
            "N1": _person("n1@r.ma", souss),
            "S1": _person(
                "s1@r.ma", souss, sex="female", province_id=agadir, institution_type="commune"
            ),
            **{
                f"O{n}": _person(
                    f"o{n}@r.ma",
                    oriental,
                    sex="male",
                    province_id=oujda,
                    institution_type="commune",
                )
                for n in range(1, 6)
            },
            "coord_souss": _person("c@souss.ma", souss, role=Role.COORDINATOR),
            "coord_oriental": _person("c@oriental.ma", oriental, role=Role.COORDINATOR),
            "national": _person("n@depomi.ma", None, role=Role.COORDINATOR),
        }
        db.session.add_all(people.values())
        db.session.flush()
        _learning(people)
        db.session.commit()
        return {key: user.id for key, user in people.items()}


def _learning(people: dict[str, User]) -> None:
    for n in range(1, 7):
        _complete(people[f"W{n}"], "course-a", FEB)
    _complete(people["W1"], "course-b", APR)
    _complete(people["W1"], "course-c", MAY)
    for n in range(1, 4):
        _complete(people[f"M{n}"], "course-a", FEB)
    _complete(people["N1"], "course-b", APR)
    _complete(people["S1"], "course-a", FEB, modules=("m1",))
    for n in range(1, 6):
        _complete(people[f"O{n}"], "course-a", MAR)
    db.session.add_all(
        [_certificate(people[f"W{n}"], "course-a") for n in range(1, 7)]
        + [_certificate(people[f"O{n}"], "course-a") for n in range(1, 6)]
        + [
            _certificate(people["M1"], "course-a", revoked_at=utcnow()),
            _certificate(people["M2"], "course-a", expires_at=utcnow() - timedelta(days=1)),
        ]
    )
    for n, (pre, post) in enumerate(zip(PRE, POST, strict=True), start=1):
        db.session.add(_attempt(people[f"W{n}"], "pre_test", pre, MAR))
        db.session.add(_attempt(people[f"W{n}"], "post_test", post, MAY))
    db.session.add(_attempt(people["W3"], "post_test", 70, MAY + timedelta(days=1), number=2))
    db.session.add(_attempt(people["M1"], "pre_test", 50, MAR))
    db.session.add(_attempt(people["W6"], "pre_test", None, MAR))


def grow_world(app: Flask, count: int) -> None:
    """Add `count` learners spread over every region, with completions, certificates, tests."""
    with app.app_context():
        regions = db.session.scalars(sa.select(Region).order_by(Region.number)).all()
        sexes = ("female", "male", "not_stated")
        people = [
            _person(
                f"g{n}@r.ma",
                regions[n % len(regions)].id,
                sex=sexes[n % 3],
                institution_type=("commune", "public_body", None)[n % 3],
            )
            for n in range(count)
        ]
        db.session.add_all(people)
        db.session.flush()
        for n, person in enumerate(people):
            _complete(person, ("course-a", "course-b", "course-c")[n % 3], (FEB, APR, MAY)[n % 3])
            db.session.add(_certificate(person, ("course-a", "course-b", "course-c")[n % 3]))
            db.session.add(_attempt(person, "pre_test", 40 + n % 20, MAR))
            db.session.add(_attempt(person, "post_test", 60 + n % 30, MAY))
        db.session.commit()
