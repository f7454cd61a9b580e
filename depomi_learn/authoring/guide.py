"""The course-format guide shown to authors in the browser, in each interface language.

docs/course-format.md is the source; course-format.fr.md and course-format.ar.md translate it.
A `<!-- anchor: name -->` line before a heading gives it the same id in every language, so each
finding code links to its section whatever the language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..content.codes import CODES
from ..content.render import render_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE_LANGUAGES = ("fr", "ar", "en")
ANCHOR_LINE = re.compile(r"^<!-- anchor: ([a-z0-9-]+) -->$")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,})")
LEADING_H1 = re.compile(r"^\s*<h1[^>]*>.*?</h1>", re.DOTALL)

# Each finding code's section; a code not listed here falls back to "validation".
SECTION_OF_CODES: dict[str, str] = {
    **dict.fromkeys(("E001", "E005", "E014", "W003"), "layout"),
    **dict.fromkeys(
        [f"E0{n:02d}" for n in range(2, 19) if n not in (5, 14)] + ["E022", "W002", "W004", "W101"],
        "course-yaml",
    ),
    **dict.fromkeys(("E019", "E020", "E021"), "pre-post-tests"),
    **dict.fromkeys([f"E1{n:02d}" for n in range(1, 14)], "module-file"),
    **dict.fromkeys(("W102", "W103", "W104", "W105", "W106"), "module-file"),
    **dict.fromkeys(("E114", "E115", "W107"), "sources"),
    **dict.fromkeys([f"E2{n:02d}" for n in range(1, 22)] + ["W201", "W202"], "question-types"),
    **dict.fromkeys(("E230", "E231", "E232", "E233", "W207"), "surveys"),
    **dict.fromkeys([f"E30{n}" for n in range(1, 6)], "translations"),
    **dict.fromkeys([f"W30{n}" for n in range(1, 6)], "translations"),
    **dict.fromkeys([f"E40{n}" for n in range(1, 8)] + ["W402"], "module-file"),
    **dict.fromkeys(("W401", "W403"), "templates"),
    "E408": "course-links",
    **dict.fromkeys(("E501", "E502"), "course-yaml"),
    **dict.fromkeys([f"E7{n:02d}" for n in range(1, 17)] + ["W701", "W702"], "assignments"),
    **dict.fromkeys(("W203", "W204", "W205", "W206"), "item-writing"),
    "W001": "validation",
}


@dataclass(frozen=True)
class Guide:
    language: str
    title: str  # the text of the leading "# " heading, shown as the page's h1
    html: str  # the rest, sanitised by the platform's Markdown renderer
    sections: list[tuple[str, str]]  # (anchor, title) in document order


def section_of(code: str) -> str:
    """Return the anchor of the guide section that explains a finding code."""
    return SECTION_OF_CODES.get(code, "validation")


def guide_path(language: str) -> Path:
    return DOCS / ("course-format.md" if language == "en" else f"course-format.{language}.md")


@cache
def load_guide(language: str) -> Guide:
    """Render the guide in `language` (one of GUIDE_LANGUAGES) with its stable section ids."""
    text = guide_path(language).read_text("utf-8")
    markdown, anchored = _take_anchors(text)
    rendered = render_markdown(markdown, language=language, asset_url=lambda _name: None)
    html, sections, pending = rendered.html, [], dict(anchored)
    for entry in rendered.toc:
        anchor = pending.pop(entry["title"], None)
        if anchor is None:
            continue
        html = html.replace(f'id="{entry["id"]}"', f'id="{anchor}"', 1)
        sections.append((anchor, entry["title"]))
    # Code and YAML examples read left to right even inside the Arabic guide.
    html = html.replace("<pre>", '<pre dir="ltr">').replace("<code>", '<code dir="ltr">')
    title = rendered.toc[0]["title"] if rendered.toc and rendered.toc[0]["level"] == 1 else ""
    if title:
        html = LEADING_H1.sub("", html, count=1)
    return Guide(language, title, html, sections)


def _take_anchors(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Remove the anchor lines; return the text and (heading title, anchor) pairs."""
    kept, anchored, anchor, fence = [], [], None, None
    for line in text.split("\n"):
        marker = FENCE.match(line)
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = None if fence else marker.group(1)
        if fence is None and (found := ANCHOR_LINE.match(line)):
            anchor = found.group(1)
            continue
        heading = HEADING.match(line) if fence is None else None
        if anchor and heading:
            anchored.append((heading.group(1), anchor))
            anchor = None
        kept.append(line)
    return "\n".join(kept), anchored


def unexplained_codes() -> list[str]:
    """Return codes whose section the guide lacks in some language (the tests want none)."""
    return [
        code
        for code in CODES
        for language in GUIDE_LANGUAGES
        if section_of(code) not in dict(load_guide(language).sections)
    ]
