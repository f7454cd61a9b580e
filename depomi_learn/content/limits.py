"""Bounds on the Markdown we render: size, nesting and scanning cost, measured before rendering,
and a time limit while rendering.

Python-Markdown is quadratic or recursive on some inputs (50,000 nested brackets spin for
minutes, a list nested 2,000 deep takes 1.6 GB): one linear pass here refuses them with a
finding at their line before the renderer sees them. The preview, the importer and the zip
upload all go through `markdown_problem` (via the module parser) and `time_limit` (via the
renderer).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .codes import CODES
from .findings import Finding, Text

MAX_MODULE_CHARACTERS = 100_000
MAX_NESTING = 12  # list, blockquote and indentation levels on one line
MAX_SCAN = 1_000_000  # characters the link, HTML and footnote scanners may walk in a module
MAX_MARK_RUN = 32  # a run of * _ ~ inside text opens that many nested emphases
MAX_HEADINGS = 300
MAX_FOOTNOTE_REFERENCES = 300
RENDER_SECONDS = 2.0

CONTAINER = re.compile(r"(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))[ \t]?")
MARK_RUN = re.compile(rf"[*_~]{{{MAX_MARK_RUN + 1},}}")
RULE = re.compile(r"^[-*_~ \t]*$")  # a horizontal rule, or a line of marks: no nesting
HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
PAIRS = {"]": "[", ")": "(", ">": "<"}


LIMIT_CODES = frozenset({"E111", "E112", "E113"})


@dataclass(frozen=True)
class Problem:
    code: str  # E111 too large, E112 nested too deeply, E113 too complex to render
    line: int | None
    message: Text


class MarkdownRefused(ValueError):
    """Markdown the renderer must not be given, or that took too long to render."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def refused_finding(problem: Problem, path: str, line: int | None = None) -> Finding:
    """Return the finding for Markdown refused while rendering the file `path`."""
    return Finding(path, problem.line or line, "error", problem.code, problem.message,
                   CODES[problem.code].hint)  # fmt: skip


def markdown_problem(text: str, *, first_line: int = 1) -> Problem | None:
    """Return the first reason not to render `text`, in one linear pass; None when it is fine."""
    if len(text) > MAX_MODULE_CHARACTERS:
        message = _l(
            "the file has %(count)s characters, more than %(limit)s",
            count=len(text),
            limit=MAX_MODULE_CHARACTERS,
        )
        return Problem("E111", None, message)
    scan, headings, footnotes = _Scan(), 0, 0
    for number, line in enumerate(text.split("\n"), start=first_line):
        if RULE.match(line):
            pass
        elif (depth := nesting(line)) > MAX_NESTING:
            message = _l(
                "nested %(depth)s levels deep (at most %(limit)s)", depth=depth, limit=MAX_NESTING
            )
            return Problem("E112", number, message)
        elif MARK_RUN.search(line):
            message = _l(
                "a run of more than %(limit)s '*', '_' or '~' inside text", limit=MAX_MARK_RUN
            )
            return Problem("E112", number, message)
        headings += bool(HEADING.match(line))
        footnotes += line.count("[^")
        if headings > MAX_HEADINGS or footnotes > MAX_FOOTNOTE_REFERENCES:
            message = _l("more than %(limit)s headings or footnote references", limit=MAX_HEADINGS)
            return Problem("E113", number, message)
        if scan.feed(line) > MAX_SCAN:
            message = _l("too many unclosed or deeply nested brackets, parentheses or '<'")
            return Problem("E113", number, message)
    return None


def nesting(line: str) -> int:
    """Return how many containers (indentation steps, list items, quotes) a line sits in."""
    expanded = line.expandtabs(4)
    stripped = expanded.lstrip(" ")
    depth = (len(expanded) - len(stripped)) // 4
    position = 0
    while match := CONTAINER.match(stripped, position):
        depth += 1
        position = match.end()
        if depth > MAX_NESTING:
            break
    return depth


class _Scan:
    """Estimate what the inline scanners walk: from each opener to its closer, or to the end of
    its paragraph when it is never closed."""

    def __init__(self) -> None:
        self.cost = self.offset = self.open_count = self.open_sum = 0
        self.open: dict[str, list[int]] = {"[": [], "(": [], "<": []}

    def feed(self, line: str) -> int:
        """Take one more line; return the cost so far, counting openers as closed here."""
        if not line.strip():
            self.cost += self._pending()
            self.open_count = self.open_sum = 0
            for starts in self.open.values():
                starts.clear()
        for index, character in enumerate(line):
            if character in self.open:
                self.open[character].append(self.offset + index)
                self.open_count += 1
                self.open_sum += self.offset + index
            elif character in PAIRS and self.open[PAIRS[character]]:
                start = self.open[PAIRS[character]].pop()
                self.open_count -= 1
                self.open_sum -= start
                self.cost += self.offset + index - start
        self.offset += len(line) + 1
        return self.cost + self._pending()

    def _pending(self) -> int:
        return self.open_count * self.offset - self.open_sum


@contextmanager
def time_limit(seconds: float = RENDER_SECONDS) -> Iterator[None]:
    """Raise MarkdownRefused in this thread when the block runs longer than `seconds`.

    gunicorn's timeout does not fire while a gthread worker's other threads keep beating, so
    the renderer is watched from inside: a trace function checks the clock at every Python call.
    """
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def watch(frame, event, arg):
        if time.monotonic() > deadline:
            message = _l(
                "rendering took more than %(seconds)s seconds", seconds=format(seconds, "g")
            )
            raise MarkdownRefused(Problem("E113", None, message))

    sys.settrace(watch)
    try:
        yield
    finally:
        sys.settrace(previous)
