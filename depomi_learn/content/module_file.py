"""One module file: front matter, Markdown body and quiz blocks, checked on their own."""

from __future__ import annotations

import hashlib
import re

from flask_babel import lazy_gettext as _l

from .assignment import parse_assignment
from .citations import read_sources
from .fields import (
    Scope,
    check_unknown_keys,
    get_id,
    get_id_list,
    get_int,
    get_text,
    get_text_list,
    raw_of,
)
from .findings import Findings
from .item_quality import check_module_items
from .limits import markdown_problem
from .quiz import QuizBlock, parse_question, parse_quiz_settings, question_id_of, split_quiz_blocks
from .source import ModuleSource, decode_text, split_lines
from .survey import parse_survey
from .yamlmarks import MarkedDict, YamlProblem, load_marked

FRONT_MATTER_KEYS = (
    "id",
    "title",
    "duration_minutes",
    "objectives",
    "aliases",
    "quiz",
    "translated_from",
    "sources",
)
HASH_PATTERN = re.compile(r"^[0-9a-f]{7,64}$")
TITLE_MAX = 300


def parse_module(
    data: bytes | str, *, path: str, relpath: str, language: str, findings: Findings
) -> ModuleSource | None:
    """Parse one module file (bytes from disk or text from an editor) and check it alone."""
    if isinstance(data, str):
        text: str | None = data.removeprefix("\ufeff")
        data = data.encode("utf-8")
    else:
        text = decode_text(data, path, "E101", findings)
    if text is None:
        return None
    lines = split_lines(text)
    problem = markdown_problem("\n".join(lines))
    if problem:
        findings.add(problem.code, path, problem.line, problem.message)
    front = _front_matter(lines, path, findings)
    if front is None:
        return None
    matter, end = front
    module = ModuleSource(
        path=path,
        relpath=relpath,
        language=language,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        id=None,
        title=None,
        too_complex=problem is not None,
    )
    _read_front_matter(module, matter, Scope(findings, path, "E105", "W102"))
    blocks = _read_body(
        module, [(n + 1, line) for n, line in enumerate(lines) if n > end], findings
    )
    read_sources(module, matter, Scope(findings, path, "E105", "W102"))
    check_module_items(module, findings)
    _check_quiz_presence(module, blocks, matter, findings)
    return module


def _front_matter(lines: list[str], path: str, findings: Findings) -> tuple[MarkedDict, int] | None:
    if lines[0].strip() != "---":
        message = _l("the file must start with front matter between '---' lines")
        findings.add("E102", path, 1, message)
        return None
    end = next((i for i, line in enumerate(lines) if i and line.strip() in ("---", "...")), None)
    if end is None:
        findings.add("E102", path, 1, _l("the front matter is never closed by a '---' line"))
        return None
    try:
        matter = load_marked("\n".join(lines[1:end]), 2)
    except YamlProblem as problem:
        code = "E104" if problem.is_tab else "E103"
        message = _l("front matter: %(problem)s", problem=problem.message)
        findings.add(code, path, problem.line, message)
        return None
    if not isinstance(matter, MarkedDict):
        message = _l("the front matter must be 'key: value' lines (id, title...)")
        findings.add("E103", path, 1, message)
        return None
    return matter, end


def _read_front_matter(module: ModuleSource, matter: MarkedDict, scope: Scope) -> None:
    check_unknown_keys(scope, matter, FRONT_MATTER_KEYS)
    module.front_matter_line = matter.line
    module.front_lines = dict(matter.key_lines)
    module.id = get_id(scope, matter, "id", "E106", _l("module id"))
    module.title = get_text(scope, matter, "title", missing_code="E108")
    if module.title and len(module.title) > TITLE_MAX:
        message = _l("title is longer than %(limit)s characters", limit=TITLE_MAX)
        scope.add("E105", matter.line_of("title"), message)
    module.duration_minutes = get_int(scope, matter, "duration_minutes", minimum=0) or 0
    module.objectives = get_text_list(scope, matter, "objectives")
    module.aliases = get_id_list(scope, matter, "aliases", "E110", _l("alias"))
    if module.id in module.aliases:
        message = _l("alias '%(id)s' is the module's own id", id=module.id)
        scope.add("E110", matter.line_of("aliases"), message)
    if "quiz" in matter:
        line = matter.line_of("quiz")
        module.quiz_settings = parse_quiz_settings(scope, matter["quiz"], line) or {}
    if "translated_from" in matter:
        value = raw_of(matter, "translated_from") or matter["translated_from"]
        if isinstance(value, str) and HASH_PATTERN.match(value.strip().lower()):
            module.translated_from = value.strip().lower()
        else:
            line = matter.line_of("translated_from")
            scope.add(
                "E105", line, _l("translated_from '%(value)s' is not a short hash", value=value)
            )


