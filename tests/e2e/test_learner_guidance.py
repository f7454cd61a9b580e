"""What guides a learner through courses, in a real browser: prerequisites that refuse
enrolment with a way forward, the content language that stays the one chosen, quiz results that
say in words which choice was theirs and which was right, and where they are in a course, on a
360 px phone in Arabic.

The app runs on a server of its own with the course that has a prerequisite.
"""

import re
import threading
from collections.abc import Iterator

import flask_migrate
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from tests.helpers.browser import PASSWORD, ROOT, screenshot

LEARNERS = ("prerequis@depomi.ma", "langue@depomi.ma", "resultat@depomi.ma", "place@depomi.ma")
SIGN_IN_BUTTON = "form:not(.languages) button[type=submit]"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("guidance")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'guidance.sqlite3'}",
        BABEL_DEFAULT_LOCALE="fr",
        TWO_FACTOR_REQUIRED_ROLES=(),
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        for course in ("courses/snia-foundations", "courses/acces-droits-services"):
            results, findings = import_tree(ROOT / course)
            assert results, findings
        import_tree(ROOT / "tests" / "fixtures" / "quiz-course")
        for email in LEARNERS:
            create_user(
                UserFields(
                    email=email,
                    name_latin="Sara Guide",
                    name_arabic="سارة",
                    password=PASSWORD,
                    preferred_language="fr",
                )
            )
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def phone(browser) -> Iterator[object]:
    """A 360 px wide phone, the narrowest the programme's learners use."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, base: str, email: str, *, pick: str | None = None) -> None:
    page.goto(f"{base}/login")
    if pick:
        page.get_by_role("button", name=pick).click()
        expect(page).to_have_url(re.compile("/login$"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator(SIGN_IN_BUTTON).click()
    expect(page).not_to_have_url(re.compile("/login$"))


def test_prerequisite_refuses_enrolment_and_leads_to_the_course_to_take_first(page, base):
    sign_in(page, base, "prerequis@depomi.ma")
    page.goto(f"{base}/courses")
    card = page.locator(
        "li.course-card", has=page.locator("a[href='/courses/acces-droits-services']")
    )
    expect(card.locator(".prerequisites")).to_contain_text("pas encore terminé")

    page.goto(f"{base}/courses/acces-droits-services")
    section = page.locator("#prerequisites")
    expect(section).to_be_visible()
    expect(section.locator(".badge")).to_have_text("Pas encore terminé")
    expect(page.locator("form[action*='/enrol']")).to_have_count(0)
    expect(page.locator(".actions .refusal")).to_be_visible()

    # A form from an older page (or another tab) is refused by the server, with the reason.
    page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/courses/acces-droits-services/enrol";
            const token = document.querySelector("input[name=csrf_token]").cloneNode();
            form.appendChild(token);
            document.body.appendChild(form);
            form.submit();
        }"""
    )
    expect(page).to_have_url(re.compile("/courses/acces-droits-services#prerequisites$"))
    expect(page.locator(".flash-error")).to_contain_text("Vous ne pouvez pas encore vous inscrire")
    screenshot(page, "prerequisite-refused-phone")

    section.locator("a[href='/courses/snia-foundations']").click()
    expect(page).to_have_url(re.compile("/courses/snia-foundations$"))
    expect(page.locator("form[action*='/enrol'] button")).to_be_visible()


