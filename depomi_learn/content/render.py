"""Render course Markdown to sanitised HTML with a table of contents.

Markdown may carry raw HTML; everything Python-Markdown produces goes through an allow-list
sanitiser (nh3), so scripts, event handlers, styles and dangerous URLs never reach a page.
attr_list is deliberately not enabled: it would let `{onclick=...}` through to the sanitiser and
give authors ids and classes that could clash with the page's own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
import nh3
from flask_babel import lazy_gettext as _l
from pymdownx.slugs import slugify

from .limits import MarkdownRefused, Problem, markdown_problem, time_limit
from .links import resolve
from .source import ModuleSource, QuestionText

AssetUrl = Callable[[str], str | None]
ModuleUrl = Callable[[str], str | None]

EXTENSIONS = [
    "abbr",
    "admonition",
    "def_list",
    "fenced_code",
    "footnotes",
    "sane_lists",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.tilde",
]
_unicode_slug = slugify(case="lower", percent_encode=False)


def _slugify(text: str, separator: str) -> str:
    # Unicode-aware: an Arabic heading keeps its letters in its id instead of losing them all.
    return re.sub(f"{re.escape(separator)}{{2,}}", separator, _unicode_slug(text, separator))


EXTENSION_CONFIGS = {
    "toc": {"slugify": _slugify, "permalink": False},
    "tables": {"use_align_attribute": True},
    "footnotes": {"BACKLINK_TITLE": "%d"},
}
ADMONITIONS = {
    "admonition", "note", "info", "tip", "hint", "important", "warning", "caution", "attention",
    "danger", "error", "success", "question", "example", "abstract", "quote", "summary",
}  # fmt: skip
LANGUAGES = {
    "bash", "css", "csv", "html", "javascript", "json", "markdown", "python", "shell", "sql",
    "text", "xml", "yaml",
}  # fmt: skip
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "form", "noscript", "template", "textarea",
    "select", "svg", "math", "frameset", "noembed", "applet",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "details": {"open"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
CLASSES = {
    "div": ADMONITIONS | {"footnote", "toc"},
    "details": ADMONITIONS,
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
    "code": {f"language-{name}" for name in LANGUAGES},
}
FOOTNOTE_ID = re.compile(r"^fn(ref\d*)?:\S+$")
EXTERNAL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)  # [{level, id, title}] in document order


def render_markdown(
    markdown_text: str,
    *,
    language: str,
    asset_url: AssetUrl,
    module_url: ModuleUrl | None = None,
) -> Rendered:
    """Render Markdown of a module in `language` to sanitised HTML and its headings.

    Relative paths are read as from a file in the `language` folder: ../assets/x.png becomes
    asset_url("x.png"); a link to another module file becomes module_url("fr/02-x.md").
    Raises MarkdownRefused for text too large, too nested or too slow to render.
    """
    if problem := markdown_problem(markdown_text):
        raise MarkdownRefused(problem)
    converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    try:
        with time_limit():
            raw_html = converter.convert(markdown_text)
    except RecursionError as error:
        raise MarkdownRefused(Problem("E112", None, _l("the text is nested too deeply"))) from error
    toc = _flatten(getattr(converter, "toc_tokens", []))
    heading_ids = {entry["id"] for entry in toc}

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if value in heading_ids or FOOTNOTE_ID.match(value) else None
        if (tag, attribute) in (("img", "src"), ("a", "href")):
            return _rewrite(value, tag == "img", language, asset_url, module_url)
        return value

    clean = nh3.clean(
        raw_html,
        tags=TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=attribute_filter,
        allowed_classes=CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Rendered(clean, toc)


def render_inline(text: str, *, language: str, asset_url: AssetUrl) -> str:
    """Render a short text (an option, a feedback) without the paragraph around it."""
    rendered = render_markdown(text, language=language, asset_url=asset_url).html
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


def render_module(
    module: ModuleSource, *, asset_url: AssetUrl, module_url: ModuleUrl | None = None
) -> Rendered:
    """Render a module file's body (front matter and quiz blocks already removed)."""
    return render_markdown(
        module.body, language=module.language, asset_url=asset_url, module_url=module_url
    )


def render_question_text(text: QuestionText, *, language: str, asset_url: AssetUrl) -> dict:
    """Render a question's texts in one language as stored in Question.texts[language]."""

    def block(value: str | None) -> str:
        return render_markdown(value, language=language, asset_url=asset_url).html if value else ""

    def inline(value: str | None) -> str:
        return render_inline(value, language=language, asset_url=asset_url) if value else ""

    rendered = {
        "prompt_html": block(text.prompt),
        "options": [
            {"id": option.id, "html": inline(option.text), "feedback_html": inline(option.feedback)}
            for option in text.options
        ],
        "explanation_html": block(text.explanation),
        "hint": text.hint or "",
    }
    if text.accept:
        rendered["accept"] = list(text.accept)
    if text.feedback:
        rendered["feedback"] = {  # type: ignore[assignment]  # a dict among lists
            key: inline(value) for key, value in text.feedback.items()
        }
    return rendered


def _flatten(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        title = html.unescape(token["name"])
        flat.append({"level": token["level"], "id": token["id"], "title": title})
        flat.extend(_flatten(token.get("children", [])))
    return flat


def _rewrite(
    value: str, is_image: bool, language: str, asset_url: AssetUrl, module_url: ModuleUrl | None
) -> str | None:
    path = resolve(value, language)
    if path is None:
        # Images load without a click, so only assets and plain web addresses may be fetched.
        return value if not is_image or EXTERNAL.match(value) else None
    fragment = "#" + value.split("#", 1)[1] if "#" in value else ""
    if path.startswith("assets/"):
        return asset_url(path.removeprefix("assets/"))
    if is_image:
        return None
    if module_url is not None and path.endswith(".md"):
        url = module_url(path)
        return url + fragment if url else None
    return value
