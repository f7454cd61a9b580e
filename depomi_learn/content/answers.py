"""The type-specific part of a quiz question: its answer key and the texts that go with it.

The answer key is language-independent (option ids, which are correct, the boolean or numeric
answer); it must be identical in every translation and never leaves the server before grading.
"""

from __future__ import annotations

import re

from .fields import (
    MISSING,
    Scope,
    check_unknown_keys,
    describe,
    get_bool,
    get_id,
    get_number,
    get_text,
    raw_of,
    trap_hint,
)
from .source import OptionText, QuestionText
from .yamlmarks import MarkedDict, MarkedList

OPTION_KEYS = ("id", "text", "correct", "feedback")
SCORINGS = ("all_or_nothing", "partial")
ARABIC_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")
TO_LATIN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫,", "01234567890123456789..")

AnswerKey = tuple[dict, dict[str, int]]  # (answer key, field -> line)


def parse_answer(
    scope: Scope, data: MarkedDict, question_type: str, text: QuestionText
) -> AnswerKey | None:
    """Check the keys of one question type; fill `text`, return the key and its lines."""
    parsers = {
        "single": _choice,
        "multiple": _choice,
        "true_false": _true_false,
        "short_text": _short_text,
        "numeric": _numeric,
    }
    return parsers[question_type](scope, data, question_type, text)


def _choice(scope: Scope, data: MarkedDict, question_type: str, text: QuestionText):
    options = data.get("options")
    if not isinstance(options, MarkedList) or not 2 <= len(options) <= 10:
        found = "missing" if options is None else _count_of(options)
        scope.add("E209", data.line_of("options"), f"needs 2 to 10 options, found {found}")
        return None
    correct: list[str] = []
    correct_lines: list[int] = []
    ok = True
    for index, item in enumerate(options):
        option = _option(scope, options, index, [o.id for o in text.options])
        if option is None:
            ok = False
            continue
        text.options.append(option)
        if item.get("correct") is True:
            correct.append(option.id)
            correct_lines.append(item.line_of("correct"))
    ok = _check_correct(scope, data, question_type, correct) and ok
    key: dict = {"options": [o.id for o in text.options], "correct": correct}
    lines = {
        "options": options.line,
        "correct": correct_lines[0] if correct_lines else options.line,
    }
    if question_type == "multiple":
        key["scoring"] = data.get("scoring", "all_or_nothing")
        lines["scoring"] = data.line_of("scoring")
        if key["scoring"] not in SCORINGS:
            shown = describe(key["scoring"], raw_of(data, "scoring"))
            scope.add("E213", data.line_of("scoring"), f"unknown scoring {shown}")
            ok = False
    return (key, lines) if ok else None


def _count_of(options: object) -> str:
    return str(len(options)) if isinstance(options, list) else describe(options)


def _option(scope: Scope, options: MarkedList, index: int, seen: list[str]) -> OptionText | None:
    item = options[index]
    if not isinstance(item, MarkedDict):
        scope.add("E209", options.line_of(index), f"option {index + 1} must have 'id' and 'text'")
        return None
    check_unknown_keys(scope, item, OPTION_KEYS)
    option_id = get_id(scope, item, "id", "E210", "option id")
    if option_id in seen:
        scope.add("E210", item.line_of("id"), f"option id '{option_id}' appears twice")
        option_id = None
    option_text = get_text(scope, item, "text", missing_code="E208")
    get_bool(scope, item, "correct", False, code="E221")
    feedback = get_text(scope, item, "feedback")
    if option_id is None or option_text is None or not isinstance(item.get("correct", False), bool):
        return None
    return OptionText(option_id, option_text, feedback)


def _check_correct(scope: Scope, data: MarkedDict, question_type: str, correct: list) -> bool:
    line = data.line_of("options")
    if question_type == "single" and len(correct) != 1:
        found = (
            "no option is marked correct: true"
            if not correct
            else f"{len(correct)} options are marked correct ({', '.join(correct)})"
        )
        scope.add("E211", line, f"single choice needs one correct option; {found}")
        return False
    if question_type == "multiple" and not correct:
        scope.add("E212", line, "no option is marked correct: true")
        return False
    return True


