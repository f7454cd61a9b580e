"""The editor in a real browser: an uploaded image lands at the cursor, unsaved text survives an
upload with or without JavaScript, the line indicator follows the caret after an insertion, and
the editor and the course-format guide meet WCAG AA in French and Arabic."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.helpers.accessibility import AXE, LANGUAGE_BUTTON, Audit, new_page
from tests.helpers.browser import PASSWORD

MODULE = """---
id: images
title: Des images
duration_minutes: 5
---

# Des images

Premier paragraphe.

Dernier paragraphe.
"""


def png_file(tmp_path, name: str):
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def open_new_module(page, base: str, course: str) -> None:
    """Sign in as the trainer, create a course and its first module: the editor opens."""
    page.goto(f"{base}/login")
    page.locator("#email").fill("trainer@depomi.ma")
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))
    page.goto(f"{base}/author/new")
    page.locator("#course_id").fill(course)
    page.locator("#languages").fill("fr")
    page.locator("#default_language").fill("fr")
    page.locator("#title-fr").fill("Images dans l'éditeur")
    page.locator("#summary-fr").fill("Des images.")
    page.locator("#duration_minutes").fill("5")
    page.locator("form.course-form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/author/{course}/")
    page.locator("#module_id").fill("images")
    page.locator("#title").fill("Des images")
    page.locator("form[action$='/modules'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/files/fr/01-images\.md$"))


def caret_line(page) -> int:
    return page.evaluate(
        "() => { const t = document.getElementById('text');"
        " return t.value.slice(0, t.selectionStart).split('\\n').length; }"
    )


def put_caret_after(page, words: str) -> int:
    """Place the caret right after `words` in the textarea; return its offset."""
    return page.evaluate(
        "(words) => { const t = document.getElementById('text');"
        " const at = t.value.indexOf(words) + words.length;"
        " t.focus(); t.setSelectionRange(at, at); return at; }",
        words,
    )


def test_an_uploaded_image_lands_at_the_cursor_and_the_text_stays(page, live_server, tmp_path):
    open_new_module(page, live_server, "e2e-images-script")
    editor_url = page.url
    page.locator("#text").fill(MODULE + "\nUne phrase pas encore enregistrée.\n")
    at = put_caret_after(page, "Premier paragraphe.")
    page.locator("#image").set_input_files(png_file(tmp_path, "Carte des régions.png"))
    page.locator("button.upload-button").click()
    expect(page.locator(".upload-status")).to_contain_text("assets/carte-des-regions.png")
    assert page.url == editor_url  # no navigation: nothing typed was lost
    markdown = "![Description de l'image](../assets/carte-des-regions.png)"
    text = page.locator("#text").input_value()
    assert text[at : at + len(markdown)] == markdown
    assert "Une phrase pas encore enregistrée." in text
    expect(page.locator(".image-snippets button.insert")).to_have_text(["carte-des-regions.png"])
    expect(page.locator(".cursor-position")).to_contain_text(f"{caret_line(page)},")
    # The image is in the draft: the live preview shows it from the draft's assets.
    expect(page.locator("#preview article.module-text img")).to_have_count(1)


def test_the_line_indicator_follows_the_caret_after_a_snippet(page, live_server):
    open_new_module(page, live_server, "e2e-images-caret")
    page.locator("#text").fill(MODULE)
    put_caret_after(page, "---\nid: images")
    page.locator("#text").press("ArrowLeft")  # a key: the indicator shows line 2
    expect(page.locator(".cursor-position")).to_contain_text(" 2,")
    page.evaluate(
        "() => { const t = document.getElementById('text'); const at = t.value.length;"
        " t.setSelectionRange(at, at); }"
    )
    page.locator("details.snippets summary").first.click()
    page.locator("details.snippets button.insert").first.click()
    line = caret_line(page)
    assert line > 12  # after the inserted question, at the end of the text
    expect(page.locator(".cursor-position")).to_contain_text(f" {line},")


def test_without_javascript_an_upload_keeps_the_unsaved_text(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        open_new_module(page, live_server, "e2e-images-nojs")
        page.locator("#text").fill(MODULE + "\nUne phrase pas encore enregistrée.\n")
        page.locator("#image").set_input_files(png_file(tmp_path, "schema.png"))
        page.locator("button.upload-button").click()
        expect(page.locator(".flash-success")).to_contain_text("assets/schema.png")
        expect(page.locator("#text")).to_have_value(re.compile("Une phrase pas encore enregistrée"))
        expect(page.locator(".image-snippets code")).to_have_text(
            ["![Description de l'image](../assets/schema.png)"]
        )
        page.locator("button[value=save]").click()
        expect(page.locator(".flash-success")).to_be_visible()
        expect(page.locator("#text")).to_have_value(re.compile("Une phrase pas encore enregistrée"))
    finally:
        context.close()


@pytest.fixture(scope="module")
def axe_script() -> str:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` (package.json)")
    return AXE.read_text()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_guide_and_the_editor_meet_wcag_aa(browser, live_server, axe_script, language):
    audit = Audit(axe_script, language)
    page = new_page(browser)
    try:
        open_new_module(page, live_server, f"e2e-a11y-{language}")
        page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.locator("#text").fill(MODULE.replace("title: Des images", 'title: "Des images'))
        expect(page.locator("#preview .finding-error")).to_contain_text("E103")
        audit.check(page, "author-editor")
        page.goto(f"{live_server}/author/guide")
        expect(page.locator("article.guide")).to_have_attribute(
            "dir", "rtl" if language == "ar" else "ltr"
        )
        audit.check(page, "author-guide")
    finally:
        page.get_by_role("button", name=LANGUAGE_BUTTON["fr"]).click()  # the account is shared
        page.context.close()
    assert audit.blocking() == {}
