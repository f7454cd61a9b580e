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

Sessions of course-s: in Agadir, five days of two hours in June 2026. S1 is present four days
(80 %: trained), P1 (a woman of a commune of Agadir) five, M1 five (already trained), P2 three
(60 %: not trained, her six hours count), P3 is excused every day. A cancelled session where M2
was present counts for nothing. Five people evaluate the Agadir session (15 Likert answers, 12
rated 4 or 5) and two an Oriental session in May (6 answers, 3 rated 4 or 5): 15 of 21.
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
    SessionAttendance,
    SessionDay,
    SurveyAnswer,
    SurveyResponse,
    TrainingSession,
    User,
    utcnow,
)
from tests.helpers.courses import make_course

FEB = datetime(2026, 2, 10, 10, tzinfo=UTC)
MAR = datetime(2026, 3, 12, 10, tzinfo=UTC)
APR = datetime(2026, 4, 8, 10, tzinfo=UTC)
MAY = datetime(2026, 5, 15, 10, tzinfo=UTC)
MODULES = ("m1", "m2", "m3")
PRE = (40, 50, 60, 30, 20)
POST = (80, 75, 90, 60, 45)

# Expected values, national scope, programme to date.
EXPECTED_TOTALS = {
    "people_trained": 17,  # 15 who completed a course, S1 and P1 by attendance
    "completions": 17,
    "certificates_valid": 11,
    "training_hours": 51.3,  # 17 courses of one hour, S1's 20 minutes; 8+10+10+6 session hours
    "knowledge_gain": 0.5,
    "satisfaction": 71.4,  # 15 of 21 answers
    "women_share": 47.1,  # 8 of 17
}
JUNE = [datetime(2026, 6, day, 9, tzinfo=UTC) for day in range(1, 6)]
ANSWERS = {"agadir": [5, 4, 4, 5, 5, 3, 4, 4, 4, 2, 5, 4, 3, 4, 5], "oujda": [5, 5, 1, 4, 2, 2]}


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
    for course_id in ("course-a", "course-b", "course-c", "course-s"):
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
            **{
                f"P{n}": _person(
                    f"p{n}@r.ma",
                    souss,
                    sex="female",
                    province_id=agadir,
                    institution_type="commune",
                )
                for n in range(1, 4)
            },
            "coord_souss": _person("c@souss.ma", souss, role=Role.COORDINATOR),
            "coord_oriental": _person("c@oriental.ma", oriental, role=Role.COORDINATOR),
            "national": _person("n@depomi.ma", None, role=Role.COORDINATOR),
        }
        db.session.add_all(people.values())
        db.session.flush()
        _learning(people)
        _sessions(people, souss, agadir, oriental)
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


def _session(course_id: str, region: int, province: int | None, days: list[datetime], **fields):
    session = TrainingSession(
        course_id=course_id, region_id=region, province_id=province, title="Atelier", **fields
    )
    session.days = [SessionDay(starts_at=day, ends_at=day + timedelta(hours=2)) for day in days]
    db.session.add(session)
    db.session.flush()
    return session


def _present(session: TrainingSession, person: User, days: int, status: str = "present"):
    db.session.add_all(
        SessionAttendance(day_id=day.id, user_id=person.id, status=status, method="trainer")
        for day in session.days[:days]
    )


def _evaluate(session: TrainingSession, people: list[User], ratings: list[int]) -> None:
    db.session.add_all(SurveyResponse(session_id=session.id, user_id=p.id) for p in people)
    db.session.add_all(
        SurveyAnswer(
            session_id=session.id,
            question=("relevance", "trainer", "organisation")[n % 3],
            number=rating,
        )
        for n, rating in enumerate(ratings)
    )
    db.session.add(SurveyAnswer(session_id=session.id, question="apply", text="Tout"))


def _sessions(people: dict[str, User], souss: int, agadir: int, oriental: int) -> None:
    make = "course-s"
    agadir_session = _session(make, souss, agadir, JUNE)
    for key, days in (("S1", 4), ("P1", 5), ("M1", 5), ("P2", 3)):
        _present(agadir_session, people[key], days)
    _present(agadir_session, people["P3"], 5, status="excused")
    cancelled = _session(make, souss, agadir, JUNE, cancelled_at=utcnow())
    _present(cancelled, people["M2"], 5)
    oujda_session = _session(make, oriental, None, [MAY])
    evaluators = [people[key] for key in ("S1", "P1", "M1", "P2", "P3")]
    _evaluate(agadir_session, evaluators, ANSWERS["agadir"])
    _evaluate(oujda_session, [people["O1"], people["O2"]], ANSWERS["oujda"])
