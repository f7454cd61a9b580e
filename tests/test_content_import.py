"""Importing course folders: new immutable versions, idempotent re-imports, all or nothing."""

import json
import shutil
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from depomi_learn.content.importer import ImportResult, import_tree
from depomi_learn.extensions import db
from depomi_learn.models import Course, CourseAsset, CourseVersion, Question

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "courses" / "valid-course"


def courses_folder(tmp_path: Path, *names: str) -> Path:
    """Return a courses folder holding copies of the valid course under the given ids."""
    root = tmp_path / "courses"
    for name in names or ("valid-course",):
        shutil.copytree(FIXTURE, root / name)
        yaml = root / name / "course.yaml"
        yaml.write_text(yaml.read_text("utf-8").replace("id: valid-course", f"id: {name}"))
    return root


def version_numbers(course_id: str = "valid-course") -> list[int]:
    query = sa.select(CourseVersion.number).where(CourseVersion.course_id == course_id)
    return list(db.session.scalars(query.order_by(CourseVersion.number)))


def test_import_creates_version_1_with_rendered_modules(ctx: Flask, tmp_path: Path) -> None:
    results, findings = import_tree(courses_folder(tmp_path), imported_by_id=None)
    assert findings == []
    assert results == [ImportResult("valid-course", True, 1)]
    course = db.session.get(Course, "valid-course")
    version = course.current_version
    assert version.number == 1
    assert version.title == {"fr": "Cours de test", "ar": "درس تجريبي"}
    assert (version.level, version.certificate_enabled, version.validity_months) == (
        "beginner",
        True,
        36,
    )
    assert [module.key for module in version.modules] == ["intro", "evaluation"]
    intro, evaluation = version.modules
    assert intro.quiz_settings is None
    assert evaluation.quiz_settings["draw"] == 5
    asset = db.session.scalars(sa.select(CourseAsset)).one()
    assert (asset.path, asset.media_type) == ("map.png", "image/png")
    arabic = intro.text_for("ar")
    assert f'src="/courses/valid-course/assets/{asset.sha256}/map.png"' in arabic.html
    assert 'href="/courses/valid-course/modules/evaluation"' in arabic.html
    assert arabic.toc == [{"level": 1, "id": "مدخل", "title": "مدخل"}]
    assert arabic.translated_from is not None
    assert arabic.stale is False
    assert arabic.source_markdown.startswith("---\nid: intro\n")


def test_questions_keep_the_key_apart_from_the_texts(ctx: Flask, tmp_path: Path) -> None:
    import_tree(courses_folder(tmp_path))
    questions = db.session.scalars(sa.select(Question).order_by(Question.position)).all()
    assert [q.key for q in questions] == [
        "eval-single",
        "eval-multiple",
        "eval-true-false",
        "eval-short",
        "eval-numeric",
        "eval-range",
    ]
    single = questions[0]
    assert single.answer_key == {"options": ["a", "b"], "correct": ["a"]}
    assert set(single.texts) == {"fr", "ar"}
    assert "correct" not in json.dumps(single.texts)
    assert single.texts["fr"]["options"][1]["feedback_html"].startswith("Non, c")
    assert questions[2].texts["fr"]["feedback"] == {
        "true": "Exact.",
        "false": "Si, l'asile en fait partie.",
    }
    assert questions[3].texts["ar"]["accept"] == ["SNIA", "الاستراتيجية الوطنية للهجرة واللجوء"]
    assert questions[5].points == 2


def test_reimport_of_unchanged_tree_creates_nothing(ctx: Flask, tmp_path: Path) -> None:
    root = courses_folder(tmp_path)
    import_tree(root)
    db.session.commit()
    results, _ = import_tree(root)
    assert results == [ImportResult("valid-course", False, 1)]
    assert version_numbers() == [1]


def test_changed_file_creates_version_2_and_keeps_version_1(ctx: Flask, tmp_path: Path) -> None:
    root = courses_folder(tmp_path)
    import_tree(root)
    db.session.commit()
    first = db.session.get(Course, "valid-course").current_version
    first_html = first.modules[0].text_for("fr").html
    intro = root / "valid-course" / "fr" / "01-intro.md"
    intro.write_text(intro.read_text("utf-8") + "\nUne phrase ajoutée.\n", "utf-8")
    results, findings = import_tree(root)
    db.session.commit()
    assert results == [ImportResult("valid-course", True, 2)]
    assert {f.code for f in findings} == {"W302"}
    assert version_numbers() == [1, 2]
    course = db.session.get(Course, "valid-course")
    assert course.current_version.number == 2
    assert "Une phrase ajoutée." in course.current_version.modules[0].text_for("fr").html
    assert course.current_version.modules[0].text_for("ar").stale is True
    db.session.expire_all()
    assert db.session.get(CourseVersion, first.id).modules[0].text_for("fr").html == first_html


