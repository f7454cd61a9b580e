"""Accessibility and reach: WCAG 2.1 AA with axe-core on the main pages in Arabic and French, a
keyboard-only journey, phones 360 px wide, and a module page without JavaScript.

axe-core comes from the npm registry (package.json; `npm ci` installs it) and is injected into
each page by Playwright, which may bypass the site's CSP to do so. The results of every page
are written to test-artifacts/axe-<language>.json, beside screenshots at phone and desktop
widths; a serious or critical violation fails the test.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.accessibility import Audit, new_page, sign_in
from tests.helpers.browser import PASSWORD


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_main_pages_meet_wcag_aa_and_fit_a_phone(browser, live_server, axe_source, language):
    audit = Audit(axe_source, language)
    base = live_server
    try:
        visitor = new_page(browser, locale="ar-MA" if language == "ar" else "fr-FR")
        visitor.goto(f"{base}/login")
        audit.check(visitor, "login")
        visitor.goto(f"{base}/verify")
        audit.check(visitor, "verify")
        visitor.context.close()

        page = new_page(browser)
        sign_in(page, base, f"lecteur-{language}@depomi.ma", language)
        page.goto(f"{base}/courses")
        audit.check(page, "catalogue")
        page.goto(f"{base}/courses/snia-foundations")
        audit.check(page, "course")
        page.locator("form[action$='/enrol'] button").click()
        expect(page.locator("article.module-text")).to_be_visible()
        audit.check(page, "module")
        page.goto(f"{base}/courses/quiz-course")
        page.locator("form[action$='/enrol'] button").click()
        page.goto(f"{base}/courses/quiz-course/modules/evaluation")
        page.locator("form[action*='/quiz'] button").click()
        expect(page.locator("#quiz-form")).to_be_visible()
        audit.check(page, "quiz-attempt")
        page.locator("#quiz-form button.primary").click()
        expect(page.locator(".result")).to_be_visible()
        audit.check(page, "quiz-result")
        page.goto(f"{base}/")
        audit.check(page, "home")
        page.goto(f"{base}/profile")
        audit.check(page, "profile")
        page.select_option("#province", "berkane")  # a move within the Oriental: a request
        page.locator("form:has(#province) button.primary").click()
        expect(page.locator("#pending-request")).to_be_visible()
        audit.check(page, "profile-pending")
        page.context.close()

        staff = new_page(browser)
        sign_in(staff, base, "a11y-coord@depomi.ma", language)
        staff.goto(f"{base}/coordinate/")
        audit.check(staff, "coordinator-dashboard")
        staff.goto(f"{base}/coordinate/requests/")
        expect(staff.locator(".change-request").first).to_be_visible()
        audit.check(staff, "change-requests")
        staff.goto(f"{base}/results/?by=sex")
        expect(staff.locator("#result-people_trained")).to_be_visible()
        audit.check(staff, "results")
        staff.goto(f"{base}/results/definitions")
        audit.check(staff, "results-definitions")
        staff.context.close()
        staff = new_page(browser)
        sign_in(staff, base, "a11y-admin@depomi.ma", language)
        staff.goto(f"{base}/admin/users")
        audit.check(staff, "admin-users")
        staff.context.close()
    finally:
        audit.save()
    assert audit.blocking() == {}, "serious or critical WCAG 2.1 AA violations"
    assert audit.too_wide() == {}, "pages wider than a 360 px phone (horizontal scrolling)"


def focus_on(page, selector: str, presses: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
    )


def test_sign_in_enrol_and_mark_a_module_read_with_the_keyboard_only(browser, live_server):
    page = new_page(browser)
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    focus_on(page, "#email")
    page.keyboard.type("clavier@depomi.ma")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile("/login"))

    page.goto(f"{live_server}/courses/snia-foundations")
    focus_on(page, "form[action$='/enrol'] button")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("article.module-text")).to_be_visible()
    first_module = page.url
    focus_on(page, "form[action*='/read'] button")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(first_module)
    expect(page.locator("article.module-text")).to_be_visible()
    page.context.close()


def test_a_module_can_be_read_and_marked_read_without_javascript(browser, live_server):
    page = new_page(browser, java_script_enabled=False)
    sign_in(page, live_server, "sansjs@depomi.ma")
    page.goto(f"{live_server}/courses/snia-foundations")
    page.locator("form[action$='/enrol'] button").click()
    article = page.locator("article.module-text")
    expect(article).to_be_visible()
    assert len(article.inner_text()) > 500
    first_module = page.url
    page.locator("form[action*='/read'] button").click()
    expect(page).not_to_have_url(first_module)
    page.goto(first_module)
    expect(page.locator(".module-end .done")).to_be_visible()
    page.context.close()
