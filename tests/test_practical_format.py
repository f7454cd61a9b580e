"""The ```assignment block of the course format: parsed, checked at path:line, imported."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from depomi_learn.content.codes import CODES
from depomi_learn.content.findings import format_findings_text
from depomi_learn.content.importer import import_tree
from depomi_learn.content.validate import validate_tree
from depomi_learn.extensions import db
from depomi_learn.models import Module, PracticalWork
from tests.helpers.broken_assignments import (
    CASES,
    COURSE,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize(("mutate", "code", "file", "line", "also"), CASES)
def test_broken_assignment_is_reported_at_the_right_place(
    tmp_path: Path, mutate, code: str, file: str, line: int | None, also: set[str]
) -> None:
    folder = tmp_path / "courses" / "practical-course"
    shutil.copytree(COURSE, folder)
    mutate(folder)
    findings = validate_tree(tmp_path / "courses", display="courses")
    report = format_findings_text(findings)
    where = f"courses/practical-course/{file}"
    assert (code, where, line) in {(f.code, f.path, f.line) for f in findings}, report
    unexpected = {f.code for f in findings if f.is_error} - {code} - also
    assert not unexpected, report


def test_every_assignment_code_has_a_case_and_documentation() -> None:
    codes = {code for code in CODES if code[1] == "7"}
    assert codes == {param.values[1] for param in CASES}
    documented = (DOCS / "validation-codes.md").read_text("utf-8")
    assert [code for code in codes if f"### {code}" not in documented] == []
    assert "```assignment" in (DOCS / "course-format.md").read_text("utf-8")


def test_the_fixture_course_is_clean() -> None:
    assert validate_tree(COURSE) == []


def test_import_keeps_the_assignment_with_the_version_and_sanitises_it(ctx) -> None:
    results, findings = import_tree(COURSE)
    assert results
    assert findings == []
    work = db.session.scalars(
        sa.select(PracticalWork).join(Module).where(Module.key == "profil")
    ).one()
    assert work.key == "profil-commune"
    assert work.settings["reviewers"] == "course"
    assert work.settings["pass_mark"] == 60
    assert work.max_points == 10
    assert "<strong>profil migratoire</strong>" in work.texts["fr"]["instructions_html"]
    assert "<script" not in work.texts["fr"]["instructions_html"]
    assert work.texts["ar"]["rubric"][1]["levels"][2] == "جيد جدا"
    assert work.criteria_for("ar", "fr")[0]["levels"][1] == ("مقبول", 2)
    lesson = db.session.scalars(sa.select(Module).where(Module.key == "lecture")).one()
    assert lesson.practical_work is None
