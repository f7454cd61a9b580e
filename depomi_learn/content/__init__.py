"""The course format: parse and validate course folders, render Markdown, import into the database.

Import from here; the modules behind it are split by meaning (see each module's docstring).
"""

from .findings import Finding, findings_to_json, format_findings_text, has_errors
from .render import Rendered, render_inline, render_markdown, render_module, render_question_text
from .source import CourseModule, CourseQuestion, CourseSource, ModuleSource, short_hash
from .validate import load_course, load_tree, validate_module_source, validate_tree

__all__ = [
    "CourseModule",
    "CourseQuestion",
    "CourseSource",
    "Finding",
    "ModuleSource",
    "Rendered",
    "findings_to_json",
    "format_findings_text",
    "has_errors",
    "load_course",
    "load_tree",
    "render_inline",
    "render_markdown",
    "render_module",
    "render_question_text",
    "short_hash",
    "validate_module_source",
    "validate_tree",
]
