"""An admin turns on two-factor, signs in again with a code, and imports accounts from a CSV."""

import re
import time

import pyotp
from playwright.sync_api import expect

from tests.helpers.browser import PASSWORD, screenshot

HEADER = "email,name_latin,name_arabic,role,region,province,preferred_language\n"
GOOD = "hajar@souss.ma,Hajar Amrani,هاجر العمراني,learner,souss-massa,tiznit,ar\n"
BAD = "youssef@oriental.ma,Youssef Alami,,learner,atlantis,,fr\n"
FIXED = "youssef@oriental.ma,Youssef Alami,,learner,oriental,,fr\n"


def sign_in_with_password(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill("security@depomi.ma")
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()


def test_admin_enables_two_factor_signs_in_with_a_code_and_imports(page, live_server, tmp_path):
    sign_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto(f"{live_server}/profile")
    page.locator("a[href='/account/two-factor']").click()
    page.locator("form[action='/account/two-factor/start'] button").click()
    expect(page.locator("img.qr")).to_be_visible()
    screenshot(page, "two-factor-enrol-phone")
    secret = page.locator("#totp-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.locator("#code").fill(totp.now())
    page.locator("form[action='/account/two-factor/confirm'] button").click()
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)

    page.locator("form[action='/logout'] button").click()
    expect(page).to_have_url(re.compile("/login$"))
    sign_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile("/login/code$"))
    page.locator("#code").fill(totp.at(time.time() + 30))  # the enrolment spent this step's code
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))

    bad_file = tmp_path / "accounts.csv"
    bad_file.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    page.goto(f"{live_server}/admin/import")
    page.locator("#file").set_input_files(str(bad_file))
    page.locator("button[value=import]").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("atlantis")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("3")
    screenshot(page, "import-errors-phone")
    page.goto(f"{live_server}/admin/users?q=hajar")
    expect(page.locator("#total")).to_contain_text("0")  # nothing was imported

    fixed_file = tmp_path / "accounts-fixed.csv"
    fixed_file.write_text(HEADER + GOOD + FIXED, encoding="utf-8")
    page.goto(f"{live_server}/admin/import")
    page.locator("#file").set_input_files(str(fixed_file))
    page.locator("button[value=import]").click()
    result = page.locator("#import-result")
    expect(result).to_contain_text("hajar@souss.ma")
    expect(result).to_contain_text("youssef@oriental.ma")
    page.goto(f"{live_server}/admin/users?q=hajar")
    expect(page.locator("table")).to_contain_text("هاجر العمراني")