def test_tree_with_one_bad_course_imports_nothing(ctx: Flask, tmp_path: Path) -> None:
    root = courses_folder(tmp_path, "good-course", "bad-course")
    yaml = root / "bad-course" / "course.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("level: beginner", "level: expert"))
    results, findings = import_tree(root)
    assert results == []
    assert [(f.code, f.path) for f in findings if f.is_error] == [
        ("E009", f"{root.as_posix()}/bad-course/course.yaml")
    ]
    assert db.session.scalars(sa.select(Course)).all() == []


def test_cli_validate_exit_codes_and_formats(app: Flask, tmp_path: Path) -> None:
    # No locale in the environment: the messages are the English source.
    runner = app.test_cli_runner(env={"LC_ALL": None, "LC_MESSAGES": None, "LANG": None})
    root = courses_folder(tmp_path)
    clean = runner.invoke(args=["courses", "validate", str(root)])
    assert clean.exit_code == 0
    assert clean.output.strip() == "0 errors, 0 warnings"
    yaml = root / "valid-course" / "course.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("id: valid-course", "id: SNIA"))
    broken = runner.invoke(args=["courses", "validate", str(root)])
    assert broken.exit_code == 1
    assert "/valid-course/course.yaml:2: error E004: course id 'SNIA' is not valid" in broken.output
    assert broken.output.rstrip().endswith("1 error, 0 warnings")
    as_json = runner.invoke(args=["courses", "validate", str(root), "--format", "json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)["findings"][0]["code"] == "E004"


def test_cli_import_commits_once_and_is_idempotent(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    root = courses_folder(tmp_path)
    dry = runner.invoke(args=["courses", "import", str(root), "--dry-run"])
    assert (dry.exit_code, dry.output) == (0, "valid-course: would create version 1\n")
    first = runner.invoke(args=["courses", "import", str(root)])
    assert (first.exit_code, first.output) == (0, "valid-course: created version 1\n")
    again = runner.invoke(args=["courses", "import", str(root)])
    assert (again.exit_code, again.output) == (0, "valid-course: unchanged\n")
    with app.app_context():
        assert version_numbers() == [1]


def test_cli_import_refuses_a_broken_tree(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    root = courses_folder(tmp_path)
    (root / "valid-course" / "fr" / "01-intro.md").write_bytes(
        b"---\nid: intro\ntitle: \xe9\n---\n"
    )
    result = runner.invoke(args=["courses", "import", str(root)])
    assert result.exit_code == 1
    assert "error E101" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalars(sa.select(Course)).all() == []


def test_sources_render_as_dated_footnotes_and_links_reach_another_course(
    ctx: Flask, tmp_path: Path
) -> None:
    root = courses_folder(tmp_path, "course-a", "course-b")
    intro = root / "course-a" / "fr" / "01-intro.md"
    text = intro.read_text("utf-8")
    text = text.replace(
        "objectives: [Situer la SNIA dans son contexte]\n",
        "objectives: [Situer la SNIA dans son contexte]\nsources:\n  - id: snia-2014\n"
        "    cite: \"Stratégie nationale d'immigration et d'asile (2014)\"\n"
        "    url: https://example.org/snia\n    as_of: 2026-11\n",
    )
    text = text.replace("adoptée en 2014.", "adoptée en 2014[^snia-2014].")
    text += "\nVoir [l'évaluation de l'autre cours](../../course-b/fr/02-evaluation.md).\n"
    intro.write_text(text, "utf-8")
    _results, findings = import_tree(root)
    assert {f.code for f in findings} == {"W302"}  # the Arabic file now lags behind
    html = db.session.get(Course, "course-a").current_version.modules[0].text_for("fr").html
    assert 'href="#fn:snia-2014"' in html
    assert "Stratégie nationale d'immigration et d'asile (2014)" in html
    assert "(état au 2026-11)" in html
    assert 'href="https://example.org/snia"' in html
    assert 'href="/courses/course-b/modules/evaluation"' in html


def test_a_link_to_a_missing_module_of_another_course_stops_the_import(
    ctx: Flask, tmp_path: Path
) -> None:
    root = courses_folder(tmp_path, "course-a", "course-b")
    intro = root / "course-a" / "fr" / "01-intro.md"
    intro.write_text(intro.read_text("utf-8") + "\n[x](../../course-b/fr/09-absent.md)\n", "utf-8")
    _results, findings = import_tree(root)
    assert [f.code for f in findings if f.is_error] == ["E408"]
    assert db.session.get(Course, "course-a") is None
