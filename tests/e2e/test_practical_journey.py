"""Practical work on a 360 px phone: a learner hands in a PDF in Arabic, a trainer reviews it
against the rubric, the learner reads the decision; both pages pass axe and fit the phone."""

import re

from playwright.sync_api import expect

from tests.helpers.accessibility import PHONE, Audit, new_page, sign_in
from tests.helpers.practical import pdf

MODULE = "/courses/practical-course/modules/profil"


def test_hand_in_review_and_read_the_feedback_on_a_phone(browser, live_server, axe_source):
    learner = new_page(browser, viewport=PHONE)
    sign_in(learner, live_server, "amina@souss.ma", "ar")
    learner.goto(f"{live_server}/courses/practical-course")
    learner.locator("form[action$='/enrol'] button").click()
    learner.goto(f"{live_server}{MODULE}")
    expect(learner.locator("form[action*='/read']")).to_have_count(0)
    learner.locator("#work-text").fill("الملمح الهجروي لجماعة أكادير")
    learner.locator("#work-files").set_input_files(
        {"name": "الملمح.pdf", "mimeType": "application/pdf", "buffer": pdf()}
    )
    learner.locator("#work form button.primary").click()
    expect(learner.locator(".work-status")).to_contain_text("في انتظار التقييم")
    audit = Audit(axe_source, "ar")
    audit.check(learner, "practical-learner")

    trainer = new_page(browser, viewport=PHONE)
    sign_in(trainer, live_server, "trainer@depomi.ma", "fr")
    trainer.goto(f"{live_server}/work/review")
    trainer.get_by_role("link", name="Amina Ait Ali").click()
    expect(trainer).to_have_url(re.compile(r"/work/review/\d+$"))
    expect(trainer.locator(".files a")).to_contain_text("الملمح.pdf")
    french = Audit(axe_source, "fr")
    french.check(trainer, "practical-review")
    trainer.locator("input[name='level-donnees'][value='2']").check()
    trainer.locator("input[name='level-projet'][value='1']").check()
    trainer.locator("#feedback").fill("Bon profil ; précisez les sources de 2024.")
    trainer.locator("button[value='pass']").click()
    expect(trainer.locator(".flash-success")).to_be_visible()

    learner.reload()
    expect(learner.locator(".work-status .done")).to_be_visible()
    expect(learner.locator(".feedback")).to_contain_text("précisez les sources")
    expect(learner.locator(".done").first).to_be_visible()
    assert audit.blocking() == {}
    assert french.blocking() == {}
    assert audit.too_wide() == {}
    assert french.too_wide() == {}
    learner.context.close()
    trainer.context.close()
