"""Synthetic populations for demonstrations and benchmarks: names in both scripts, places,
enrolments, progress, quiz attempts, certificates and assignments, inserted in bulk.

Rows are written with executemany (COPY on PostgreSQL for the big tables), a chunk of learners
at a time, so a hundred thousand learners and a million progress rows fit in little memory.
"""

import random
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

import sqlalchemy as sa
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from ..certificates.issuing import generate_code
from ..extensions import db
from ..learning.assignments import apply_assignment
from ..models import (
    Assignment,
    Certificate,
    Course,
    CourseVersion,
    Enrolment,
    Institution,
    ModuleProgress,
    QuizAttempt,
    Region,
    User,
    utcnow,
)
from ..reports.counters import count_added
from .demo_people import person as new_person
from .demo_sessions import attempt_row, populate_sessions

CHUNK = 5_000
PROGRAMME_WEIGHT = 4  # the three programme regions hold most of the learners


class DemoError(Exception):
    """The population cannot be made (no course imported, no region loaded)."""


@dataclass
class CourseInfo:
    id: str
    version_id: int
    modules: list[str]
    quizzes: list[str]
    certificate: bool
    validity_months: int | None
    titles: dict[str, str]
    label: str


@dataclass
class Counts:
    learners: int = 0
    enrolments: int = 0
    progress: int = 0
    attempts: int = 0
    certificates: int = 0
    assignments: int = 0
    sessions: int = 0
    registrations: int = 0
    tables: dict[str, int] = field(default_factory=dict)


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_rows(table: sa.Table, rows: list[dict]) -> int:
    """Insert plain rows fast: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return 0
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and not any(
        isinstance(c.type, sa.JSON) for c in table.columns
    ):
        # COPY skips the models' Python-side defaults: supply them for the columns not given.
        defaults = _python_defaults(table, set(rows[0]))
        rows = [{**defaults, **row} for row in rows] if defaults else rows
        columns = list(rows[0])
        driver = connection.connection.driver_connection
        if driver is None:
            raise DemoError("the database connection is closed")
        cursor = driver.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return len(rows)
    for chunk in _chunks(rows, 10_000):
        connection.execute(sa.insert(table), chunk)
    return len(rows)


def _python_defaults(table: sa.Table, given: set[str]) -> dict:
    values = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or column.primary_key:
            continue
        if isinstance(default, ScalarElementColumnDefault):
            values[column.name] = default.arg
        elif isinstance(default, CallableColumnDefault):
            # SQLAlchemy wraps the models' zero-argument defaults (utcnow, dict) to take an
            # execution context they ignore; a COPY has none to give.
            values[column.name] = default.arg(None)  # type: ignore[arg-type]
    return values


def _courses() -> list[CourseInfo]:
    versions = db.session.scalars(
        sa.select(CourseVersion).join(Course, Course.current_version_id == CourseVersion.id)
    ).all()
    return [
        CourseInfo(
            id=v.course_id,
            version_id=v.id,
            modules=[m.key for m in v.modules],
            # pre- and post-tests are taken around sessions (demo_sessions)
            quizzes=[
                m.key for m in v.modules if m.quiz_settings and not m.quiz_settings.get("role")
            ],
            certificate=v.certificate_enabled,
            validity_months=v.validity_months,
            titles=dict(v.title),
            label=v.label,
        )
        for v in versions
        if v.modules
    ]


def _institutions(regions: Sequence[Region]) -> dict[int, list[int]]:
    """Create (once) a few institutions per province and region; return their ids per province."""
    wanted: dict[int, list[str]] = {}
    for region in regions:
        for province in region.provinces:
            kind = "préfectoral" if province.kind == "prefecture" else "provincial"
            wanted[province.id] = [  # in the order of INSTITUTION_KINDS
                f"Commune de {province.name_fr}",
                f"Conseil {kind} de {province.name_fr}",
                f"Conseil régional {region.name_fr}",
                f"Direction régionale de l'Entraide nationale – {region.name_fr}",
            ]
    names = sorted({name for names in wanted.values() for name in names})
    existing = set(
        db.session.scalars(sa.select(Institution.name).where(Institution.name.in_(names)))
    )
    now = utcnow()
    insert_rows(
        Institution.__table__,
        [{"name": n, "created_at": now} for n in names if n not in existing],
    )
    ids = dict(
        db.session.execute(
            sa.select(Institution.name, Institution.id).where(Institution.name.in_(names))
        ).all()
    )
    return {province: [ids[n] for n in names] for province, names in wanted.items()}


@dataclass
class _Batch:
    enrolments: list[dict] = field(default_factory=list)
    progress: list[dict] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)


def _learning(rng, user_id: int, person: dict, courses, now, batch: _Batch, options) -> None:
    """Add one learner's enrolments, progress, attempts and certificates to `batch`."""
    for course in rng.sample(courses, k=min(len(courses), rng.choice((0, 1, 2, 2, 3, 3, 4)))):
        enrolled = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1440))
        started = rng.random() < 0.85
        done = len(course.modules) if started and rng.random() < 0.5 else 0
        if started and not done:
            done = rng.randint(0, len(course.modules) - 1)
        completed = (
            enrolled + timedelta(days=rng.randint(1, 120)) if done == len(course.modules) else None
        )
        if completed and completed > now:
            completed, done = None, len(course.modules) - 1
        score = round(rng.uniform(55, 100), 1) if completed and course.quizzes else None
        last = (completed or enrolled + timedelta(days=rng.randint(0, 30))) if started else None
        batch.enrolments.append(
            {
                "user_id": user_id,
                "course_id": course.id,
                "enrolled_at": enrolled,
                "last_module_key": course.modules[max(done - 1, 0)] if started else None,
                "last_activity_at": min(last, now) if last else None,
                "completed_at": completed,
                "score": score,
            }
        )
        for key in course.modules[: max(done, 1 if started else 0)]:
            batch.progress.append(
                {
                    "user_id": user_id,
                    "course_id": course.id,
                    "module_key": key,
                    "first_viewed_at": enrolled,
                    "completed_at": (completed or enrolled)
                    if key in course.modules[:done]
                    else None,
                }
            )
        if completed and options["attempts"]:
            for key in course.quizzes:
                batch.attempts.append(
                    attempt_row(
                        user_id,
                        course.id,
                        course.version_id,
                        key,
                        person["preferred_language"],
                        completed,
                        score,
                    )
                )
        if completed and options["certificates"] and course.certificate and (score or 100) >= 70:
            batch.certificates.append(_certificate(user_id, course, person, completed, score))