def _true_false(scope: Scope, data: MarkedDict, question_type: str, text: QuestionText):
    answer = data.get("answer", MISSING)
    if not isinstance(answer, bool):
        shown = "missing" if answer is MISSING else describe(answer, raw_of(data, "answer"))
        scope.add("E214", data.line_of("answer"), f"answer must be true or false, not {shown}")
        return None
    feedback = data.get("feedback")
    if feedback is not None and not isinstance(feedback, MarkedDict):
        scope.add("E208", data.line_of("feedback"), "feedback must be {true: ..., false: ...}")
        return None
    for key, value in (feedback or {}).items():
        name = {True: "true", False: "false", "true": "true", "false": "false"}.get(key)
        if name is None:
            scope.add(scope.unknown_code, feedback.line_of(key), f"unknown feedback key '{key}'")
        elif not isinstance(value, str):
            shown = describe(value, raw_of(feedback, key))
            scope.add("E208", feedback.line_of(key), f"feedback must be text, not {shown}")
            return None
        else:
            text.feedback[name] = value
    return {"answer": answer}, {"answer": data.line_of("answer")}


def _short_text(scope: Scope, data: MarkedDict, question_type: str, text: QuestionText):
    accept = data.get("accept")
    if not isinstance(accept, MarkedList) or not accept:
        shown = "missing" if accept is None else describe(accept, raw_of(data, "accept"))
        scope.add("E215", data.line_of("accept"), f"accept must be a non-empty list, not {shown}")
        return None
    ok = True
    for index, item in enumerate(accept):
        raw = raw_of(accept, index)
        if isinstance(item, str) and item.strip():
            text.accept.append(item)
        elif isinstance(item, int | float) and not isinstance(item, bool) and raw:
            text.accept.append(raw)  # 1956 is meant as the text '1956'
        else:
            message = f"accepted answer {describe(item, raw)} is not text"
            scope.add("E215", accept.line_of(index), message, trap_hint(item, raw))
            ok = False
    sensitive = get_bool(scope, data, "case_sensitive", False, code="E221")
    if not ok:
        return None
    return {"case_sensitive": sensitive}, {"case_sensitive": data.line_of("case_sensitive")}


def _numeric(scope: Scope, data: MarkedDict, question_type: str, text: QuestionText):
    if ("answer" in data) == ("range" in data):
        both = "both 'answer' and 'range'" if "answer" in data else "neither 'answer' nor 'range'"
        scope.add("E217", data.line, f"numeric question has {both}")
        return None
    if "range" in data:
        return _numeric_range(scope, data)
    answer = _number(scope, data, "answer")
    tolerance = _number(scope, data, "tolerance") if "tolerance" in data else 0
    if tolerance is not None and tolerance < 0:
        scope.add("E219", data.line_of("tolerance"), f"tolerance {tolerance:g} is negative")
        return None
    if answer is None or tolerance is None:
        return None
    lines = {"answer": data.line_of("answer"), "tolerance": data.line_of("tolerance")}
    return {"answer": answer, "tolerance": tolerance}, lines


def _numeric_range(scope: Scope, data: MarkedDict):
    bounds = data["range"]
    line = data.line_of("range")
    if not isinstance(bounds, MarkedList) or len(bounds) != 2:
        scope.add("E218", line, f"range must be [min, max], not {describe(bounds)}")
        return None
    low, high = _number(scope, bounds, 0), _number(scope, bounds, 1)
    if low is None or high is None:
        return None
    if low > high:
        scope.add("E218", line, f"range minimum {low:g} is greater than maximum {high:g}")
        return None
    return {"range": [low, high]}, {"range": line}


def _number(scope: Scope, container: MarkedDict | MarkedList, key: str | int) -> int | float | None:
    value = container[key]
    number = get_number(value)
    if number is not None:
        return number
    where = f"'{key}'" if isinstance(key, str) else "range bound"
    line = container.line_of(key)
    if isinstance(value, str) and ARABIC_DIGITS.search(value):
        message = f"{where} '{value}' is written with Arabic-Indic digits"
        hint = f"write it with Latin digits as a YAML number: {value.translate(TO_LATIN)}"
        scope.add("E216", line, message, hint)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", value):
        message = f"{where} '{value}' uses a decimal comma"
        scope.add("E216", line, message, f"write {value.strip().replace(',', '.')} instead")
    else:
        shown = describe(value, raw_of(container, key))
        scope.add("E216", line, f"{where} must be a number, not {shown}")
    return None
