"""Weigh each bundled course's offline copy: what "Take this course offline" stores on a phone.

Imports courses/ into a throwaway SQLite database, signs a learner in, asks each course's
offline listing (/offline/courses/<id>/bundle) and fetches every file it names, as the page
script does. Prints, per course and language choice, the files, the bytes stored on the phone
(uncompressed, as the Cache API keeps them), the bytes on the wire with gzip, and the estimate
the page showed before downloading.

    .venv/bin/python bench/offline_weight.py
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench password 2026"  # noqa: S105 - a synthetic account
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
LIMIT = 400 * 1024
HEADER = (
    "| course | languages | modules | files | stored on the phone | on the wire (gzip) "
    "| estimate shown |"
)


def _signed_in_client(app):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post(
        "/login", data={"email": "bench@example.ma", "password": PASSWORD, "csrf_token": token}
    )
    return client


def _weigh(client, course_id: str, query: str) -> dict:
    bundle = client.get(f"/offline/courses/{course_id}/bundle?{query}").get_json()
    stored = wire = 0
    for file in bundle["files"]:
        body = client.get(file["url"]).data
        stored += len(body)
        wire += len(gzip.compress(body, 6))
    pages = sum(1 for file in bundle["files"] if file["kind"] in ("page", "quiz"))
    return {
        "files": len(bundle["files"]),
        "pages": pages,
        "stored": stored,
        "wire": wire,
        "estimate": bundle["bytes"],
        "languages": "+".join(bundle["languages"]),
        "modules": sum(
            1 for f in bundle["files"] if "/modules/" in f["url"] and "/quiz" not in f["url"]
        ),
    }


def main() -> int:
    import flask_migrate

    from depomi_learn import create_app
    from depomi_learn.accounts.users import UserFields, create_user
    from depomi_learn.content.importer import import_tree
    from depomi_learn.extensions import db
    from depomi_learn.learning.progress import enrol
    from depomi_learn.models import Course
    from depomi_learn.operations.regions import load_reference_regions

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.sqlite3")
        with app.app_context():
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            load_reference_regions()
            import_tree(ROOT / "courses")
            user = create_user(
                UserFields(email="bench@example.ma", name_latin="Bench", password=PASSWORD)
            )
            courses = db.session.query(Course).order_by(Course.id).all()
            for course in courses:
                enrol(user, course)
            db.session.commit()
            course_ids = [
                (c.id, c.current_version.default_language, c.current_version.languages)
                for c in courses
            ]
        client = _signed_in_client(app)
        print(HEADER)
        print("|---|---|---|---|---|---|---|")
        worst = 0
        for course_id, default, languages in course_ids:
            other = next((code for code in languages if code != default), None)
            queries = [f"lang={default}"] + ([f"lang={default}&also={other}"] if other else [])
            for query in queries:
                row = _weigh(client, course_id, query)
                if "also" not in query:
                    worst = max(worst, row["stored"])
                print(
                    f"| {course_id} | {row['languages']} | {row['modules']} | {row['files']} "
                    f"| {row['stored'] / 1024:.0f} KB | {row['wire'] / 1024:.0f} KB "
                    f"| {row['estimate'] / 1024:.0f} KB |"
                )
        print(f"\nlargest one-language copy: {worst / 1024:.0f} KB (limit {LIMIT // 1024} KB)")
        with app.app_context():
            db.engine.dispose()
        return 0 if worst < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
