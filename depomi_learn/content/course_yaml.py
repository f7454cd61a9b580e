"""course.yaml: the course's metadata, languages and module order."""

from __future__ import annotations

import re
from pathlib import Path

from flask_babel import lazy_gettext as _l

from .fields import (
    Scope,
    check_unknown_keys,
    describe,
    get_bool,
    get_id,
    get_id_list,
    get_int,
    get_text,
    get_text_list,
    is_valid_id,
    line_of,
    raw_of,
    trap_hint,
)
from .findings import Findings
from .source import CourseSource, decode_text
from .yamlmarks import MarkedDict, MarkedList, YamlProblem, load_marked

SCHEMA = 1
COURSE_KEYS = (
    "schema",
    "id",
    "version",
    "default_language",
    "languages",
    "title",
    "summary",
    "level",
    "duration_minutes",
    "audience",
    "prerequisites",
    "modules",
    "certificate",
    "blended",
    "completion",
    "show_answers",
)
REQUIRED_KEYS = (
    "id",
    "version",
    "default_language",
    "languages",
    "title",
    "summary",
    "level",
    "duration_minutes",
    "modules",
)
CERTIFICATE_KEYS = ("enabled", "validity_months")
COMPLETION_KEYS = ("modules", "attendance_percent", "post_test")
LEVELS = ("beginner", "intermediate", "advanced")
# When a quiz's result shows the right answers: after each attempt, or only once the learner has
# no attempt left (so answers are never handed out for the next try).
SHOW_ANSWERS = ("after_each_attempt", "after_last_attempt")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
LABEL_MAX = 40


def parse_course_yaml(folder: Path, display: str, findings: Findings) -> CourseSource | None:
    """Read and check course.yaml; None when it is missing or not a YAML mapping."""
    shown = f"{display}/course.yaml"
    data = _load(folder / "course.yaml", shown, findings)
    if data is None:
        return None
    text, meta = data
    scope = Scope(findings, shown, "E008", "W004")
    check_unknown_keys(scope, meta, COURSE_KEYS)
    for key in REQUIRED_KEYS:
        if key not in meta:
            scope.add("E007", meta.line, _l("required key '%(key)s' is missing", key=key))
    _check_schema(scope, meta)
    course_id = _course_id(scope, meta, folder)
    languages, default = _languages(scope, meta)
    course = CourseSource(
        folder=folder,
        display=display,
        id=course_id,
        label=_label(scope, meta),
        default_language=default,
        languages=languages,
        title=_translations(scope, meta, "title", languages, default),
        summary=_translations(scope, meta, "summary", languages, default),
        level=_level(scope, meta),
        show_answers=_show_answers(scope, meta),
        duration_minutes=get_int(scope, meta, "duration_minutes", minimum=1) or 0,
        audience=get_text_list(scope, meta, "audience"),
        prerequisites=get_id_list(
            scope, meta, "prerequisites", "E004", _l("prerequisite course id")
        ),
        certificate_enabled=False,
        validity_months=None,
        source_yaml=text,
    )
    _certificate(scope, meta, course)
    _completion(scope, meta, course)
    _modules(scope, meta, course)
    prerequisites = meta.get("prerequisites")
    for index, item in enumerate(prerequisites if isinstance(prerequisites, list) else []):
        course.prerequisite_lines.setdefault(str(item), line_of(prerequisites, index) or 1)
    return course


def _load(path: Path, shown: str, findings: Findings) -> tuple[str, MarkedDict] | None:
    if not path.is_file():
        findings.add("E001", shown, None, _l("course.yaml is missing"))
        return None
    text = decode_text(path.read_bytes(), shown, "E015", findings)
    if text is None:
        return None
    try:
        meta = load_marked(text)
    except YamlProblem as problem:
        findings.add("E003" if problem.is_tab else "E002", shown, problem.line, problem.message)
        return None
    if not isinstance(meta, MarkedDict):
        message = _l("course.yaml must be 'key: value' lines (schema, id...)")
        findings.add("E002", shown, 1, message)
        return None
    return text, meta


