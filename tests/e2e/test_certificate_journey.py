"""A learner completes a course and downloads the certificate; anyone verifies it signed out; an
admin revokes it, and the public page then says revoked, with the reason."""

import re
import shutil
import subprocess

from playwright.sync_api import expect

from tests.helpers.browser import PASSWORD, answer, screenshot

REASON = "Attribué par erreur : le module final n'a pas été suivi"


def sign_in_as(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))


def complete_quiz_course(page, base: str) -> None:
    page.goto(f"{base}/courses/quiz-course")
    page.locator("form[action$='/enrol'] button").click()
    page.locator("form[action*='/read'] button").click()  # the reading module
    expect(page).to_have_url(re.compile("/modules/evaluation"))
    page.locator("form[action*='/quiz'] button").click()
    answer(page, right=True)
    page.locator("#quiz-form button.primary").click()
    expect(page.locator(".result .done")).to_be_visible()
    page.goto(f"{base}/courses/quiz-course/modules/chrono")
    page.locator("form[action*='/quiz'] button").click()
    for box in page.locator("input[value='true']").all():
        box.check()
    page.locator("#quiz-form button.primary").click()
    expect(page.locator(".result .done")).to_be_visible()


def test_complete_download_verify_revoke(page, browser, live_server, tmp_path):
    sign_in_as(page, live_server, "karim@oriental.ma")
    complete_quiz_course(page, live_server)

    page.locator("nav a[href='/certificates/']").click()
    card = page.locator("article.certificate")
    expect(card).to_have_count(1)
    code = card.get_attribute("data-code")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    screenshot(page, "certificates-mine")
    with page.expect_download() as download_info:
        card.locator("a[href$='.pdf']").click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert code in text
        assert "Karim Benali" in text

    anonymous = browser.new_context(locale="fr-FR")
    public = anonymous.new_page()
    public.goto(f"{live_server}/verify/{code.lower().replace('-', ' ')}")
    expect(public).to_have_url(f"{live_server}/verify/{code}")  # the canonical address
    verdict = public.locator("[data-status]")
    expect(verdict).to_have_attribute("data-status", "valid")
    expect(public.locator("dl.facts")).to_contain_text("Karim Benali")
    expect(public.locator("dl.facts")).to_contain_text("كريم بنعلي")
    screenshot(public, "verify-valid")

    admin_context = browser.new_context(locale="fr-FR")
    admin = admin_context.new_page()
    sign_in_as(admin, live_server, "admin@depomi.ma")
    admin.goto(f"{live_server}/certificates/manage")
    admin.get_by_role("link", name=code).click()
    admin.locator("#reason").fill(REASON)
    admin.locator("form.revoke-form button[type=submit]").click()
    expect(admin.locator("[data-status]")).to_have_attribute("data-status", "revoked")
    admin_context.close()

    public.reload()
    expect(verdict).to_have_attribute("data-status", "revoked")
    expect(public.locator(".verdict .reason")).to_contain_text(REASON)
    screenshot(public, "verify-revoked")
    anonymous.close()
