"""A learner signs in, reads in Arabic, marks a module read, and is offered to continue later."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import screenshot, sign_in


def test_read_in_arabic_mark_read_and_continue_after_signing_in_again(page, live_server):
    sign_in(page, live_server)
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")

    page.goto(f"{live_server}/courses")
    page.locator("a[href='/courses/snia-foundations']").first.click()
    expect(page.locator("h1")).to_contain_text("الاستراتيجية الوطنية")
    screenshot(page, "course-ar-phone")
    page.locator("form[action$='/enrol'] button").click()

    article = page.locator("article.module-text")
    expect(article).to_have_attribute("dir", "rtl")
    expect(article).to_have_attribute("lang", "ar")
    first_module = page.url
    screenshot(page, "module-ar-phone")
    page.locator("form[action*='/read'] button").click()
    second_module = page.url
    assert second_module != first_module
    assert "/modules/test-initial" in second_module  # the pre-test comes next

    page.locator("form[action='/logout'] button").click()
    expect(page).to_have_url(re.compile("/login$"))

    sign_in(page, live_server)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")  # the choice is remembered
    resume = page.locator("section.continue a.button")
    expect(resume).to_have_attribute("href", re.compile("/modules/test-initial$"))
    screenshot(page, "home-continue-ar-phone")
    resume.click()
    expect(page).to_have_url(re.compile("/modules/test-initial$"))
