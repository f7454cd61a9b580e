"""Helpers shared by the authoring tests: courses with authors, posts with CSRF, draft contents."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import CourseAuthor, CourseDraft, CourseVersion, DraftFile
from tests.helpers.database import FIXTURES
from tests.helpers.people import csrf_token

QUIZ_COURSE = FIXTURES / "quiz-course"
COURSE = "quiz-course"


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs: object):
    """POST with the session's CSRF token, as the pages' forms do."""
    token = csrf_token(client, "/author/")
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def import_course(app: Flask, folder: Path = QUIZ_COURSE) -> str:
    """Import a course folder as the command line does; return its id."""
    with app.app_context():
        results, findings = import_tree(folder)
        assert results, findings
        db.session.commit()
        return results[0].course_id


def make_author(app: Flask, course_id: str, user_id: int, *, owner: bool = True) -> None:
    with app.app_context():
        db.session.add(CourseAuthor(course_id=course_id, user_id=user_id, is_owner=owner))
        db.session.commit()


def draft_files(app: Flask, course_id: str = COURSE) -> dict[str, bytes] | None:
    """Return the draft's files, or None when the course has no draft."""
    with app.app_context():
        if db.session.get(CourseDraft, course_id) is None:
            return None
        rows = db.session.scalars(sa.select(DraftFile).where(DraftFile.course_id == course_id))
        return {row.path: row.data for row in rows}


def versions(app: Flask, course_id: str = COURSE) -> list[tuple[int, str]]:
    """Return (number, content hash) of every version of a course."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(CourseVersion.number, CourseVersion.content_hash)
            .where(CourseVersion.course_id == course_id)
            .order_by(CourseVersion.number)
        )
        return [tuple(row) for row in rows]


def zip_of(entries: dict[str, bytes]) -> bytes:
    """Return a zip holding `entries` ({name: bytes})."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def folder_entries(folder: Path, prefix: str = "") -> dict[str, bytes]:
    """Return every file of a folder as zip entries under `prefix`."""
    return {
        prefix + path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def module_file(module_id: str, title: str, body: str = "", *, settings: str = "") -> str:
    """Return a module file's text."""
    return f"---\nid: {module_id}\ntitle: {title}\nduration_minutes: 5\n{settings}---\n\n{body}\n"


def picture(image_format: str, size=(40, 20), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 0).save(buffer, image_format, **save)
    return buffer.getvalue()
