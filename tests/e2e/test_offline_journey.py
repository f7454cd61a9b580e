"""Offline on a phone: download a course, read and answer with the network cut, sync once.

Service workers need a real origin: the app runs on http://127.0.0.1 (a secure context) from
conftest's live server. The network is cut with Playwright's offline mode; the worker's own
requests are cut too (Chromium does not apply the page's offline mode to a service worker).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD

COURSE = "offline-course"
OWNER, NEIGHBOUR = "hors-ligne@depomi.ma", "voisin@depomi.ma"


def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", service_workers="allow"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def cut_network(context, offline: bool) -> None:
    def drop_worker_requests(route):
        if route.request.service_worker is not None:
            return route.abort("internetdisconnected")
        return route.fallback()

    context.set_offline(offline)
    if offline:
        context.route("**/*", drop_worker_requests)
    else:
        context.unroute("**/*")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))


def enrol_and_download(page, base: str) -> None:
    page.goto(f"{base}/courses/{COURSE}?lang=fr")
    enrol = page.locator("form[action$='/enrol'] button")
    if enrol.count():
        enrol.click()
        page.goto(f"{base}/courses/{COURSE}?lang=fr")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    panel = page.locator("#offline-course")
    button = panel.get_by_role("button", name=re.compile("Télécharger"))
    expect(button).to_contain_text("Ko")  # the size, before downloading
    button.click()
    expect(panel).to_contain_text("Ce cours est sur ce téléphone")
    expect(panel.get_by_role("button", name="Retirer")).to_be_visible()


def module_url(base: str, key: str) -> str:
    return f"{base}/courses/{COURSE}/modules/{key}?lang=fr"


def personal_caches(page) -> list[str]:
    return page.evaluate("caches.keys().then(k => k.filter(n => n.startsWith('depomi-u-')))")


def test_read_mark_and_answer_offline_then_sync_exactly_once(browser, live_server):
    context, page = phone(browser)
    sign_in(page, live_server, OWNER)
    enrol_and_download(page, live_server)

    cut_network(context, True)
    for key in ("un", "deux"):
        page.goto(module_url(live_server, key))
        expect(page.locator("#offline-copy")).to_contain_text("Copie hors ligne du")
        page.get_by_role("button", name="Marquer comme lu").click()
        expect(page.locator(".module-end")).to_contain_text("Marqué comme lu sur ce téléphone")
    page.goto(module_url(live_server, "trois"))
    expect(page.locator("article.module-text")).to_contain_text("Texte du module trois")
    # Links to pages that are not on the phone say so.
    expect(page.locator("nav a.needs-connection[href='/certificates/']")).to_contain_text(
        "nécessite une connexion"
    )
    page.goto(module_url(live_server, "finale"))
    page.get_by_role("button", name="Commencer le quiz").click()
    expect(page.locator(".quiz-panel")).to_contain_text("Ce quiz nécessite une connexion")

    page.goto(module_url(live_server, "pratique"))
    page.get_by_role("button", name="Commencer le quiz").click()
    expect(page).to_have_url(re.compile("/offline/courses/offline-course/modules/pratique/quiz"))
    page.locator("label[for='q-p-un-false']").click()  # wrong on purpose: not passed
    page.locator("label[for='q-p-deux-b']").click()
    page.get_by_role("button", name="Valider mes réponses").click()
    status = page.locator(".offline-quiz-status")
    expect(status).to_contain_text("Réponses enregistrées, corrigées dès que vous serez connecté")

    page.reload()
    expect(page.locator("#offline-copy")).to_be_visible()
    expect(page.locator("#offline-pending")).to_contain_text("en attente d'envoi : 3")
    queued = page.evaluate("DepomiStore.currentUser().then(u => DepomiStore.pending(u))")
    assert sorted(item["kind"] for item in queued) == ["quiz", "read", "read"]
    assert all(len(item["id"]) == 36 for item in queued)
    assert "correct" not in page.content().lower()  # no answer key on the phone

    cut_network(context, False)
    page.goto(f"{live_server}/courses/{COURSE}?lang=fr")
    page.wait_for_function(
        "DepomiStore.currentUser().then(u => DepomiStore.pending(u)).then(q => !q.length)",
        polling=200,
    )
    grade = page.locator("p.offline-banner[id^='offline-grade-']")
    expect(grade).to_contain_text("Corrigé : 0 %. Non réussi.")
    grade.get_by_role("link", name="Voir le résultat").click()
    expect(page.locator("h1")).to_contain_text("Résultat")
    page.goto(f"{live_server}/courses/{COURSE}?lang=fr")
    expect(page.locator("p.progress-text")).to_have_text("Modules terminés : 2 sur 6")

    # The same queue sent again, from two tabs at once and once more: nothing changes.
    second = context.new_page()
    second.goto(f"{live_server}/courses/{COURSE}?lang=fr")
    replay = """items => fetch('/offline/session').then(r => r.json()).then(s =>
        fetch('/offline/sync', {method: 'POST', headers: {'Content-Type': 'application/json',
        'X-CSRFToken': s.csrf_token}, body: JSON.stringify({items})}).then(r => r.json()))"""
    first_tab = page.evaluate_handle(replay, queued)
    second_tab = second.evaluate(replay, queued)
    answers = [first_tab.json_value(), second_tab, page.evaluate(replay, queued)]
    assert answers[0] == answers[1] == answers[2]
    statuses = sorted(result["status"] for result in answers[0]["results"])
    assert statuses == ["graded", "recorded", "recorded"]

    page.goto(f"{live_server}/courses/{COURSE}?lang=fr")
    expect(page.locator("p.progress-text")).to_have_text("Modules terminés : 2 sur 6")
    page.goto(module_url(live_server, "pratique"))
    attempts = page.locator(".quiz-panel tbody tr")
    expect(attempts).to_have_count(1)
    expect(attempts.first).to_contain_text("Non réussi")
    context.close()


@pytest.mark.parametrize("how", ["signs out", "session ends"])
def test_someone_else_on_the_same_phone_never_sees_the_first_persons_pages(
    browser, live_server, how
):
    context, page = phone(browser)
    sign_in(page, live_server, OWNER)
    enrol_and_download(page, live_server)
    assert personal_caches(page)
    if how == "signs out":
        page.locator("form[action='/logout'] button").click()
        expect(page).to_have_url(re.compile("/login"))
        assert personal_caches(page) == []  # signing out clears the personal copies
    else:
        context.clear_cookies()  # the session ended; the copies stay until someone else signs in
        page.goto(f"{live_server}/login")
        assert personal_caches(page)

    sign_in(page, live_server, NEIGHBOUR)
    page.goto(f"{live_server}/courses")
    assert personal_caches(page) == []
    cut_network(context, True)
    try:
        page.goto(module_url(live_server, "un"))
        shown = page.content()
    except Exception as error:  # the browser's own "no connection" page
        shown = str(error)
    assert "Texte du module un" not in shown
    assert "Nora" not in shown
    context.close()


def test_work_queued_when_the_session_ended_is_sent_after_signing_in(browser, live_server):
    context, page = phone(browser)
    sign_in(page, live_server, OWNER)
    enrol_and_download(page, live_server)
    cut_network(context, True)
    page.goto(module_url(live_server, "cinq"))
    page.get_by_role("button", name="Marquer comme lu").click()
    expect(page.locator(".module-end")).to_contain_text("Marqué comme lu sur ce téléphone")

    context.clear_cookies()  # the session ended meanwhile
    cut_network(context, False)
    page.goto(f"{live_server}/courses")
    pending = page.locator("#offline-pending")
    expect(pending).to_contain_text("en attente d'envoi : 1")
    expect(pending).to_contain_text("Connectez-vous pour envoyer")
    pending.get_by_role("link").click()
    page.locator("#email").fill(OWNER)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))
    page.wait_for_function(
        "DepomiStore.currentUser().then(u => DepomiStore.pending(u)).then(q => !q.length)",
        polling=200,
    )
    page.goto(module_url(live_server, "cinq"))
    expect(page.locator(".module-end .done").first).to_contain_text("Vous avez terminé ce module")
    context.close()
