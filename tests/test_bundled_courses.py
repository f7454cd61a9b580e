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
