"""Load YAML keeping the line of every key and the raw text of every plain scalar.

Findings must point at the offending line, and the YAML 1.1 traps (`no` read as false, `2026.10`
read as 2026.1) can only be explained by showing what the author actually typed.
"""

from __future__ import annotations

from typing import Any

import yaml
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

# PyYAML's own words for the usual slips, said again in the interface language.
KNOWN_PROBLEMS = (
    ("mapping values are not allowed", _l("a ': ' inside a value: put the text in quotes")),
    ("could not find expected ':'", _l("a ':' is missing after a key, or a quote is not closed")),
    ("did not find expected key", _l("the indentation does not match the lines above")),
    ("expected <block end>", _l("the indentation does not match the lines above")),
    ("did not find expected '-'", _l("the indentation does not match the list above")),
    ("cannot start any token", _l("a character that cannot start a value: put the text in quotes")),
    ("found undefined alias", _l("'*' starts a value: put the text in quotes")),
    ("found unknown escape character", _l("a '\\' inside double quotes: use single quotes")),
)


class YamlProblem(Exception):
    """The text is not valid YAML; `line` is the 1-based file line, `is_tab` for tab trouble."""

    def __init__(
        self, line: int | None, message: str | LazyString, *, is_tab: bool = False
    ) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.is_tab = is_tab


class MarkedDict(dict):
    """A mapping that remembers where it starts, where each key is, and raw plain scalars."""

    line: int
    key_lines: dict[Any, int]
    raw: dict[Any, str]

    def line_of(self, key: Any) -> int:
        """Return the line of `key`, else the line where the mapping starts."""
        return self.key_lines.get(key, self.line)


class MarkedList(list):
    """A sequence that remembers where it and each item start, and raw plain scalars."""

    line: int
    item_lines: list[int]
    raw: dict[int, str]

    def line_of(self, index: int) -> int:
        """Return the line of item `index`, else the line where the sequence starts."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _MarkedLoader(yaml.SafeLoader):
    line_offset = 0

    def file_line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.line_offset


def _plain_raw(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.style is None:
        return node.value
    return None


def _construct_map(loader: _MarkedLoader, node: yaml.MappingNode):
    data = MarkedDict()
    data.line, data.key_lines, data.raw = loader.file_line(node), {}, {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | None):
            raise YamlProblem(loader.file_line(key_node), _l("a key must be a plain word"))
        if key in data.key_lines:
            first = data.key_lines[key]
            raise YamlProblem(
                loader.file_line(key_node),
                _l(
                    "key '%(key)s' appears twice (lines %(first)s and %(second)s)",
                    key=key,
                    first=first,
                    second=loader.file_line(key_node),
                ),
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = loader.file_line(key_node)
        raw = _plain_raw(value_node)
        if raw is not None:
            data.raw[key] = raw


def _construct_seq(loader: _MarkedLoader, node: yaml.SequenceNode):
    data = MarkedList()
    data.line, data.item_lines, data.raw = loader.file_line(node), [], {}
    yield data
    for index, item in enumerate(node.value):
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(loader.file_line(item))
        raw = _plain_raw(item)
        if raw is not None:
            data.raw[index] = raw


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_marked(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document whose first line is line `first_line` of its file."""
    loader = _MarkedLoader(text)
    loader.line_offset = first_line - 1
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        raise _problem(error, first_line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(first_line, _unknown(str(error))) from None
    finally:
        loader.dispose()


def _problem(error: yaml.MarkedYAMLError, first_line: int) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    unclosed = "end of stream" in (error.problem or "")
    if unclosed and error.context_mark and "quoted scalar" in (error.context or ""):
        # The scanner fails where the text ends; the author needs the line where the quote opens.
        line = error.context_mark.line + first_line
        return YamlProblem(line, _l("a quote opened here is never closed"))
    line = mark.line + first_line if mark else first_line
    problem = error.problem or error.context or "invalid YAML"
    if "'\\t'" in problem:
        return YamlProblem(line, _l("tab character (YAML indents with spaces)"), is_tab=True)
    known = next((said for words, said in KNOWN_PROBLEMS if words in problem), None)
    if known is not None:
        return YamlProblem(line, known)
    context = f" ({error.context})" if error.context and error.problem else ""
    return YamlProblem(line, _unknown(f"{problem}{context}"))


def _unknown(detail: str) -> LazyString:
    return _l("YAML cannot read this line (%(detail)s)", detail=detail)
