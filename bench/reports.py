"""Benchmark the coordinator reports at growing populations on SQLite and PostgreSQL.

For each size, a fresh database gets Morocco's 12 regions, 20 courses and a synthetic population
(`depomi_learn.demo.populate`, about 12 module progress rows per learner), then the real pages
are timed through the app: the national and a regional dashboard, a drill-down page, the CSV of
every enrolment (national) and the XLSX of a region's enrolments. Times are the best of three;
ratios are to the smallest size.

    .venv/bin/python bench/reports.py                       # SQLite, 1k 10k 100k
    .venv/bin/python bench/reports.py --pages results       # the programme results instead
    .venv/bin/python bench/reports.py --postgres postgresql+psycopg://depomi@127.0.0.1:55433/depomi_bench

Not part of the test suite. The PostgreSQL database must exist and is emptied (schema public).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import flask_migrate
import sqlalchemy as sa

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.extensions import db
from depomi_learn.models import (
    Course,
    CourseVersion,
    Enrolment,
    Module,
    ModuleProgress,
    ModuleText,
    Region,
    Role,
    User,
)
from depomi_learn.operations.demo import populate
from depomi_learn.operations.regions import load_reference_regions
from depomi_learn.reports.counters import differences

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 2026"  # noqa: S105 - throwaway accounts in a throwaway database
COURSES = 20
PAGES = {
    "dashboard national": ("n@bench.ma", "/coordinate/"),
    "dashboard regional": ("c@bench.ma", "/coordinate/"),
    "drill-down page": ("n@bench.ma", "/coordinate/learners?metric=completed&sort=-completed_at"),
    "CSV all enrolments": ("n@bench.ma", "/coordinate/export/learners.csv?metric=enrolled"),
    "XLSX region enrolments": ("c@bench.ma", "/coordinate/export/learners.xlsx?metric=enrolled"),
}
# The programme results (`--pages results`): every indicator, in total and broken down.
RESULT_PAGES = {
    "results national": ("n@bench.ma", "/results/"),
    "national region x sex": ("n@bench.ma", "/results/?by=region&by=sex"),
    "national course x quarter": ("n@bench.ma", "/results/?by=course&by=quarter"),
    "regional by sex": ("c@bench.ma", "/results/?by=sex"),
    "quarterly XLSX national": ("n@bench.ma", "/results/quarterly.xlsx"),
}
# The dashboards alone (`--pages dashboards`): what the counters serve.
DASHBOARD_PAGES = {name: PAGES[name] for name in ("dashboard national", "dashboard regional")}
PAGE_SETS = {"reports": PAGES, "results": RESULT_PAGES, "dashboards": DASHBOARD_PAGES}


def _reset(app) -> None:
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        db.session.commit()


def _make_courses() -> None:
    for number in range(COURSES):
        course = Course(id=f"bench-course-{number:02d}")
        version = CourseVersion(
            course=course,
            number=1,
            label="2026.1",
            content_hash="0" * 64,
            default_language="fr",
            languages=["fr", "ar"],
            title={"fr": f"Cours {number}", "ar": f"الدرس {number}"},
            summary={"fr": "", "ar": ""},
            level="beginner",
            duration_minutes=90,
            audience=[],
            prerequisites=[],
            certificate_enabled=True,
            validity_months=36,
            source_yaml="",
        )
        for position in range(8 + number % 5):
            module = Module(key=f"m{position}", position=position, version=version)
            module.quiz_settings = {"pass_mark": 70} if position in (3, 7) else None
            module.texts.append(
                ModuleText(language="fr", title=f"m{position}", source_markdown="", html="")
            )
        db.session.add(version)
        db.session.flush()
        course.current_version = version
    db.session.commit()


def _coordinators() -> None:
    souss = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
    for email, region in (("n@bench.ma", None), ("c@bench.ma", souss)):
        create_user(
            UserFields(
                email=email,
                name_latin=email,
                role=Role.COORDINATOR,
                region=region,
                password=PASSWORD,
            )
        )
    db.session.commit()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _time(app, email: str, path: str, repeat: int = 3) -> float:
    client = app.test_client()
    with client:
        client.post("/login", data={"email": email, "password": PASSWORD})
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(path)
            size = len(response.get_data())
            best = min(best, time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
            assert size > 0, path
    return best


def run(url: str, sizes: list[int], pages: dict = PAGES, repeat: int = 3) -> list[dict]:
    results = []
    for size in sizes:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=url,
            WTF_CSRF_ENABLED=False,
            TWO_FACTOR_REQUIRED_ROLES=(),  # the benchmark signs in with a password only
        )
        _reset(app)
        with app.app_context():
            _make_courses()
            _coordinators()
            start = time.perf_counter()
            populate(size, seed=2026, attempts=False)
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect() as connection:
                    connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                        sa.text("VACUUM ANALYZE")
                    )
            else:
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
            generated = time.perf_counter() - start
            start = time.perf_counter()
            # The counters kept while populating must equal the live rows (`flask reports check`).
            assert differences(db.session.connection()) == [], "counters differ"
            db.session.rollback()
            checked = time.perf_counter() - start
            row = {
                "check s": checked,
                "learners": _count(User) - 2,
                "enrolments": _count(Enrolment),
                "progress": _count(ModuleProgress),
                "generate s": generated,
            }
        for name, (email, path) in pages.items():
            row[name] = _time(app, email, path, repeat)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        results.append(row)
        print(f"  {size:>7} learners done", file=sys.stderr, flush=True)
    return results


def report(title: str, results: list[dict], pages: dict = PAGES) -> None:
    print(f"\n{title}")
    print(
        f"{'learners':>9} {'enrolments':>10} {'progress':>9} {'generate':>9} {'check':>6}  "
        + "  ".join(f"{name:>24}" for name in pages)
    )
    first = results[0]
    for row in results:
        cells = [
            f"{row[name] * 1000:>9.0f} ms (x{row[name] / first[name]:>5.1f})" for name in pages
        ]
        print(
            f"{row['learners']:>9} {row['enrolments']:>10} {row['progress']:>9} "
            f"{row['generate s']:>8.1f}s {row['check s']:>5.1f}s  "
            + "  ".join(f"{c:>24}" for c in cells)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--postgres", default="", help="SQLAlchemy URL of an existing database")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--pages", choices=tuple(PAGE_SETS), default="reports")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page (the best kept)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pages = PAGE_SETS[args.pages]
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            results = []
            for size in sizes:
                url = f"sqlite:///{folder}/bench-{size}.sqlite3"
                results += run(url, [size], pages, args.repeat)
            report("SQLite (WAL, file)", results, pages)
    if args.postgres:
        report("PostgreSQL", run(args.postgres, sizes, pages, args.repeat), pages)


if __name__ == "__main__":
    main()