def _read_body(
    module: ModuleSource, lines: list[tuple[int, str]], findings: Findings
) -> list[QuizBlock]:
    prose, all_blocks = split_quiz_blocks(lines)
    blocks = [block for block in all_blocks if block.kind == "quiz"]
    _read_assignments(module, [b for b in all_blocks if b.kind == "assignment"], findings)
    _read_surveys(module, [b for b in all_blocks if b.kind == "survey"], findings)
    seen: dict[str, int] = {}
    for block in blocks:
        block_id = question_id_of(block)
        if block_id:
            module.quiz_ids.add(block_id)
        if not block.closed:
            findings.add("E201", module.path, block.line, _l("the quiz block is never closed"))
            continue
        question = parse_question(block, module.path, findings)
        if question is None:
            continue
        if question.id in seen:
            message = _l(
                "question id '%(id)s' is also used at line %(line)s",
                id=question.id,
                line=seen[question.id],
            )
            findings.add("E205", module.path, question.id_line, message)
            continue
        seen[question.id] = question.id_line
        module.questions.append(question)
    module.body_lines = prose
    module.body = "\n".join(text for _, text in prose)
    return blocks


def _read_assignments(module: ModuleSource, blocks: list[QuizBlock], findings: Findings) -> None:
    for block in blocks:
        block_id = question_id_of(block)
        if block_id:
            module.assignment_ids.add(block_id)
        if not block.closed:
            message = _l("the assignment block is never closed")
            findings.add("E701", module.path, block.line, message)
            continue
        assignment = parse_assignment(block, module.path, findings)
        if assignment is not None and module.assignment is not None:
            message = _l(
                "a module holds one assignment; '%(id)s' is already here", id=module.assignment.id
            )
            findings.add("E705", module.path, block.line, message)
        elif assignment is not None:
            module.assignment = assignment


def _read_surveys(module: ModuleSource, blocks: list[QuizBlock], findings: Findings) -> None:
    for block in blocks:
        item = parse_survey(block, module.path, findings)
        if item is None:
            continue
        if any(other.id == item.id for other in module.survey_items):
            message = _l("survey question '%(id)s' is already in this file", id=item.id)
            findings.add("E233", module.path, item.line, message)
            continue
        module.survey_items.append(item)


def _check_quiz_presence(
    module: ModuleSource, blocks: list[QuizBlock], matter: MarkedDict, findings: Findings
) -> None:
    settings = module.quiz_settings
    if "quiz" in matter and not blocks and not (settings or {}).get("pool"):
        line = matter.line_of("quiz")
        findings.add("W104", module.path, line, _l("'quiz:' is set but there are no questions"))
    if blocks and "quiz" not in matter:
        findings.add(
            "W105",
            module.path,
            module.front_matter_line,
            _l("the module has questions but no 'quiz:' settings; pass_mark 70 applies"),
        )
    draw = (settings or {}).get("draw")
    if draw and blocks and draw > len(blocks):
        message = _l(
            "draw %(draw)s is more than the %(count)s questions", draw=draw, count=len(blocks)
        )
        findings.add("E109", module.path, matter["quiz"].line_of("draw"), message)
    if not blocks and not module.body.strip() and not module.assignment_ids:
        findings.add("W103", module.path, module.front_matter_line, _l("the module has no text"))
