"""Assignment blocks: the ```assignment fence of a module, parsed and checked (E7xx, W7xx).

An assignment is practical work a trainer reviews: instructions, what the learner hands in
(text, files), a rubric of criteria with levels and points, a pass mark and who reviews.
Everything but the texts is the answer key of the assignment and must agree across languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from flask_babel import lazy_gettext as _l

from .fields import (
    Scope,
    check_unknown_keys,
    describe,
    get_id,
    get_number,
    get_text,
    line_of,
    raw_of,
)
from .findings import Findings
from .yamlmarks import MarkedDict, YamlProblem, load_marked

FILE_TYPES = ("pdf", "docx", "xlsx", "odt", "png", "jpg")
ACCEPTS = ("text", "files")
REVIEWERS = ("course", "region")
KEYS: tuple[str, ...] = ("id", "title", "instructions", "accept", "file_types", "max_size_mb")
KEYS += ("max_files", "rubric", "pass_mark", "reviewers")
MAX_SIZE_MB = 20
MAX_FILES = 10


@dataclass
class RubricText:
    title: str
    levels: list[str]  # the level titles, in order


@dataclass
class AssignmentText:
    """The language-dependent part of an assignment, as Markdown and plain titles."""

    title: str
    instructions: str
    rubric: list[RubricText] = field(default_factory=list)


@dataclass
class ParsedAssignment:
    id: str
    line: int  # the fence line
    settings: dict  # accept, file_types, max_size_mb, max_files, pass_mark, reviewers
    rubric: list[dict]  # [{"id": ..., "points": [0, 2, 4]}], the levels' points in order
    text: AssignmentText

    @property
    def key(self) -> dict:
        """Return what every translation must repeat exactly."""
        return {**self.settings, "rubric": self.rubric}


class _Block(Protocol):  # quiz.QuizBlock, which imports this module
    text: str
    line: int


class _ModuleFile(Protocol):  # source.ModuleSource, which imports this module
    path: str
    relpath: str
    assignment: ParsedAssignment | None
    assignment_ids: set[str]


def parse_assignment(block: _Block, path: str, findings: Findings) -> ParsedAssignment | None:
    """Parse one assignment block (a QuizBlock of kind 'assignment'); None when unusable."""
    local = Findings()
    try:
        data = load_marked(block.text, block.line + 1)
    except YamlProblem as problem:
        code = "E703" if problem.is_tab else "E702"
        message = _l("assignment block: %(problem)s", problem=problem.message)
        local.add(code, path, problem.line, message)
        findings.extend(local)
        return None
    if not isinstance(data, MarkedDict):
        message = _l("an assignment block is YAML 'key: value' lines")
        local.add("E702", path, block.line, message)
        findings.extend(local)
        return None
    scope = Scope(local, path, "E713", "W701")
    assignment = _parse_mapping(data, block.line, scope)
    findings.extend(local)
    return None if local.has_errors else assignment


def _parse_mapping(data: MarkedDict, fence_line: int, scope: Scope) -> ParsedAssignment | None:
    check_unknown_keys(scope, data, KEYS)
    assignment_id = get_id(scope, data, "id", "E704", _l("assignment id"))
    if assignment_id:
        scope.label = _l("assignment '%(id)s': ", id=assignment_id)
    title = get_text(scope, data, "title", missing_code="E706")
    instructions = get_text(scope, data, "instructions", missing_code="E706")
    settings = {
        "accept": _accept(scope, data),
        "file_types": _file_types(scope, data),
        "max_size_mb": _bounded(scope, data, "max_size_mb", 5, MAX_SIZE_MB, "E709"),
        "max_files": _bounded(scope, data, "max_files", 3, MAX_FILES, "E709"),
        "pass_mark": _bounded(scope, data, "pass_mark", 50, 100, "E711"),
        "reviewers": _choice(scope, data, "reviewers", REVIEWERS, "course", "E712"),
    }
    if settings["accept"] == ["text"] and ("file_types" in data or "max_files" in data):
        scope.add("W702", data.line_of("file_types") or data.line_of("max_files"),
                  _l("file settings are set but the assignment accepts text only"))  # fmt: skip
    rubric = _rubric(scope, data)
    if not (assignment_id and title and instructions and rubric) or scope.findings.has_errors:
        return None
    points = [{"id": c["id"], "points": c["points"]} for c in rubric]
    texts = [RubricText(c["title"], c["levels"]) for c in rubric]
    text = AssignmentText(title, instructions, texts)
    return ParsedAssignment(assignment_id, fence_line, settings, points, text)


def _accept(scope: Scope, data: MarkedDict) -> list[str]:
    value = data.get("accept", ["text", "files"])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not value or any(v not in ACCEPTS for v in value):
        shown = describe(data.get("accept"), raw_of(data, "accept"))
        message = _l("accept must list text and/or files, not %(value)s", value=shown)
        scope.add("E707", data.line_of("accept"), message)
        return ["text"]
    return [kind for kind in ACCEPTS if kind in value]


def _file_types(scope: Scope, data: MarkedDict) -> list[str]:
    value = data.get("file_types", ["pdf"])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not value or any(v not in FILE_TYPES for v in value):
        shown = describe(data.get("file_types"), raw_of(data, "file_types"))
        message = _l("file_types: unknown or empty: %(value)s", value=shown)
        scope.add("E708", data.line_of("file_types"), message)
        return []
    return [kind for kind in FILE_TYPES if kind in value]


def _bounded(
    scope: Scope, data: MarkedDict, key: str, default: int, maximum: int, code: str
) -> int:
    if key not in data:
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
        shown = describe(value, raw_of(data, key))
        message = _l(
            "%(key)s must be a whole number 1 to %(maximum)s, not %(value)s",
            key=key,
            maximum=maximum,
            value=shown,
        )
        scope.add(code, data.line_of(key), message)
        return default
    return value


def _choice(
    scope: Scope, data: MarkedDict, key: str, choices: tuple, default: str, code: str
) -> str:
    value = data.get(key, default)
    if value not in choices:
        shown = describe(value, raw_of(data, key))
        message = _l(
            "%(key)s must be one of %(choices)s, not %(value)s",
            key=key,
            choices=", ".join(choices),
            value=shown,
        )
        scope.add(code, data.line_of(key), message)
        return default
    return value


def _rubric(scope: Scope, data: MarkedDict) -> list[dict]:
    value = data.get("rubric")
    if not isinstance(value, list) or not value:
        scope.add("E710", data.line_of("rubric") or data.line, _l("rubric: a list of criteria"))
        return []
    criteria, seen = [], set()
    for index, item in enumerate(value):
        line = line_of(value, index)
        criterion = _criterion(scope, item, line, index + 1)
        if criterion is None:
            continue
        if criterion["id"] in seen:
            message = _l("criterion id '%(id)s' is used twice", id=criterion["id"])
            scope.add("E710", line, message)
            continue
        seen.add(criterion["id"])
        criteria.append(criterion)
    return criteria if len(criteria) == len(value) else []


def _criterion(scope: Scope, item: object, line: int | None, number: int) -> dict | None:
    if not isinstance(item, MarkedDict):
        message = _l(
            "criterion %(number)s must be a mapping with id, title and levels", number=number
        )
        scope.add("E710", line, message)
        return None
    check_unknown_keys(scope, item, ("id", "title", "levels"))
    criterion_id = get_id(scope, item, "id", "E710", _l("criterion %(number)s id", number=number))
    title = get_text(scope, item, "title", missing_code="E710")
    levels = item.get("levels")
    if not isinstance(levels, list) or len(levels) < 2:
        message = _l("a criterion needs 2 or more levels")
        scope.add("E710", item.line_of("levels") or item.line, message)
        return None
    titles, points = [], []
    for index, level in enumerate(levels):
        shown = _l("criterion %(number)s level %(level)s", number=number, level=index + 1)
        value = get_number(level.get("points")) if isinstance(level, MarkedDict) else None
        name = get_text(scope, level, "title") if isinstance(level, MarkedDict) else None
        if value is None or value < 0 or not name:
            message = _l("%(level)s needs a title and points >= 0", level=shown)
            scope.add("E710", line_of(levels, index), message)
            return None
        extra = [key for key in level if key not in ("title", "points")]
        if extra:  # {title: Bon, mais incomplet, points: 2} reads as a title "Bon" and a key
            scope.add(
                "E710",
                line_of(levels, index),
                _l(
                    "%(level)s: '%(key)s' is not a field of a level; "
                    "put a title that holds a comma in quotes",
                    level=shown,
                    key=extra[0],
                ),
            )
            return None
        titles.append(name)
        points.append(value)
    if not (criterion_id and title):
        return None
    return {"id": criterion_id, "title": title, "levels": titles, "points": points}


def check_assignment_translation(
    default: _ModuleFile, translation: _ModuleFile, findings: Findings
) -> None:
    """Compare a translated module's assignment with the default-language file's (E714-E716)."""
    original, translated = default.assignment, translation.assignment
    if original is not None and translated is None and not translation.assignment_ids:
        message = _l(
            "assignment '%(id)s' (%(place)s) is missing here",
            id=original.id,
            place=_place(default.relpath, original.line),
        )
        findings.add("E714", translation.path, None, message)
    elif original is None and translated and translated.id not in default.assignment_ids:
        message = _l(
            "assignment '%(id)s' is not in %(path)s", id=translated.id, path=default.relpath
        )
        findings.add("E716", translation.path, translated.line, message)
    elif original and translated and (original.id, original.key) != (translated.id, translated.key):
        message = _l(
            "assignment '%(id)s': id, settings or rubric points differ from %(place)s",
            id=translated.id,
            place=_place(default.relpath, original.line),
        )
        findings.add("E715", translation.path, translated.line, message)


def _place(path: str, line: int) -> str:
    return f"{path}:{line}"