def _check_schema(scope: Scope, meta: MarkedDict) -> None:
    schema = meta.get("schema")
    if schema is None:
        scope.add("E006", meta.line, _l("'schema' is missing"))
    elif schema != SCHEMA or isinstance(schema, bool):
        shown = describe(schema, raw_of(meta, "schema"))
        message = _l(
            "schema %(value)s is not supported (use %(schema)s)", value=shown, schema=SCHEMA
        )
        scope.add("E006", meta.line_of("schema"), message)


def _course_id(scope: Scope, meta: MarkedDict, folder: Path) -> str:
    folder_name = folder.resolve().name
    if "id" not in meta:
        return folder_name
    course_id = get_id(scope, meta, "id", "E004", _l("course id"))
    if course_id and course_id != folder_name:
        message = _l(
            "course id '%(id)s' differs from its folder name '%(folder)s'",
            id=course_id,
            folder=folder_name,
        )
        scope.add("E005", meta.line_of("id"), message)
    return course_id or folder_name


def _label(scope: Scope, meta: MarkedDict) -> str:
    label = get_text(scope, meta, "version") or ""
    if len(label) > LABEL_MAX:
        scope.add(
            "E008",
            meta.line_of("version"),
            _l("'version' is longer than %(limit)s characters", limit=LABEL_MAX),
        )
    return label[:LABEL_MAX]


def _languages(scope: Scope, meta: MarkedDict) -> tuple[list[str], str]:
    value = meta.get("languages")
    languages: list[str] = []
    if "languages" in meta and (not isinstance(value, MarkedList) or not value):
        scope.add("E010", meta.line_of("languages"), _l("'languages' must be a non-empty list"))
    for index, item in enumerate(value if isinstance(value, MarkedList) else []):
        if not isinstance(item, str) or not LANGUAGE_CODE.match(item):
            raw = raw_of(value, index)
            message = _l("language code %(value)s is not valid", value=describe(item, raw))
            scope.add("E010", line_of(value, index), message, trap_hint(item, raw))
        elif item in languages:
            message = _l("language '%(language)s' is listed twice", language=item)
            scope.add("E010", line_of(value, index), message)
        else:
            languages.append(item)
    default = get_text(scope, meta, "default_language") or ""
    if default and languages and default not in languages:
        message = _l(
            "default_language '%(language)s' is not in languages (%(languages)s)",
            language=default,
            languages=", ".join(languages),
        )
        scope.add("E011", meta.line_of("default_language"), message)
    return languages, default


def _translations(
    scope: Scope, meta: MarkedDict, key: str, languages: list[str], default: str
) -> dict[str, str]:
    value = meta.get(key)
    if key not in meta:
        return {}
    if not isinstance(value, MarkedDict):
        message = _l("'%(key)s' must map languages to texts: {fr: ...}", key=key)
        scope.add("E008", meta.line_of(key), message)
        return {}
    texts = {}
    for language, text in value.items():
        if language not in languages:
            scope.add(
                "W004",
                value.line_of(language),
                _l(
                    "'%(key)s' has a text in '%(language)s', which is not in languages",
                    key=key,
                    language=language,
                ),
            )
        elif not isinstance(text, str) or not text.strip():
            shown = describe(text, raw_of(value, language))
            message = _l(
                "'%(key)s' must be text, not %(value)s", key=".".join((key, language)), value=shown
            )
            scope.add("E008", value.line_of(language), message)
        else:
            texts[language] = text
    for language in languages:
        if language in value:
            continue
        line = meta.line_of(key)
        if language == default:
            message = _l(
                "'%(key)s' has no text in the default language '%(language)s'",
                key=key,
                language=default,
            )
            scope.add("E007", line, message)
        else:
            message = _l(
                "'%(key)s' has no '%(language)s' text; '%(default)s' is shown",
                key=key,
                language=language,
                default=default,
            )
            scope.add("W002", line, message)
    return texts


