"""A learner takes a quiz in Arabic, fails, reads the feedback, retakes, passes, completes."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import answer, screenshot, sign_in

RIGHT = {"q-single": "a", "q-true-false": "false"}


def test_fail_then_pass_a_quiz_in_arabic_and_complete_the_course(page, live_server):
    sign_in(page, live_server)
    page.get_by_role("button", name="العربية").click()
    page.goto(f"{live_server}/courses/quiz-course")
    page.locator("form[action$='/enrol'] button").click()
    page.locator("form[action*='/read'] button").click()  # the reading module

    expect(page).to_have_url(re.compile("/modules/evaluation"))
    page.locator("form[action*='/quiz'] button").click()
    expect(page.locator("fieldset.question").first).to_have_attribute("dir", "rtl")
    assert "SECRET" not in page.content()
    answer(page, right=False)
    expect(page.locator(".save-status")).not_to_be_empty()  # autosaved as the learner went
    screenshot(page, "quiz-ar-phone")
    page.locator("#quiz-form button.primary").click()

    expect(page.locator(".result")).to_contain_text("0")
    expect(page.locator("article.question").first).to_contain_text("SECRET-EXPLANATION")
    expect(page.locator(".feedback").first).to_be_visible()
    screenshot(page, "quiz-result-failed-ar-phone")

    page.locator(".result a.button").first.click()  # back to the module
    page.locator("form[action*='/quiz'] button").click()
    answer(page, right=True)
    page.locator("#quiz-form button.primary").click()
    expect(page.locator(".result .done")).to_be_visible()

    page.goto(f"{live_server}/courses/quiz-course/modules/chrono")
    page.locator("form[action*='/quiz'] button").click()
    expect(page.locator(".countdown")).to_be_visible()
    for box in page.locator("input[value='true']").all():
        box.check()
    page.locator("#quiz-form button.primary").click()
    expect(page.locator(".result .done")).to_be_visible()

    page.goto(f"{live_server}/courses/quiz-course")
    expect(page.locator(".actions .done")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "100")
    screenshot(page, "course-complete-ar-phone")
