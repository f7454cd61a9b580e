"""Validator findings speak the interface language: every message and hint, editor and CLI."""

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from depomi_learn.authoring.commands import environment_language
from depomi_learn.content import validate_tree
from depomi_learn.content.codes import CODES
from tests.helpers.broken_assignments import CASES as ASSIGNMENT_CASES
from tests.helpers.broken_assignments import COURSE as PRACTICAL_COURSE
from tests.helpers.broken_courses import CASES, copy_course

ARABIC = re.compile(r"[\u0600-\u06ff]")


def _in(language: str, text: object) -> str:
    with force_locale(language):
        return str(text)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_title_and_hint_is_translated(ctx: Flask, code: str) -> None:
    title, hint = CODES[code]
    for text in (title, hint):
        assert ARABIC.search(_in("ar", text)), (code, str(text))
        assert _in("fr", text) != _in("en", text) or "{" in str(text), (code, str(text))


def assert_translated(findings) -> None:
    """Each message and hint differs from the English source in Arabic (in Arabic script) and
    in French: a text that escaped translation would read the same in every language."""
    assert findings
    for finding in findings:
        for text in (finding.message, finding.hint):
            english, arabic = _in("en", text), _in("ar", text)
            assert arabic != english, (finding.code, english)
            assert ARABIC.search(arabic), (finding.code, english)
            assert _in("fr", text) != english, (finding.code, english)


@pytest.mark.parametrize(("mutate", "code", "file", "line", "also"), CASES)
def test_no_english_message_remains_in_arabic(
    ctx: Flask, tmp_path: Path, mutate, code, file, line, also
) -> None:
    mutate(copy_course(tmp_path))
    assert_translated(validate_tree(tmp_path / "courses", display="courses"))


@pytest.mark.parametrize(("mutate", "code", "file", "line", "also"), ASSIGNMENT_CASES)
def test_no_english_message_remains_in_arabic_for_assignments(
    ctx: Flask, tmp_path: Path, mutate, code, file, line, also
) -> None:
    folder = tmp_path / "courses" / "practical-course"
    shutil.copytree(PRACTICAL_COURSE, folder)
    mutate(folder)
    assert_translated(validate_tree(tmp_path / "courses", display="courses"))


def test_an_empty_folder_is_reported_in_arabic(ctx: Flask, tmp_path: Path) -> None:
    assert_translated(validate_tree(tmp_path, display="courses"))


def _broken_courses(tmp_path: Path) -> Path:
    yaml = copy_course(tmp_path) / "course.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("id: valid-course", "id: SNIA"), "utf-8")
    return tmp_path / "courses"


def test_cli_validate_speaks_the_language_asked(app: Flask, tmp_path: Path) -> None:
    root = _broken_courses(tmp_path)
    runner = app.test_cli_runner()
    arabic = runner.invoke(args=["courses", "validate", str(root), "--lang", "ar"])
    assert arabic.exit_code == 1
    assert "course.yaml:2: خطأ E004: معرّف الدورة:" in arabic.output
    assert "'SNIA' غير صالح" in arabic.output
    assert "خطأ واحد، لا توجد تنبيهات" in arabic.output
    assert "is not valid" not in arabic.output
    assert "hint" not in arabic.output
    french = runner.invoke(args=["courses", "validate", str(root), "--lang", "fr"])
    assert "erreur E004 : " not in french.output  # the code keeps its place, the text changes
    assert "erreur E004: identifiant du cours : 'SNIA' n'est pas valide" in french.output
    as_json = runner.invoke(
        args=["courses", "validate", str(root), "--format", "json", "--lang", "ar"]
    )
    assert '"code": "E004"' in as_json.output
    assert "غير صالح" in as_json.output


def test_cli_validate_defaults_to_the_environment_language(app: Flask, tmp_path: Path) -> None:
    root = _broken_courses(tmp_path)
    runner = app.test_cli_runner()
    unset = {"LC_ALL": None, "LC_MESSAGES": None}
    french = runner.invoke(
        args=["courses", "validate", str(root)], env={**unset, "LANG": "fr_FR.UTF-8"}
    )
    assert "erreur E004" in french.output
    imported = runner.invoke(args=["courses", "import", str(root)], env={**unset, "LANG": "ar"})
    assert "خطأ E004" in imported.output
    english = runner.invoke(args=["courses", "validate", str(root)], env={**unset, "LANG": None})
    assert "error E004: course id 'SNIA' is not valid" in english.output


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ar_MA.UTF-8"}, "ar"),
        ({"LANG": "ar_MA.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_environment_language(environ: dict, language: str) -> None:
    assert environment_language(environ) == language