def _level(scope: Scope, meta: MarkedDict) -> str:
    level = meta.get("level")
    if "level" in meta and level not in LEVELS:
        shown = describe(level, raw_of(meta, "level"))
        message = _l(
            "level %(value)s is not one of %(levels)s", value=shown, levels=", ".join(LEVELS)
        )
        scope.add("E009", meta.line_of("level"), message)
        return ""
    return level or ""


def _show_answers(scope: Scope, meta: MarkedDict) -> str:
    value = meta.get("show_answers", SHOW_ANSWERS[0])
    if value not in SHOW_ANSWERS:
        shown = describe(value, raw_of(meta, "show_answers"))
        message = _l(
            "show_answers %(shown)s is not one of %(choices)s",
            shown=shown,
            choices=", ".join(SHOW_ANSWERS),
        )
        scope.add("E022", meta.line_of("show_answers"), message)
        return SHOW_ANSWERS[0]
    return value


def _certificate(scope: Scope, meta: MarkedDict, course: CourseSource) -> None:
    value = meta.get("certificate")
    if value is None:
        return
    if not isinstance(value, MarkedDict):
        scope.add("E008", meta.line_of("certificate"), _l("'certificate' must be a mapping"))
        return
    check_unknown_keys(scope, value, CERTIFICATE_KEYS)
    course.certificate_enabled = get_bool(scope, value, "enabled", False)
    course.validity_months = get_int(scope, value, "validity_months", minimum=1)


def _completion(scope: Scope, meta: MarkedDict, course: CourseSource) -> None:
    """Read `blended` and the `completion` rule of a blended course."""
    course.blended = get_bool(scope, meta, "blended", False)
    course.blended_line = meta.line_of("blended") if "blended" in meta else None
    if "completion" not in meta:
        return
    value = meta.get("completion")
    course.completion_line = meta.line_of("completion")
    if not isinstance(value, MarkedDict):
        message = _l(
            "'completion' must be a mapping such as {modules: all, attendance_percent: 80}"
        )
        scope.add("E016", course.completion_line, message)
        return
    check_unknown_keys(scope, value, COMPLETION_KEYS)
    rule: dict = {"modules": "all"}
    modules = value.get("modules", "all")
    if isinstance(modules, MarkedList) and modules and all(is_valid_id(m) for m in modules):
        rule["modules"] = list(modules)
        course.completion_module_lines = {m: modules.line_of(i) for i, m in enumerate(modules)}
    elif modules != "all":
        shown = describe(modules, raw_of(value, "modules"))
        message = _l("'modules' is 'all' or a list of ids, not %(value)s", value=shown)
        scope.add("E016", value.line_of("modules"), message)
    percent = get_int(scope, value, "attendance_percent", minimum=1, code="E016")
    if percent is not None and percent > 100:
        message = _l("attendance_percent is 1 to 100")
        scope.add("E016", value.line_of("attendance_percent"), message)
    elif percent is not None:
        rule["attendance_percent"] = percent
        course.attendance_line = value.line_of("attendance_percent")
    if "post_test" in value:
        rule["post_test"] = get_bool(scope, value, "post_test", False, code="E016")
        course.post_test_line = value.line_of("post_test")
    course.completion = rule


def _modules(scope: Scope, meta: MarkedDict, course: CourseSource) -> None:
    value = meta.get("modules")
    if "modules" in meta and (not isinstance(value, MarkedList) or not value):
        message = _l("'modules' must list at least one module id")
        scope.add("E008", meta.line_of("modules"), message)
        return
    if not isinstance(value, MarkedList):
        return  # no 'modules' key: E007 says so
    for index, item in enumerate(value):
        line = value.line_of(index)
        if not is_valid_id(item):
            shown = describe(item, raw_of(value, index))
            scope.add("E012", line, _l("module id %(value)s is not valid", value=shown))
        elif item in course.module_lines:
            first = course.module_lines[item]
            message = _l("module '%(id)s' is already listed at line %(line)s", id=item, line=first)
            scope.add("E013", line, message)
        else:
            course.module_lines[item] = line
