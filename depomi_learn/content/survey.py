"""```survey``` blocks: the course's own questions for the end-of-session evaluation.

Like quiz blocks they are taken out of the Markdown; keys are English, texts in the file's
language, and every translation keeps the same ids, types and option ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .fields import Scope, check_unknown_keys, describe, get_id, get_text, raw_of
from .findings import Findings
from .quiz import QuizBlock
from .source import CourseSource
from .yamlmarks import MarkedDict, MarkedList, YamlProblem, load_marked

SURVEY_TYPES = ("likert", "single", "text")
SURVEY_KEYS = ("id", "type", "prompt", "options")
OPTION_KEYS = ("id", "text")


@dataclass
class SurveyItem:
    """One survey question as written in one file."""

    id: str
    type: str
    line: int
    prompt: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (id, text)

    @property
    def shape(self) -> tuple:
        """What must be the same in every language: type and option ids."""
        return self.type, tuple(option_id for option_id, _text in self.options)


def parse_survey(block: QuizBlock, path: str, findings: Findings) -> SurveyItem | None:
    """Parse one survey block; None (with findings) when it cannot be used."""
    if not block.closed:
        findings.add("E230", path, block.line, _l("the survey block is never closed"))
        return None
    try:
        data = load_marked(block.text, block.line + 1)
    except YamlProblem as problem:
        message = _l("survey block: %(problem)s", problem=problem.message)
        findings.add("E230", path, problem.line, message)
        return None
    if not isinstance(data, MarkedDict):
        message = _l("a survey block holds one question as YAML")
        findings.add("E230", path, block.line, message)
        return None
    local = Findings()
    scope = Scope(local, path, "E230", "W207")
    check_unknown_keys(scope, data, SURVEY_KEYS)
    item_id = get_id(scope, data, "id", "E230", _l("survey question id"))
    if item_id:
        scope.label = _l("survey '%(id)s': ", id=item_id)
    kind = data.get("type")
    if kind not in SURVEY_TYPES:
        shown = describe(kind, raw_of(data, "type"))
        message = _l("unknown survey type %(value)s", value=shown)
        scope.add("E231", data.line_of("type") or block.line, message)
    prompt = get_text(scope, data, "prompt", missing_code="E230")
    options = _options(scope, data) if kind == "single" else []
    findings.extend(local)
    if local.has_errors or not (item_id and prompt):
        return None
    return SurveyItem(item_id, str(kind), block.line, prompt, options)


def _options(scope: Scope, data: MarkedDict) -> list[tuple[str, str]]:
    value = data.get("options")
    if not isinstance(value, MarkedList) or not 2 <= len(value) <= 10:
        scope.add("E232", data.line_of("options") or data.line, _l("give 2 to 10 options"))
        return []
    options: list[tuple[str, str]] = []
    for index, option in enumerate(value):
        line = value.line_of(index)
        if not isinstance(option, MarkedDict):
            scope.add("E232", line, _l("each option has an 'id' and a 'text'"))
            continue
        check_unknown_keys(scope, option, OPTION_KEYS)
        option_id = get_id(scope, option, "id", "E232", _l("option id"))
        text = get_text(scope, option, "text", missing_code="E232")
        if option_id in {existing for existing, _text in options}:
            scope.add("E232", line, _l("option '%(id)s' is listed twice", id=option_id))
        elif option_id and text:
            options.append((option_id, text))
    return options


def check_course_survey(course: CourseSource, findings: Findings) -> None:
    """Report survey ids used twice in the course and translations that change a survey."""
    seen: dict[str, str] = {}
    for module in course.modules:
        default = module.default
        for item in default.survey_items:
            if item.id in seen:
                message = _l(
                    "survey question '%(id)s' is also in %(path)s", id=item.id, path=seen[item.id]
                )
                findings.add("E233", default.path, item.line, message)
            seen.setdefault(item.id, default.relpath)
        expected = {item.id: item.shape for item in default.survey_items}
        for language, source in module.texts.items():
            if language == module.default_language:
                continue
            found = {item.id: item for item in source.survey_items}
            for item_id, shape in expected.items():
                if item_id not in found:
                    message = _l(
                        "survey '%(id)s' of %(path)s is missing here",
                        id=item_id,
                        path=default.relpath,
                    )
                    findings.add("E305", source.path, None, message)
                elif found[item_id].shape != shape:
                    message = _l(
                        "survey '%(id)s': type or option ids differ from %(path)s",
                        id=item_id,
                        path=default.relpath,
                    )
                    findings.add("E305", source.path, found[item_id].line, message)
            for item_id, item in found.items():
                if item_id not in expected:
                    message = _l(
                        "survey '%(id)s' is not in %(path)s", id=item_id, path=default.relpath
                    )
                    findings.add("E305", source.path, item.line, message)


def survey_of(course: CourseSource) -> list[dict] | None:
    """Return the course's survey questions with their texts in every language (None: none)."""
    items = []
    for module in course.modules:
        for item in module.default.survey_items:
            found_in = {
                language: next((i for i in source.survey_items if i.id == item.id), None)
                for language, source in module.texts.items()
            }
            texts = {language: found for language, found in found_in.items() if found is not None}
            items.append(
                {
                    "id": item.id,
                    "type": item.type,
                    "prompt": {language: found.prompt for language, found in texts.items()},
                    "options": [
                        {
                            "id": option_id,
                            "text": {
                                language: dict(found.options).get(option_id, "")
                                for language, found in texts.items()
                            },
                        }
                        for option_id, _text in item.options
                    ],
                }
            )
    return items or None
