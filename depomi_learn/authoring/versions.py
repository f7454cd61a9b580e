"""Published versions read back as course folders, and what the validator needs of the others."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Course, CourseAsset, CourseVersion, SourceFile
from .folder import Files


def version_by_number(course_id: str, number: int) -> CourseVersion | None:
    """Return version `number` of a course."""
    return db.session.scalars(
        sa.select(CourseVersion).where(
            CourseVersion.course_id == course_id, CourseVersion.number == number
        )
    ).first()


def version_files(version: CourseVersion) -> Files:
    """Return the course folder a version was made from, byte for byte.

    Versions imported before source files were kept are rebuilt from course.yaml and each
    module's Markdown, with file names made from the module order.
    """
    files: Files = {
        row.path: row.data
        for row in db.session.scalars(
            sa.select(SourceFile).where(SourceFile.version_id == version.id)
        )
    }
    if not files:
        files = _rebuilt_files(version)
    for asset in db.session.scalars(
        sa.select(CourseAsset).where(CourseAsset.version_id == version.id)
    ):
        files[f"assets/{asset.path}"] = asset.data
    return files


def _rebuilt_files(version: CourseVersion) -> Files:
    files: Files = {"course.yaml": version.source_yaml.encode()}
    for module in version.modules:
        for text in module.texts:
            path = f"{text.language}/{module.position + 1:02d}-{module.key}.md"
            files[path] = text.source_markdown.encode()
    return files


def published_graph(*, exclude: str | None = None) -> dict[str, list[str]]:
    """Return {course id: prerequisites} for every published course, for the validator."""
    rows = db.session.execute(
        sa.select(Course.id, CourseVersion.prerequisites).join(
            CourseVersion, CourseVersion.id == Course.current_version_id
        )
    )
    return {course_id: list(prereqs or []) for course_id, prereqs in rows if course_id != exclude}


def original_text(course_id: str, path: str, digest: str) -> bytes | None:
    """Return an earlier content of `path` whose hash starts with `digest` (a translated_from)."""
    if len(digest) < 7:
        return None
    pattern = digest.replace("%", "").replace("_", "") + "%"
    return db.session.scalars(
        sa.select(SourceFile.data)
        .join(CourseVersion, CourseVersion.id == SourceFile.version_id)
        .where(
            CourseVersion.course_id == course_id,
            SourceFile.path == path,
            SourceFile.sha256.like(pattern),
        )
        .limit(1)
    ).first()
