"""A trainer writes a course in French and Arabic in the browser, meets a validation error as
they type, fixes it, publishes; a learner takes the quiz; the trainer reads the statistics."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import PASSWORD, screenshot

COURSE = "e2e-migrations-locales"
MODULE_FR = """---
id: evaluation
title: Les acteurs locaux
duration_minutes: 10
quiz:
  pass_mark: 50
---

# Les acteurs locaux

La **commune** accueille et oriente les personnes migrantes.

```quiz
id: acteur-accueil
type: single
prompt: Qui accueille et oriente en premier ?
options:
  - id: a
    text: La commune
    correct: true
    feedback: Oui, au plus près des personnes.
  - id: b
    text: Le ministère
    correct: true
explanation: La commune est la porte d'entrée.
```
"""
FIXED_FR = MODULE_FR.replace(
    "    text: Le ministère\n    correct: true\n", "    text: Le ministère\n"
)
TRANSLATIONS = {
    "Les acteurs locaux": "الفاعلون المحليون",
    "La **commune** accueille et oriente les personnes migrantes.":
        "**الجماعة** تستقبل المهاجرين وتوجههم.",
    "Qui accueille et oriente en premier ?": "من يستقبل ويوجه أولا؟",
    "La commune": "الجماعة",
    "Le ministère": "الوزارة",
    "Oui, au plus près des personnes.": "نعم، الأقرب إلى الناس.",
    "La commune est la porte d'entrée.": "الجماعة هي باب الدخول.",
}  # fmt: skip


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))


def create_course(page, base: str) -> None:
    page.goto(f"{base}/author/")
    page.locator("a[href='/author/new']").click()
    page.locator("#course_id").fill(COURSE)
    page.locator("#languages").fill("fr, ar")
    page.locator("#default_language").fill("fr")
    page.locator("#title-fr").fill("Les migrations dans la commune")
    page.locator("#title-ar").fill("الهجرة في الجماعة")
    page.locator("#summary-fr").fill("Accueillir et orienter.")
    page.locator("#summary-ar").fill("الاستقبال والتوجيه.")
    page.locator("#duration_minutes").fill("20")
    page.locator("form.course-form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/author/{COURSE}/")


def write_module_with_an_error_then_fix_it(page) -> None:
    page.locator("#module_id").fill("evaluation")
    page.locator("#title").fill("Les acteurs locaux")
    page.locator("form[action$='/modules'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/files/fr/01-evaluation\.md$"))
    page.locator("#text").fill(MODULE_FR)
    error = page.locator("#preview .finding-error").filter(has_text="E211")
    expect(error).to_be_visible()  # found as the trainer types, at its line
    screenshot(page, "trainer-editor-error")
    error.locator("button.goto").click()
    assert page.evaluate("document.activeElement.id") == "text"
    page.locator("#text").fill(FIXED_FR)
    expect(page.locator("#preview")).not_to_contain_text("E211")
    expect(page.locator("#preview .answer-key")).to_contain_text("La commune")
    expect(page.locator("#preview article.module-text strong")).to_have_text("commune")
    page.locator("button[value=save]").click()
    expect(page.locator(".flash-success")).to_be_visible()


def translate_into_arabic(page) -> None:
    page.locator("a[href$='/author/" + COURSE + "/']").first.click()
    page.locator("form[action$='/modules/evaluation/translations'] button").click()
    expect(page).to_have_url(re.compile(r"/files/ar/01-evaluation\.md$"))
    expect(page.locator("#text")).to_have_attribute("dir", "rtl")
    expect(page.locator(".pane.original textarea")).to_have_attribute("dir", "ltr")
    text = page.locator("#text").input_value()
    for french, arabic in sorted(TRANSLATIONS.items(), key=lambda item: -len(item[0])):
        text = text.replace(french, arabic)
    page.locator("#text").fill(text)
    expect(page.locator("#preview article.module-text")).to_have_attribute("dir", "rtl")
    expect(page.locator("#preview article.module-text h1")).to_have_text("الفاعلون المحليون")
    screenshot(page, "trainer-editor-arabic")
    page.locator("button[value=save]").click()
    expect(page.locator(".flash-success")).to_be_visible()


def test_trainer_writes_publishes_and_reads_the_statistics(browser, live_server):
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    trainer = desk.new_page()
    trainer.set_default_timeout(15_000)
    sign_in(trainer, live_server, "trainer@depomi.ma")
    create_course(trainer, live_server)
    write_module_with_an_error_then_fix_it(trainer)
    translate_into_arabic(trainer)

    trainer.goto(f"{live_server}/author/{COURSE}/")
    expect(trainer.locator(".status")).not_to_contain_text("E303")
    screenshot(trainer, "trainer-course-draft")
    trainer.locator("form[action$='/publish'] button").click()
    expect(trainer.locator(".flash-success")).to_be_visible()
    expect(trainer.locator(".status")).to_contain_text("1")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    learner = phone.new_page()
    learner.set_default_timeout(15_000)
    sign_in(learner, live_server, "amina@souss.ma")
    learner.goto(f"{live_server}/courses/{COURSE}")
    learner.locator("form[action$='/enrol'] button").click()
    expect(learner.locator("article.module-text")).to_contain_text(re.compile("commune|الجماعة"))
    learner.locator("form[action*='/quiz'] button").click()
    assert "La commune est la porte" not in learner.content()  # no answer before submitting
    learner.locator("#q-acteur-accueil-a").check()
    learner.locator("#quiz-form button.primary").click()
    expect(learner.locator(".result .done")).to_be_visible()
    phone.close()

    trainer.goto(f"{live_server}/author/{COURSE}/statistics")
    row = trainer.locator("tr[data-question='acteur-accueil']")
    expect(row.locator("td.number").first).to_have_text("1")
    expect(row.locator("[data-option='a']")).to_have_text("1")
    screenshot(trainer, "trainer-statistics")
    desk.close()
