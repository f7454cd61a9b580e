"""The course validator: one broken copy of a tiny valid course per finding code."""

import json
import shutil
from pathlib import Path

import pytest

from depomi_learn.content import (
    findings_to_json,
    format_findings_text,
    load_course,
    short_hash,
    validate_module_source,
    validate_tree,
)
from depomi_learn.content.codes import CODES
from depomi_learn.content.findings import Finding
from tests.helpers.broken_courses import (
    AR_EVAL,
    AR_INTRO,
    CASES,
    FIXTURE,
    FR_EVAL,
    FR_INTRO,
    YAML,
    Mutation,
    append,
    copy_course,
    replace,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "validation-codes.md"


CODES_TESTED_ELSEWHERE = {"W001"}
CODES_TESTED_ELSEWHERE |= {code for code in CODES if code[1] == "7"}  # test_practical_format


def triples(findings: list[Finding]) -> set[tuple[str, str, int | None]]:
    return {(finding.code, finding.path, finding.line) for finding in findings}


def test_valid_course_has_no_findings() -> None:
    assert validate_tree(FIXTURE) == []


@pytest.mark.parametrize(("mutate", "code", "file", "line", "also"), CASES)
def test_each_broken_course_is_reported_at_the_right_place(
    tmp_path: Path, mutate: Mutation, code: str, file: str, line: int | None, also: set[str]
) -> None:
    mutate(copy_course(tmp_path))
    findings = validate_tree(tmp_path / "courses", display="courses")
    report = format_findings_text(findings)
    assert (code, f"courses/valid-course/{file}", line) in triples(findings), report
    unexpected = {f.code for f in findings if f.is_error} - {code} - also
    assert not unexpected, report


def test_every_code_has_a_case_and_documentation() -> None:
    tested = {param.values[1] for param in CASES} | CODES_TESTED_ELSEWHERE
    assert tested == set(CODES)
    documented = DOCS.read_text("utf-8")
    missing = [code for code in CODES if f"### {code}" not in documented]
    assert not missing


def test_empty_folder_warns_that_no_course_was_found(tmp_path: Path) -> None:
    findings = validate_tree(tmp_path, display="courses")
    assert triples(findings) == {("W001", "courses", None)}


def test_yaml_boolean_trap_is_explained(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    old, new = '  - id: b\n    text: "2011"', '  - id: no\n    text: "2011"'
    replace(FR_EVAL, old, new)(folder)
    finding = next(f for f in validate_tree(folder) if f.code == "E210")
    assert "'no' (YAML reads it as the boolean false)" in finding.message
    assert "quotes" in finding.hint


def test_arabic_digits_hint_gives_the_latin_number(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    replace(FR_EVAL, "answer: 11", "answer: ١١٫٥")(folder)
    finding = next(f for f in validate_tree(folder) if f.code == "E216")
    assert "Arabic-Indic digits" in finding.message
    assert "11.5" in finding.hint


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    replace(FR_EVAL, "prompt: Quel est", "promt: Quel est")(folder)
    finding = next(f for f in validate_tree(folder) if f.code == "W201")
    assert "did you mean 'prompt'" in finding.message


def test_answer_key_message_names_both_values(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    replace(AR_EVAL, "answer: 11", "answer: 12")(folder)
    finding = next(f for f in validate_tree(folder, display="c") if f.code == "E302")
    assert finding.message == (
        "quiz 'eval-numeric': answer key differs from fr/02-evaluation.md "
        "(fr: answer=11; ar: answer=12)"
    )


def test_stale_translation_tells_the_new_hash(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    append(FR_INTRO, "\nUne phrase de plus.\n")(folder)
    finding = next(f for f in validate_tree(folder) if f.code == "W302")
    assert short_hash((folder / FR_INTRO).read_bytes()) in finding.hint


def test_prerequisite_cycle_between_two_courses(tmp_path: Path) -> None:
    first = copy_course(tmp_path)
    second = tmp_path / "courses" / "second-course"
    shutil.copytree(first, second)
    replace(YAML, "id: valid-course", "id: second-course")(second)
    replace(YAML, "prerequisites: []", "prerequisites: [valid-course]")(second)
    replace(YAML, "prerequisites: []", "prerequisites: [second-course]")(first)
    findings = validate_tree(tmp_path / "courses", display="courses")
    cycles = {(f.path, f.line, f.message) for f in findings if f.code == "E502"}
    assert cycles == {
        (
            "courses/second-course/course.yaml",
            15,
            "prerequisite cycle: second-course -> valid-course -> second-course",
        ),
        (
            "courses/valid-course/course.yaml",
            15,
            "prerequisite cycle: valid-course -> second-course -> valid-course",
        ),
    }


def test_single_course_knows_its_sibling_prerequisites(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    sibling = tmp_path / "courses" / "basics"
    sibling.mkdir()
    (sibling / YAML).write_text("schema: 1\nid: basics\nprerequisites: [valid-course]\n")
    replace(YAML, "prerequisites: []", "prerequisites: [basics]")(folder)
    findings = validate_tree(folder)
    assert {f.code for f in findings} == {"E502"}


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    for file in (YAML, FR_INTRO):
        path = folder / file
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    findings = validate_tree(folder)
    # Only the translation notices that the French file's bytes changed.
    assert {f.code for f in findings} == {"W302"}


def test_quiz_inside_another_code_block_is_only_an_example(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    example = "\n````markdown\n```quiz\nid: Not An Id\n```\n````\n"
    append(FR_INTRO, example)(folder)
    append(AR_INTRO, example)(folder)
    assert {f.code for f in validate_tree(folder)} == {"W302"}


def test_load_course_gives_typed_course() -> None:
    course, findings = load_course(FIXTURE)
    assert findings == []
    assert course is not None
    assert [module.id for module in course.modules] == ["intro", "evaluation"]
    evaluation = course.modules[1]
    assert evaluation.quiz_settings == {
        "pass_mark": 70,
        "max_attempts": 3,
        "time_limit_minutes": None,
        "draw": 5,
        "shuffle": True,
    }
    keys = {question.id: question.answer_key for question in evaluation.questions}
    assert keys == {
        "eval-single": {"options": ["a", "b"], "correct": ["a"]},
        "eval-multiple": {"options": ["a", "b", "c"], "correct": ["a", "b"], "scoring": "partial"},
        "eval-true-false": {"answer": True},
        "eval-short": {"case_sensitive": False},
        "eval-numeric": {"answer": 11, "tolerance": 0},
        "eval-range": {"range": [12, 12]},
    }
    short = evaluation.questions[3]
    assert short.texts["ar"].accept == ["SNIA", "الاستراتيجية الوطنية للهجرة واللجوء"]
    assert "```quiz" not in evaluation.default.body
    assert [asset.path for asset in course.assets] == ["map.png"]
    assert course.assets[0].media_type == "image/png"


def test_editor_text_is_checked_alone_and_against_its_course() -> None:
    course, _ = load_course(FIXTURE, display="courses/valid-course")
    text = (FIXTURE / AR_EVAL).read_text("utf-8").replace("answer: 11", "answer: 12")
    module, alone = validate_module_source(text, AR_EVAL)
    assert module is not None
    assert module.language == "ar"
    assert alone == []
    _, in_course = validate_module_source(text, AR_EVAL, course=course)
    assert [(f.code, f.path, f.line) for f in in_course] == [
        ("E302", "courses/valid-course/ar/02-evaluation.md", 69)
    ]


def test_editor_text_with_a_broken_quiz() -> None:
    text = "---\nid: x\ntitle: X\n---\n\n```quiz\nid: q\ntype: single\nprompt: P\n"
    module, findings = validate_module_source(text, "fr/x.md")
    assert module is not None
    assert [(f.code, f.line) for f in findings] == [("W105", 2), ("E201", 6)]


def test_text_format_matches_the_course_format_page() -> None:
    findings = [
        Finding("c/ar/02.md", 41, "error", "E302", "quiz 'q': answer key differs", "translate"),
        Finding("c/course.yaml", None, "warning", "W004", "unknown key 'x'", "check"),
    ]
    assert format_findings_text(findings) == (
        "c/ar/02.md:41: error E302: quiz 'q': answer key differs\n"
        "    hint: translate\n"
        "c/course.yaml: warning W004: unknown key 'x'\n"
        "    hint: check\n"
        "1 error, 1 warning"
    )
    assert format_findings_text([]) == "0 errors, 0 warnings"


def test_json_format_carries_the_same_findings(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    replace(YAML, "id: valid-course", "id: SNIA")(folder)
    document = json.loads(findings_to_json(validate_tree(folder, display="c")))
    assert document["errors"] == 1
    assert document["warnings"] == 0
    assert document["findings"] == [
        {
            "path": "c/course.yaml",
            "line": 2,
            "severity": "error",
            "code": "E004",
            "message": "course id 'SNIA' is not valid",
            "hint": "lowercase letters, digits and '-'",
        }
    ]


def _xlsx_bytes() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Indicateur", "Valeur de référence", "Cible"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ\x90\x00")
    return buffer.getvalue()


def test_templates_are_recognised_by_name_and_content(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    templates = folder / "assets" / "templates"
    templates.mkdir()
    (templates / "cadre-logique.csv").write_bytes("\ufeffRésultat;Indicateur\n".encode())
    (templates / "fiche-projet.md").write_text("# Fiche projet\n\n| Titre | |\n", "utf-8")
    (templates / "indicateurs.xlsx").write_bytes(_xlsx_bytes())
    (templates / "programme.xlsx").write_bytes(b"MZ\x90\x00" + bytes(64))  # a renamed executable
    (templates / "convention.docx").write_bytes(_plain_zip())  # a ZIP, not a document
    (templates / "annuaire.csv").write_bytes(b"nom;\x00telephone\n")  # not text
    course, findings = load_course(folder, display="c")
    types = {asset.path: asset.media_type for asset in course.assets}
    assert types["templates/cadre-logique.csv"] == "text/csv; charset=utf-8"
    assert types["templates/fiche-projet.md"] == "text/markdown; charset=utf-8"
    assert types["templates/indicateurs.xlsx"].endswith("spreadsheetml.sheet")
    refused = {f.path for f in findings if f.code == "W401"}
    assert refused == {
        "c/assets/templates/programme.xlsx",
        "c/assets/templates/convention.docx",
        "c/assets/templates/annuaire.csv",
    }
    assert types["templates/programme.xlsx"] == "application/octet-stream"
