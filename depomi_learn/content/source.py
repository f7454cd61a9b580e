"""The parsed course, as typed dataclasses, and the reading of its files as text.

Everything here is plain data: no database, no Flask. The importer and the browser editor both
work from these objects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from .findings import Findings

if TYPE_CHECKING:
    from .assignment import ParsedAssignment

DEFAULT_QUIZ_SETTINGS = {
    "pass_mark": 70,
    "max_attempts": None,
    "time_limit_minutes": None,
    "draw": None,
    "shuffle": False,
}


@dataclass
class OptionText:
    id: str
    text: str
    feedback: str | None = None


@dataclass
class QuestionText:
    """The language-dependent part of a question, as Markdown."""

    prompt: str
    options: list[OptionText] = field(default_factory=list)
    explanation: str | None = None
    hint: str | None = None
    accept: list[str] = field(default_factory=list)  # short_text only
    feedback: dict[str, str] = field(default_factory=dict)  # true_false: {"true": .., "false": ..}


@dataclass
class ParsedQuestion:
    """One quiz block as written in one file."""

    id: str
    type: str
    line: int  # the fence line
    points: float
    answer_key: dict  # language-independent: see quiz.answer_key_of
    text: QuestionText
    key_lines: dict[str, int] = field(default_factory=dict)  # id, type, answer-key field -> line

    @property
    def id_line(self) -> int:
        """Return the line of `id:`, where a duplicate id is reported."""
        return self.key_lines.get("id") or self.line


@dataclass
class ModuleSource:
    """One module file in one language."""

    path: str  # as shown in findings
    relpath: str  # relative to the course folder, e.g. "fr/02-acteurs.md"
    language: str
    text: str  # the whole file, decoded
    sha256: str  # of the file's exact bytes; translations start translated_from with it
    id: str | None
    title: str | None
    duration_minutes: int = 0
    objectives: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    quiz_settings: dict | None = None  # None when the front matter has no 'quiz:'
    translated_from: str | None = None
    front_matter_line: int = 1
    body: str = ""  # Markdown without front matter and quiz blocks
    body_lines: list[tuple[int, str]] = field(default_factory=list)  # (file line, text)
    questions: list[ParsedQuestion] = field(default_factory=list)
    quiz_ids: set[str] = field(default_factory=set)  # ids of every quiz block, even invalid ones
    survey_items: list = field(default_factory=list)  # survey.SurveyItem, in file order
    front_lines: dict[str, int] = field(default_factory=dict)  # front matter key -> line
    sources: list = field(default_factory=list)  # citations.Citation, from 'sources:'
    too_complex: bool = False  # refused by content.limits: neither scanned for links nor rendered
    assignment: ParsedAssignment | None = None  # the module's ```assignment block, if valid
    assignment_ids: set[str] = field(default_factory=set)  # ids of every assignment block

    @property
    def filename(self) -> str:
        return self.relpath.rsplit("/", 1)[-1]

    @property
    def digest(self) -> str:
        """Return what a translation of this file writes in translated_from."""
        return self.sha256[:12]

    def is_source_of(self, translated_from: str) -> bool:
        """Return True when a translation's translated_from names this file's current bytes."""
        return self.sha256.startswith(translated_from)


@dataclass
class CourseQuestion:
    """A question of the course: its key from the default language, its texts per language."""

    id: str
    type: str
    points: float
    answer_key: dict
    texts: dict[str, QuestionText]


@dataclass
class CourseModule:
    """A module of the course: its files per language; settings come from the default language."""

    id: str
    position: int
    default_language: str
    texts: dict[str, ModuleSource]  # language -> file; always has the default language

    @property
    def default(self) -> ModuleSource:
        return self.texts[self.default_language]

    @property
    def quiz_settings(self) -> dict | None:
        """Return the settings of a module with questions (defaults filled in), else None."""
        if not self.default.questions and not (self.default.quiz_settings or {}).get("pool"):
            return None
        return {**DEFAULT_QUIZ_SETTINGS, **(self.default.quiz_settings or {})}

    @property
    def questions(self) -> list[CourseQuestion]:
        """Return the questions in default-language order with the texts of every language."""
        merged = []
        for question in self.default.questions:
            texts = {}
            for language, source in self.texts.items():
                match = next((q for q in source.questions if q.id == question.id), None)
                if match is not None:
                    texts[language] = match.text
            merged.append(
                CourseQuestion(
                    question.id, question.type, question.points, question.answer_key, texts
                )
            )
        return merged


@dataclass
class AssetSource:
    path: str  # relative to assets/, with '/'
    data: bytes
    media_type: str
    sha256: str


@dataclass
class CourseSource:
    folder: Path
    display: str  # the folder as shown in findings
    id: str
    label: str  # 'version' in course.yaml, the edition label
    default_language: str
    languages: list[str]
    title: dict[str, str]
    summary: dict[str, str]
    level: str
    duration_minutes: int
    audience: list[str]
    prerequisites: list[str]
    certificate_enabled: bool
    validity_months: int | None
    source_yaml: str
    show_answers: str = "after_each_attempt"  # see course_yaml.SHOW_ANSWERS
    module_lines: dict[str, int] = field(default_factory=dict)  # listed module id -> line
    blended: bool = False  # the course runs sessions (attendance can be required)
    completion: dict | None = None  # blended courses: what completing means
    blended_line: int | None = None
    completion_line: int | None = None
    attendance_line: int | None = None
    post_test_line: int | None = None
    completion_module_lines: dict[str, int] = field(default_factory=dict)
    prerequisite_lines: dict[str, int] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)  # course-relative paths of all visible files
    file_data: dict[str, bytes] = field(default_factory=dict)  # those files' bytes, as hashed
    modules: list[CourseModule] = field(default_factory=list)
    assets: list[AssetSource] = field(default_factory=list)
    content_hash: str = ""


def short_hash(data: bytes) -> str:
    """Return the value a translation puts in translated_from for a file with these bytes."""
    return hashlib.sha256(data).hexdigest()[:12]


def decode_text(data: bytes, path: str, code: str, findings: Findings) -> str | None:
    """Decode UTF-8 (a BOM is dropped), reporting the line of the first undecodable byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = _l(
            "the file is not UTF-8 (byte %(byte)s)", byte=format(data[error.start], "#04x")
        )
        findings.add(code, path, line, message)
        return None


def split_lines(text: str) -> list[str]:
    """Split text into lines, treating CRLF and CR like LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
