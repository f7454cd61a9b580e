"""Checks between the language versions of a module: same quizzes, same answer key, fresh texts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .assignment import check_assignment_translation
from .findings import Findings
from .source import CourseModule, ModuleSource, ParsedQuestion

KEY_FIELDS = (
    "type",
    "points",
    "options",
    "correct",
    "scoring",
    "answer",
    "tolerance",
    "range",
    "case_sensitive",
)


def check_module_translations(module: CourseModule, findings: Findings) -> None:
    """Compare each translation of a module with its default-language file."""
    default = module.default
    if default.translated_from:
        line = default.front_lines.get("translated_from")
        message = _l("the default-language file has translated_from")
        findings.add("W305", default.path, line, message)
    for language, translation in module.texts.items():
        if language != module.default_language:
            _check_freshness(default, translation, findings)
            _check_settings(default, translation, findings)
            _check_questions(default, translation, findings)
            check_assignment_translation(default, translation, findings)


def _check_freshness(default: ModuleSource, translation: ModuleSource, findings: Findings) -> None:
    expected = f"translated_from: {default.digest}"
    if translation.translated_from is None:
        message = _l(
            "no translated_from: cannot tell whether %(path)s changed since", path=default.relpath
        )
        hint = _l("add '%(line)s'", line=expected)
        findings.add("W303", translation.path, translation.front_matter_line, message, hint)
    elif not default.is_source_of(translation.translated_from):
        message = _l(
            "%(path)s changed since this translation (translated_from differs)",
            path=default.relpath,
        )
        hint = _l("revise the translation, then write '%(line)s'", line=expected)
        line = translation.front_lines.get("translated_from")
        findings.add("W302", translation.path, line, message, hint)


def _check_settings(default: ModuleSource, translation: ModuleSource, findings: Findings) -> None:
    if translation.quiz_settings is None or translation.quiz_settings == default.quiz_settings:
        return
    line = translation.front_lines.get("quiz")
    message = _l("quiz settings differ from %(path)s", path=default.relpath)
    findings.add("W304", translation.path, line, message)


def _check_questions(default: ModuleSource, translation: ModuleSource, findings: Findings) -> None:
    translated = {question.id: question for question in translation.questions}
    for question in default.questions:
        if question.id not in translation.quiz_ids:
            message = _l(
                "quiz '%(id)s' (%(place)s) is missing here",
                id=question.id,
                place=":".join((default.relpath, str(question.line))),
            )
            findings.add("E303", translation.path, None, message)
        elif question.id in translated:
            _compare_keys(default, question, translation, translated[question.id], findings)
    for question_id in sorted(translation.quiz_ids - default.quiz_ids):
        line = next((q.line for q in translation.questions if q.id == question_id), None)
        message = _l("quiz '%(id)s' is not in %(path)s", id=question_id, path=default.relpath)
        findings.add("E304", translation.path, line, message)


def _compare_keys(
    default: ModuleSource,
    original: ParsedQuestion,
    translation: ModuleSource,
    translated: ParsedQuestion,
    findings: Findings,
) -> None:
    first, second = _key_values(original), _key_values(translated)
    differing = [field for field in KEY_FIELDS if first.get(field) != second.get(field)]
    if not differing:
        return
    ours = ", ".join(f"{field}={_shown(first.get(field))}" for field in differing)
    theirs = ", ".join(f"{field}={_shown(second.get(field))}" for field in differing)
    message = _l(
        "quiz '%(id)s': answer key differs from %(path)s "
        "(%(language)s: %(ours)s; %(other)s: %(theirs)s)",
        id=original.id,
        path=default.relpath,
        language=default.language,
        ours=ours,
        other=translation.language,
        theirs=theirs,
    )
    line = translated.key_lines.get(differing[0]) or translated.line
    findings.add("E302", translation.path, line, message)


def _key_values(question: ParsedQuestion) -> dict:
    return {"type": question.type, "points": question.points, **question.answer_key}


def _shown(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ",".join(_shown(item) for item in value) or "none"
    return str(value)
