"""Quiz blocks: find the ```quiz fences in a module body and parse each into a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .answers import parse_answer
from .fields import (
    Scope,
    check_unknown_keys,
    describe,
    get_bool,
    get_id,
    get_int,
    get_number,
    get_text,
    raw_of,
)
from .findings import Findings
from .source import ParsedQuestion, QuestionText
from .yamlmarks import MarkedDict, YamlProblem, load_marked

FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
QUESTION_TYPES = ("single", "multiple", "true_false", "short_text", "numeric")
COMMON_KEYS = ("id", "type", "prompt", "points", "explanation", "hint")
TYPE_KEYS = {
    "single": ("options",),
    "multiple": ("options", "scoring"),
    "true_false": ("answer", "feedback"),
    "short_text": ("accept", "case_sensitive"),
    "numeric": ("answer", "tolerance", "range"),
}
ALL_KEYS: tuple[str, ...] = (*COMMON_KEYS, "options", "scoring", "answer", "feedback", "accept")
ALL_KEYS += ("case_sensitive", "tolerance", "range")
SETTINGS_KEYS = (
    "pass_mark",
    "max_attempts",
    "time_limit_minutes",
    "draw",
    "shuffle",
    "role",
    "pool",
)
QUIZ_ROLES = ("pre_test", "post_test")
BLOCK_KINDS = ("quiz", "assignment", "survey")  # fenced YAML blocks taken out of the prose


@dataclass
class QuizBlock:
    line: int  # the opening fence
    text: str  # the YAML between the fences
    closed: bool = True
    kind: str = "quiz"  # or "assignment", "survey"


def split_quiz_blocks(
    lines: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[QuizBlock]]:
    """Separate prose lines from quiz, assignment and survey blocks; other code stays in prose."""
    prose: list[tuple[int, str]] = []
    blocks: list[QuizBlock] = []
    fence: tuple[str, int, bool] | None = None  # (char, length, is_quiz: one of BLOCK_KINDS)
    block_lines: list[str] = []
    indent = 0
    for number, text in lines:
        if fence is None:
            match = FENCE.match(text)
            if match and match.group(3).strip() in BLOCK_KINDS:
                fence = (match.group(2)[0], len(match.group(2)), True)
                indent, block_lines = len(match.group(1)), []
                blocks.append(QuizBlock(number, "", kind=match.group(3).strip()))
                continue
            if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
                fence = (match.group(2)[0], len(match.group(2)), False)
            prose.append((number, text))
            continue
        char, length, is_quiz = fence
        closing = re.match(rf"^ {{0,3}}{re.escape(char)}{{{length},}}\s*$", text)
        if closing:
            fence = None
            if is_quiz:
                blocks[-1].text = "\n".join(block_lines)
                continue
        if is_quiz:
            block_lines.append(text[min(indent, len(text) - len(text.lstrip(" "))) :])
        else:
            prose.append((number, text))
    if fence is not None and fence[2]:
        blocks[-1].text, blocks[-1].closed = "\n".join(block_lines), False
    return prose, blocks


def parse_question(block: QuizBlock, path: str, findings: Findings) -> ParsedQuestion | None:
    """Parse one quiz block; return None (with findings) when it cannot be used."""
    local = Findings()
    try:
        data = load_marked(block.text, block.line + 1)
    except YamlProblem as problem:
        code = "E203" if problem.is_tab else "E202"
        local.add(code, path, problem.line, _l("quiz block: %(problem)s", problem=problem.message))
        findings.extend(local)
        return None
    if not isinstance(data, MarkedDict):
        message = _l("a quiz block holds one question as YAML 'key: value'")
        local.add("E202", path, block.line, message)
        findings.extend(local)
        return None
    question = _parse_mapping(data, block.line, Scope(local, path, "E208", "W201"))
    findings.extend(local)
    return None if local.has_errors else question


def question_id_of(block: QuizBlock) -> str | None:
    """Return the id a quiz block declares, even when the rest of the block is broken."""
    match = re.search(r"^id:\s*['\"]?([^'\"\s#]+)", block.text, re.MULTILINE)
    return match.group(1) if match else None


def _parse_mapping(data: MarkedDict, fence_line: int, scope: Scope) -> ParsedQuestion | None:
    question_id = get_id(scope, data, "id", "E204", _l("question id"))
    if question_id:
        scope.label = _l("quiz '%(id)s': ", id=question_id)
    question_type = _question_type(scope, data)
    _check_keys(scope, data, question_type)
    prompt = get_text(scope, data, "prompt", missing_code="E207")
    points = _points(scope, data)
    text = QuestionText(
        prompt=prompt or "",
        explanation=get_text(scope, data, "explanation"),
        hint=get_text(scope, data, "hint"),
    )
    if question_type is None:
        return None
    answer = parse_answer(scope, data, question_type, text)
    if not (question_id and prompt and points and answer):
        return None
    answer_key, key_lines = answer
    key_lines = {
        "id": data.line_of("id"),
        "type": data.line_of("type"),
        "points": data.line_of("points"),
        **key_lines,
    }
    return ParsedQuestion(
        question_id, question_type, fence_line, points, answer_key, text, key_lines
    )


def _question_type(scope: Scope, data: MarkedDict) -> str | None:
    value = data.get("type")
    if value is None:
        scope.add("E206", data.line, _l("'type' is missing"))
        return None
    if value not in QUESTION_TYPES:
        shown = describe(value, raw_of(data, "type"))
        scope.add("E206", data.line_of("type"), _l("unknown question type %(value)s", value=shown))
        return None
    return value


def _check_keys(scope: Scope, data: MarkedDict, question_type: str | None) -> None:
    check_unknown_keys(scope, data, ALL_KEYS)
    if question_type is None:
        return
    used = COMMON_KEYS + TYPE_KEYS[question_type]
    for key in data:
        if key in ALL_KEYS and key not in used:
            message = _l("'%(key)s' is not used by %(type)s questions", key=key, type=question_type)
            scope.add("W202", data.line_of(key), message)


def _points(scope: Scope, data: MarkedDict) -> float | None:
    if "points" not in data:
        return 1.0
    points = get_number(data["points"])
    if points is None or points <= 0:
        shown = describe(data["points"], raw_of(data, "points"))
        message = _l("points must be greater than 0, not %(value)s", value=shown)
        scope.add("E220", data.line_of("points"), message)
        return None
    return float(points)


def parse_quiz_settings(scope: Scope, value: object, line: int) -> dict | None:
    """Check the 'quiz:' mapping of a front matter and return only the keys it sets."""
    if not isinstance(value, MarkedDict):
        message = _l("'quiz' must be a mapping of settings such as pass_mark: 70")
        scope.add("E109", line, message)
        return None
    check_unknown_keys(scope, value, SETTINGS_KEYS)
    settings: dict = {}
    if "pass_mark" in value:
        pass_mark = get_int(scope, value, "pass_mark", minimum=0, code="E109")
        if pass_mark is not None and pass_mark > 100:
            message = _l("pass_mark is a percentage, 0 to 100")
            scope.add("E109", value.line_of("pass_mark"), message)
        elif pass_mark is not None:
            settings["pass_mark"] = pass_mark
    for key in ("max_attempts", "time_limit_minutes", "draw"):
        number = get_int(scope, value, key, minimum=1, code="E109")
        if number is not None:
            settings[key] = number
    if "shuffle" in value:
        settings["shuffle"] = get_bool(scope, value, "shuffle", False, code="E109")
    if "pool" in value:
        pool = get_id(scope, value, "pool", "E109", _l("pool module id"))
        if pool:
            settings["pool"] = pool
    if "role" in value:
        role = value["role"]
        if role in QUIZ_ROLES:
            settings["role"] = role
        else:
            shown = describe(role, raw_of(value, "role"))
            message = _l("role %(value)s is not pre_test or post_test", value=shown)
            scope.add("E109", value.line_of("role"), message)
    return settings
