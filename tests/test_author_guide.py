"""The course-format guide in the browser: French and Arabic, stable anchors, one per code."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale

from depomi_learn.authoring.guide import GUIDE_LANGUAGES, guide_path, load_guide, section_of
from depomi_learn.content.codes import CODES
from depomi_learn.models import Role
from tests.helpers.authoring import COURSE, import_course, make_author, module_file, post
from tests.helpers.people import csrf_token

IDS = re.compile(r'\sid="([^"]+)"')


def choose_language(client, language: str) -> None:
    client.post(
        "/language",
        data={"language": language, "next": "/", "csrf_token": csrf_token(client, "/author/")},
    )


@pytest.fixture
def trainer(app, auth) -> int:
    return auth.as_role(Role.TRAINER, region=None)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_finding_code_links_to_an_anchor_of_the_guide(app, client, trainer, language):
    choose_language(client, language)
    page = client.get(f"/author/guide?lang={language}")
    assert page.status_code == 200
    anchors = set(IDS.findall(page.get_data(as_text=True)))
    with app.test_request_context(), force_locale(language):
        links = {code: app.jinja_env.globals["guide_url"](code) for code in CODES}
    for code, link in links.items():
        parts = urlsplit(link)
        assert parts.path == "/author/guide"
        assert parse_qs(parts.query) == {"lang": [language]}, (code, link)
        assert parts.fragment in anchors, (code, link)


def test_the_sections_have_the_same_anchors_in_every_language():
    english = [anchor for anchor, _title in load_guide("en").sections]
    assert len(english) == 14
    for language in GUIDE_LANGUAGES:
        assert [anchor for anchor, _title in load_guide(language).sections] == english
        assert guide_path(language).exists()
    assert {section_of(code) for code in CODES} <= set(english)


def test_the_arabic_guide_is_right_to_left_and_in_arabic(client, trainer):
    choose_language(client, "ar")
    html = client.get("/author/guide").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article class="module-text guide" lang="ar" dir="rtl">' in html
    assert '<h2 id="module-file">ملف الوحدة</h2>' in html
    assert "<h1>صيغة الدورات</h1>" in html
    assert '<code dir="ltr">course.yaml</code>' in html
    assert '<pre dir="ltr">' in html  # YAML examples stay left to right
    assert "<script" not in html.split("<article", 1)[1].split("</article>", 1)[0]


def test_the_french_guide_follows_the_interface_language(client, trainer):
    choose_language(client, "fr")
    html = client.get("/author/guide").get_data(as_text=True)
    assert '<h2 id="question-types">Les types de questions</h2>' in html
    english = client.get("/author/guide?lang=en").get_data(as_text=True)
    assert '<h2 id="question-types">Question types</h2>' in english


def test_only_authors_read_the_guide(client, auth):
    assert client.get("/author/guide").status_code == 302  # to sign in
    auth.as_role(Role.LEARNER)
    assert client.get("/author/guide").status_code == 403


def test_the_editor_shows_arabic_findings_with_a_link_to_their_section(app, client, trainer):
    import_course(app)
    make_author(app, COURSE, trainer)
    assert post(client, f"/author/{COURSE}/draft").status_code == 302
    choose_language(client, "ar")
    text = module_file(
        "evaluation",
        "Évaluation",
        "```quiz\nid: q-single\ntype: single\nprompt: Laquelle ?\noptions:\n"
        "  - id: a\n    text: A\n    correct: true\n"
        "  - id: b\n    text: B\n    correct: true\n```\n",
    )
    response = post(
        client, f"/author/{COURSE}/preview", {"path": "fr/02-evaluation.md", "text": text}
    )
    html = response.get_json()["html"]
    assert "E211" in html
    assert "يتطلب الاختيار الواحد خيارًا صحيحًا واحدًا" in html
    assert "single choice needs" not in html
    assert "course-format.md" not in html
    assert 'href="/author/guide?lang=ar#question-types"' in html
