"""The type-specific part of a quiz question: its answer key and the texts that go with it.

The answer key is language-independent (option ids, which are correct, the boolean or numeric
answer); it must be identical in every translation and never leaves the server before grading.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from .fields import (
    MISSING,
    Scope,
    check_unknown_keys,
    describe,
    get_bool,
    get_id,
    get_number,
    get_text,
    line_of,
    raw_of,
    trap_hint,
)
from .findings import Text
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
        found = _l("missing") if options is None else _count_of(options)
        scope.add(
            "E209",
            data.line_of("options"),
            _l("needs 2 to 10 options, found %(found)s", found=found),
        )
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
            scope.add("E213", data.line_of("scoring"), _l("unknown scoring %(value)s", value=shown))
            ok = False
    return (key, lines) if ok else None


def _count_of(options: object) -> Text:
    return str(len(options)) if isinstance(options, list) else describe(options)


def _option(scope: Scope, options: MarkedList, index: int, seen: list[str]) -> OptionText | None:
    item = options[index]
    if not isinstance(item, MarkedDict):
        message = _l("option %(number)s must have 'id' and 'text'", number=index + 1)
        scope.add("E209", options.line_of(index), message)
        return None
    check_unknown_keys(scope, item, OPTION_KEYS)
    option_id = get_id(scope, item, "id", "E210", _l("option id"))
    if option_id in seen:
        message = _l("option id '%(id)s' appears twice", id=option_id)
        scope.add("E210", item.line_of("id"), message)
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
        message = (
            _l("single choice needs one correct option; no option is marked correct: true")
            if not correct
            else _l(
                "single choice needs one correct option; "
                "%(count)s options are marked correct (%(ids)s)",
                count=len(correct),
                ids=", ".join(correct),
            )
        )
        scope.add("E211", line, message)
        return False
    if question_type == "multiple" and not correct:
        scope.add("E212", line, _l("no option is marked correct: true"))
        return False
    return True


def _true_false(scope: Scope, data: MarkedDict, question_type: str, text: QuestionText):
    answer = data.get("answer", MISSING)
    if not isinstance(answer, bool):
        shown = _l("missing") if answer is MISSING else describe(answer, raw_of(data, "answer"))
        message = _l("answer must be true or false, not %(value)s", value=shown)
        scope.add("E214", data.line_of("answer"), message)
        return None
    feedback = data.get("feedback")
    if feedback is not None and not isinstance(feedback, MarkedDict):
        message = _l("feedback must be {true: ..., false: ...}")
        scope.add("E208", data.line_of("feedback"), message)
        return None
    for key, value in (feedback or {}).items():
        name = {True: "true", False: "false", "true": "true", "false": "false"}.get(key)
        if name is None:
            message = _l("unknown feedback key '%(key)s'", key=key)
            scope.add(scope.unknown_code, line_of(feedback, key), message)
        elif not isinstance(value, str):
            shown = describe(value, raw_of(feedback, key))
            message = _l("feedback must be text, not %(value)s", value=shown)
            scope.add("E208", line_of(feedback, key), message)
            return None
        else:
            text.feedback[name] = value
    return {"answer": answer}, {"answer": data.line_of("answer")}


def _short_text(scope: Scope, data: MarkedDict, question_type: str, text: QuestionText):
    accept = data.get("accept")
    if not isinstance(accept, MarkedList) or not accept:
        shown = _l("missing") if accept is None else describe(accept, raw_of(data, "accept"))
        message = _l("accept must be a non-empty list, not %(value)s", value=shown)
        scope.add("E215", data.line_of("accept"), message)
        return None
    ok = True
    for index, item in enumerate(accept):
        raw = raw_of(accept, index)
        if isinstance(item, str) and item.strip():
            text.accept.append(item)
        elif isinstance(item, int | float) and not isinstance(item, bool) and raw:
            text.accept.append(raw)  # 1956 is meant as the text '1956'
        else:
            message = _l("accepted answer %(value)s is not text", value=describe(item, raw))
            scope.add("E215", accept.line_of(index), message, trap_hint(item, raw))
            ok = False
    sensitive = get_bool(scope, data, "case_sensitive", False, code="E221")
    if not ok:
        return None
    return {"case_sensitive": sensitive}, {"case_sensitive": data.line_of("case_sensitive")}


def _numeric(scope: Scope, data: MarkedDict, question_type: str, text: QuestionText):
    if ("answer" in data) == ("range" in data):
        message = (
            _l("numeric question has both 'answer' and 'range'")
            if "answer" in data
            else _l("numeric question has neither 'answer' nor 'range'")
        )
        scope.add("E217", data.line, message)
        return None
    if "range" in data:
        return _numeric_range(scope, data)
    answer = _number(scope, data, "answer")
    tolerance = _number(scope, data, "tolerance") if "tolerance" in data else 0
    if tolerance is not None and tolerance < 0:
        message = _l("tolerance %(value)s is negative", value=format(tolerance, "g"))
        scope.add("E219", data.line_of("tolerance"), message)
        return None
    if answer is None or tolerance is None:
        return None
    lines = {"answer": data.line_of("answer"), "tolerance": data.line_of("tolerance")}
    return {"answer": answer, "tolerance": tolerance}, lines


def _numeric_range(scope: Scope, data: MarkedDict):
    bounds = data["range"]
    line = data.line_of("range")
    if not isinstance(bounds, MarkedList) or len(bounds) != 2:
        scope.add(
            "E218", line, _l("range must be [min, max], not %(value)s", value=describe(bounds))
        )
        return None
    low, high = _number(scope, bounds, 0), _number(scope, bounds, 1)
    if low is None or high is None:
        return None
    if low > high:
        message = _l(
            "range minimum %(low)s is greater than maximum %(high)s",
            low=format(low, "g"),
            high=format(high, "g"),
        )
        scope.add("E218", line, message)
        return None
    return {"range": [low, high]}, {"range": line}


def _number(scope: Scope, container: MarkedDict | MarkedList, key: str | int) -> int | float | None:
    value = container[key]  # type: ignore[index]  # a key of a mapping, an index of a list
    number = get_number(value)
    if number is not None:
        return number
    where = f"'{key}'" if isinstance(key, str) else _l("range bound")
    line = line_of(container, key)
    if isinstance(value, str) and ARABIC_DIGITS.search(value):
        message = _l(
            "%(where)s '%(value)s' is written with Arabic-Indic digits", where=where, value=value
        )
        hint = _l(
            "write it with Latin digits as a YAML number: %(number)s",
            number=value.translate(TO_LATIN),
        )
        scope.add("E216", line, message, hint)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", value):
        message = _l("%(where)s '%(value)s' uses a decimal comma", where=where, value=value)
        hint = _l("write %(number)s instead", number=value.strip().replace(",", "."))
        scope.add("E216", line, message, hint)
    else:
        shown = describe(value, raw_of(container, key))
        scope.add(
            "E216", line, _l("%(where)s must be a number, not %(value)s", where=where, value=shown)
        )
    return None
