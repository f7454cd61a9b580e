"""The curriculum shipped in courses/: clean, bilingual, and each ending with a final assessment."""

from pathlib import Path

import pytest

from depomi_learn.content import load_tree

COURSES = Path(__file__).resolve().parent.parent / "courses"


@pytest.fixture(scope="module")
def bundled():
    return load_tree(COURSES)


def test_bundled_courses_validate_with_zero_findings(bundled):
    _courses, findings = bundled
    assert findings == []


def test_the_programme_curriculum_is_there(bundled):
    courses, _ = bundled
    assert len(courses) >= 6
    assert "snia-foundations" in {c.id for c in courses}


@pytest.mark.parametrize("course_id", sorted(p.name for p in COURSES.iterdir() if p.is_dir()))
def test_each_course_is_in_french_and_arabic_and_ends_with_a_final_assessment(bundled, course_id):
    course = next(c for c in bundled[0] if c.id == course_id)
    assert {"fr", "ar"} <= set(course.languages)
    for module in course.modules:
        assert {"fr", "ar"} <= set(module.texts), f"{module.id} is not in both languages"
    final = course.modules[-1]
    settings = final.quiz_settings or {}
    assert len(final.questions) >= 10, "the final assessment needs a pool of questions"
    assert settings.get("draw")
    assert settings["draw"] < len(final.questions)
    assert settings.get("time_limit_minutes")
    assert settings.get("max_attempts")
    assert settings.get("pass_mark") == 70
    assert course.certificate_enabled
    types = {q.type for m in course.modules for q in m.questions}
    assert types == {"single", "multiple", "true_false", "short_text", "numeric"}


def test_the_snia_course_is_blended(app):
    """Completion rule, a pre-test drawing from the final assessment's pool, survey questions."""

    from depomi_learn.content.importer import import_tree
    from depomi_learn.extensions import db
    from depomi_learn.models import Course

    with app.app_context():
        import_tree(COURSES / "snia-foundations")
        db.session.commit()
        version = db.session.get(Course, "snia-foundations").current_version
        assert version.completion == {
            "modules": "all",
            "attendance_percent": 80,
            "post_test": True,
        }
        modules = {m.key: m for m in version.modules}
        pre, post = modules["test-initial"], modules["evaluation-finale"]
        assert pre.quiz_settings["role"] == "pre_test"
        assert post.quiz_settings["role"] == "post_test"
        assert [q.key for q in pre.questions] == [q.key for q in post.questions]
        assert len(pre.questions) > pre.quiz_settings["draw"]
        survey = {item["id"]: item for item in version.survey}
        assert survey["snia-capacite-orienter"]["type"] == "likert"
        assert set(survey["snia-plan-action"]["prompt"]) == {"fr", "ar", "en"}
        texts = {t.language: t.html for t in modules["role-territorial"].texts}
        assert "survey" not in texts["fr"]
        assert "snia-plan-action" not in texts["ar"]
