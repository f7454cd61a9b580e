"""Tiny factories for content rows, so learning tests do not depend on the Markdown importer."""

from flask import Flask

from depomi_learn.extensions import db
from depomi_learn.models import Course, CourseVersion, Module, ModuleText, Question


def make_course(
    app: Flask,
    course_id: str = "demo-course",
    *,
    languages: tuple[str, ...] = ("fr", "ar"),
    modules: tuple[str, ...] = ("intro", "acteurs", "pratique"),
    quiz_modules: tuple[str, ...] = (),
    level: str = "beginner",
    audience: tuple[str, ...] = ("commune",),
    archived: bool = False,
) -> str:
    """Create a course with one current version; module texts say which language they are in."""
    with app.app_context():
        course = Course(id=course_id, archived=archived)
        version = CourseVersion(
            course=course,
            number=1,
            label="2026.1",
            content_hash="0" * 64,
            default_language=languages[0],
            languages=list(languages),
            title={lang: f"{course_id} title {lang}" for lang in languages},
            summary={lang: f"{course_id} summary {lang}" for lang in languages},
            level=level,
            duration_minutes=60,
            audience=list(audience),
            prerequisites=[],
            certificate_enabled=True,
            validity_months=36,
            source_yaml="",
        )
        for position, key in enumerate(modules):
            module = Module(key=key, position=position, duration_minutes=20, version=version)
            for lang in languages:
                module.texts.append(
                    ModuleText(
                        language=lang,
                        title=f"{key} [{lang}]",
                        source_markdown="",
                        html=f"<p>Body of {key} in {lang}</p>",
                    )
                )
            if key in quiz_modules:
                module.quiz_settings = {"pass_mark": 70}
                module.questions.append(
                    Question(
                        key=f"{key}-q1",
                        position=0,
                        type="true_false",
                        answer_key={"answer": True},
                        texts={lang: {"prompt_html": "<p>?</p>"} for lang in languages},
                    )
                )
        db.session.add(version)
        db.session.flush()
        course.current_version = version
        db.session.commit()
        return course_id