def _certificate(user_id, course: CourseInfo, person: dict, when: datetime, score) -> dict:
    code = generate_code()
    expires = when + timedelta(days=30 * course.validity_months) if course.validity_months else None
    return {
        "code": code,
        "user_id": user_id,
        "course_id": course.id,
        "version_id": course.version_id,
        "renewal": 0,
        "holder_name_latin": person["name_latin"],
        "holder_name_arabic": person["name_arabic"],
        "course_title": course.titles,
        "version_label": course.label,
        "score": score,
        "region_name": None,
        "subject_salt": secrets.token_hex(16),
        "issued_at": when,
        "expires_at": expires,
        "revocation_reason": "",
        "pdf_sha256": None,  # rendered at the first download, or by `certificates render-missing`
    }


def _weighted_regions(rng: random.Random, regions: Sequence[Region], count: int) -> list[Region]:
    weights = [PROGRAMME_WEIGHT if r.is_programme else 1 for r in regions]
    return rng.choices(regions, weights=weights, k=count)


def populate(
    learners: int,
    *,
    seed: int = 2026,
    attempts: bool = True,
    certificates: bool = True,
    now: datetime | None = None,
) -> Counts:
    """Add `learners` synthetic learners with their learning history (flushes, no commit)."""
    now = now or utcnow()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    regions = db.session.scalars(sa.select(Region).order_by(Region.number)).all()
    courses = _courses()
    if not regions:
        raise DemoError("no regions: run `flask regions load` first")
    if not courses:
        raise DemoError("no courses: run `flask courses import` first")
    db.session.flush()
    institutions = _institutions(regions)
    tag = f"demo-{seed}-{secrets.token_hex(3)}"
    options = {"attempts": attempts, "certificates": certificates}
    counts = Counts()
    for start in range(0, learners, CHUNK):
        size = min(CHUNK, learners - start)
        places = _weighted_regions(rng, regions, size)
        people = [
            new_person(rng, f"{tag}-{start + i:07d}@demo.depomi.ma", region, institutions, now)
            for i, region in enumerate(places)
        ]
        insert_rows(User.__table__, people)
        ids = dict(
            db.session.execute(
                sa.select(User.email, User.id).where(
                    User.email >= people[0]["email"], User.email <= people[-1]["email"]
                )
            ).all()
        )
        batch = _Batch()
        for person in people:
            _learning(rng, ids[person["email"]], person, courses, now, batch, options)
        counts.learners += len(people)
        counts.enrolments += insert_rows(Enrolment.__table__, batch.enrolments)
        counts.progress += insert_rows(ModuleProgress.__table__, batch.progress)
        counts.attempts += insert_rows(QuizAttempt.__table__, batch.attempts)
        counts.certificates += insert_rows(Certificate.__table__, batch.certificates)
        count_added(ids.values())  # rows inserted in bulk: the ORM's flushes did not see them
    counts.assignments = _assignments(rng, regions, courses, now)
    programme = [region.id for region in regions if region.is_programme]
    blended = populate_sessions(rng, programme, tag, now, insert_rows)
    counts.sessions, counts.registrations = blended.sessions, blended.registrations
    return counts


def _assignments(rng: random.Random, regions: Sequence[Region], courses, now: datetime) -> int:
    """Give each programme region one assignment already past due and one still open."""
    made = 0
    for region in (r for r in regions if r.is_programme):
        for days in (-14, 45):
            assignment = Assignment(
                course_id=rng.choice(courses).id,
                due_at=now + timedelta(days=days),
                region_id=region.id,
                province_id=rng.choice(region.provinces).id,
                job_function="",
                chosen_learners=False,
            )
            db.session.add(assignment)
            db.session.flush()
            apply_assignment(assignment)
            made += 1
    return made