def test_the_chosen_languages_are_kept(page, base):
    # The interface language picked on the sign-in page survives signing in.
    sign_in(page, base, "langue@depomi.ma", pick="العربية")
    expect(page.locator("html")).to_have_attribute("lang", "ar")

    # Enrolling from the French page of the course opens its first module in French.
    page.goto(f"{base}/courses/snia-foundations?lang=fr")
    page.locator("form[action*='/enrol'] button").click()
    article = page.locator("article.module-text")
    expect(article).to_have_attribute("lang", "fr")
    languages = page.locator("nav.content-languages")
    expect(languages.locator("a[aria-current=page]")).to_have_attribute("lang", "fr")
    languages.locator("a[lang=ar]").click()  # "read in Arabic"
    expect(article).to_have_attribute("lang", "ar")

    # Back to the module from a quiz result returns to the language of the quiz.
    page.goto(f"{base}/courses/quiz-course")
    page.locator("form[action*='/enrol'] button").click()
    page.goto(f"{base}/courses/quiz-course/modules/evaluation?lang=fr")
    page.locator("form[action*='/quiz'] button").click()
    page.locator("#quiz-form button.primary").click()
    expect(page.locator(".result")).to_be_visible()
    page.locator(".result a.button").first.click()
    expect(page).to_have_url(re.compile("/modules/evaluation\\?lang=fr$"))
    expect(page.locator("article.module-text")).to_have_attribute("lang", "fr")


def test_quiz_result_says_which_choice_was_yours_and_which_was_right(phone, base):
    sign_in(phone, base, "resultat@depomi.ma", pick="العربية")
    phone.goto(f"{base}/courses/quiz-course")
    phone.locator("form[action*='/enrol'] button").click()
    phone.goto(f"{base}/courses/quiz-course/modules/evaluation?lang=ar")
    phone.locator("form[action*='/quiz'] button").click()
    # A long option must wrap beside its radio button, not fall below it.
    label = phone.locator("label[for='q-q-single-b']")
    label.evaluate("l => l.textContent = 'خيار طويل جدا '.repeat(12)")
    radio = phone.locator("#q-q-single-b").bounding_box()
    text = label.bounding_box()
    assert text["y"] < radio["y"] + radio["height"], (radio, text)
    assert text["x"] + text["width"] <= radio["x"] + 1, (radio, text)  # beside it, right to left
    phone.locator("#q-q-single-b").check()
    phone.locator("#quiz-form button.primary").click()

    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    wrong = phone.locator("article.question li.wrong")
    expect(wrong).to_have_count(1)
    expect(wrong.locator(".tag-chosen")).to_be_visible()
    expect(wrong.locator(".tag-chosen")).to_have_text("اختيارك")
    expect(wrong.locator(".tag-wrong")).to_have_text("غير صحيح")
    expect(wrong).to_contain_text("Option B ar")
    right = phone.locator("li.right", has_text="Option A ar")
    expect(right.locator(".tag-right")).to_be_visible()
    expect(right.locator(".tag-right")).to_have_text("الإجابة الصحيحة")
    expect(right.locator(".tag-chosen")).to_have_count(0)
    # The mark sits at the start of the line, on the right in Arabic.
    mark, body = right.locator(".mark").bounding_box(), right.locator(".option-text").bounding_box()
    assert mark["x"] > body["x"], (mark, body)
    screenshot(phone, "quiz-result-marks-ar-360")


def test_module_page_shows_where_the_learner_is_at_360px_in_arabic(phone, base):
    sign_in(phone, base, "place@depomi.ma", pick="العربية")
    phone.goto(f"{base}/courses/snia-foundations")
    phone.locator("form[action*='/enrol'] button").click()
    phone.locator("form[action*='/read'] button").click()
    expect(phone.locator(".module-position")).to_have_text(re.compile(r"^الوحدة 2 من أصل \d+"))
    bar = phone.locator(".module-progress progress")
    expect(bar).to_be_visible()
    assert int(bar.get_attribute("value")) > 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width  # nothing pushes the page sideways
    screenshot(phone, "module-progress-ar-360")

    phone.goto(f"{base}/courses")
    card = phone.locator("li.course-card", has=phone.locator("a[href='/courses/snia-foundations']"))
    expect(card.locator(".standing progress")).to_be_visible()
    summary = card.locator(".summary")
    shown, whole, line = summary.evaluate(
        "s => [s.clientHeight, s.scrollHeight, parseFloat(getComputedStyle(s).lineHeight)]"
    )
    assert whole > shown, (whole, shown)  # the summary is longer than what the card shows
    assert round(shown / line) == 3, (shown, line)
