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
from tests.conftest import FIXTURES

COURSE = FIXTURES / "practical-course"
DOCS = Path(__file__).resolve().parent.parent / "docs"
FR = "fr/02-profil.md"
AR = "ar/02-profil.md"
LESSON = "fr/01-lecture.md"
BLOCK = (COURSE / FR).read_text("utf-8").split("```assignment\n", 1)[1].split("```\n", 1)[0]
SMALL = "```assignment\nid: autre\ntitle: T\ninstructions: I\nrubric:\n" + (
    "  - id: c\n    title: C\n    levels:\n      - {title: a, points: 0}\n"
    "      - {title: b, points: 1}\n```\n"
)


def replace(file: str, old: str, new: str):
    def mutate(folder: Path) -> None:
        path = folder / file
        text = path.read_text("utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {file}"
        path.write_text(text.replace(old, new), "utf-8")

    return mutate


def append(file: str, text: str):
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text("utf-8") + text, "utf-8")

    return mutate


def case(mutate, code: str, file: str, line: int | None, *also: str, id: str):
    return pytest.param(mutate, code, file, line, set(also), id=id)


CASES = [
    case(replace(FR, "```\n", ""), "E701", FR, 11, "E714", id="never-closed"),
    case(replace(FR, "max_files: 3\n", "max_files: [3\n"), "E702", FR, 23, "E714", id="yaml"),
    case(replace(FR, "pass_mark: 60", "pass_mark:\t60"), "E703", FR, 23, "E714", id="tab"),
    case(replace(FR, "id: profil-commune", "id: Profil"), "E704", FR, 12, "E716", id="bad-id"),
    case(append(FR, "\n" + SMALL), "E705", FR, 40, id="two-in-a-module"),
    case(
        append(LESSON, "\n```assignment\n" + BLOCK + "```\n"), "E705", FR, 11, "E714", id="same-id"
    ),
    case(
        replace(FR, "title: Profil migratoire et fiche projet\n", ""),
        "E706",
        FR,
        12,
        "E716",
        id="title-missing",
    ),
    case(
        replace(FR, "accept: [text, files]", "accept: [video]"), "E707", FR, 19, "E716", id="accept"
    ),
    case(replace(FR, "docx, xlsx, odt", "exe, xlsx, odt"), "E708", FR, 20, "E716", id="exe"),
    case(replace(FR, "max_size_mb: 2", "max_size_mb: 500"), "E709", FR, 21, "E716", id="size"),
    case(
        replace(
            FR, "      - {title: Correct, points: 2}\n      - {title: Très bien, points: 4}\n", ""
        ),
        "E710",
        FR,
        28,
        "E716",
        id="one-level",
    ),
    case(replace(FR, "points: 6", "points: -6"), "E710", FR, 37, "E716", id="negative-points"),
    case(
        replace(FR, "{title: Correct, points: 3}", "{title: Correct, mais incomplet, points: 3}"),
        "E710",
        FR,
        36,
        "E716",
        id="unquoted-comma-in-title",
    ),
    case(replace(FR, "pass_mark: 60", "pass_mark: 160"), "E711", FR, 23, "E716", id="pass-mark"),
    case(replace(FR, "reviewers: course", "reviewers: all"), "E712", FR, 24, "E716", id="who"),
    case(
        replace(FR, "title: Profil migratoire et fiche projet", "title: yes"),
        "E713",
        FR,
        13,
        "E716",
        id="title-boolean",
    ),
    case(replace(AR, "```assignment", "```text"), "E714", AR, None, id="missing-in-ar"),
    case(replace(AR, "pass_mark: 60", "pass_mark: 50"), "E715", AR, 12, id="differs-in-ar"),
    case(append("ar/01-lecture.md", "\n" + SMALL), "E716", "ar/01-lecture.md", 12, id="only-ar"),
    case(
        replace(FR, "reviewers: course", "reviewer: course"),
        "W701",
        FR,
        24,
        "E716",
        id="unknown-key",
    ),
    case(
        replace(FR, "accept: [text, files]", "accept: text"),
        "W702",
        FR,
        20,
        "E715",
        id="files-on-text-only",
    ),
]


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
