"""Offline on a phone: download a course, read and answer with the network cut, sync once.

Service workers need a real origin: the app runs on http://127.0.0.1 (a secure context), on a
server of its own so that the tests can count rows and publish a new version meanwhile. The
network is cut with Playwright's offline mode, and the worker's own requests with it.
"""

import re
import shutil
import threading
import time
from collections.abc import Iterator

import flask_migrate
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import ModuleProgress, OfflineSubmission, QuizAttempt, User
from tests.helpers.browser import PASSWORD, ROOT

COURSE = "offline-course"
OWNER, NEIGHBOUR = "hors-ligne@depomi.ma", "voisin@depomi.ma"
QUEUE_SENT = "DepomiStore.currentUser().then(u => DepomiStore.pending(u)).then(q => !q.length)"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple]:
    """Serve the app with the offline course and two people who share one phone."""
    folder = tmp_path_factory.mktemp("offline")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'offline.sqlite3'}",
        BABEL_DEFAULT_LOCALE="fr",
        TWO_FACTOR_REQUIRED_ROLES=(),
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        import_tree(ROOT / "tests" / "fixtures" / COURSE)
        for email, name in ((OWNER, "Nora Horsligne"), (NEIGHBOUR, "Ali Voisin")):
            create_user(UserFields(email=email, name_latin=name, password=PASSWORD))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.port}", folder
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def rows(app, email: str) -> tuple[int, int, int]:
    """Return the person's completed modules, graded attempts and accepted offline items."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        count = sa.select(sa.func.count())
        return (
            db.session.scalar(
                count.select_from(ModuleProgress).where(
                    ModuleProgress.user_id == user_id, ModuleProgress.completed_at.is_not(None)
                )
            ),
            db.session.scalar(
                count.select_from(QuizAttempt).where(
                    QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_not(None)
                )
            ),
            db.session.scalar(
                count.select_from(OfflineSubmission).where(OfflineSubmission.user_id == user_id)
            ),
        )


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


def wait_until(page, promise: str, seconds: float = 15) -> None:
    """Wait until the page's `promise` expression resolves to a true value."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(promise):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {promise}"
        page.wait_for_timeout(200)


def module_url(base: str, key: str) -> str:
    return f"{base}/courses/{COURSE}/modules/{key}?lang=fr"


def personal_caches(page) -> list[str]:
    return page.evaluate("caches.keys().then(k => k.filter(n => n.startsWith('depomi-u-')))")


def test_read_mark_and_answer_offline_then_sync_exactly_once(browser, served):
    app, base, _folder = served
    context, page = phone(browser)
    sign_in(page, base, OWNER)
    enrol_and_download(page, base)

    cut_network(context, True)
    for key in ("un", "deux"):
        page.goto(module_url(base, key))
        expect(page.locator("#offline-copy")).to_contain_text("Copie hors ligne du")
        page.get_by_role("button", name="Marquer comme lu").click()
        expect(page.locator(".module-end")).to_contain_text("Marqué comme lu sur ce téléphone")
    page.goto(module_url(base, "trois"))
    expect(page.locator("article.module-text")).to_contain_text("Texte du module trois")
    # Links to pages that are not on the phone say so.
    expect(page.locator("nav a.needs-connection[href='/certificates/']")).to_contain_text(
        "nécessite une connexion"
    )
    page.goto(module_url(base, "finale"))
    page.get_by_role("button", name="Commencer le quiz").click()
    expect(page.locator(".quiz-panel")).to_contain_text("Ce quiz nécessite une connexion")

    page.goto(module_url(base, "pratique"))
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
    page.goto(f"{base}/courses/{COURSE}?lang=fr")
    wait_until(
        page, "DepomiStore.currentUser().then(u => DepomiStore.pending(u)).then(q => !q.length)"
    )
    assert rows(app, OWNER) == (2, 1, 3)  # two lessons read, one graded attempt
    grade = page.locator("p.offline-banner[id^='offline-grade-']")
    expect(grade).to_contain_text("Corrigé : 0 %. Non réussi.")
    grade.get_by_role("link", name="Voir le résultat").click()
    expect(page.locator("h1")).to_contain_text("Résultat")
    page.goto(f"{base}/courses/{COURSE}?lang=fr")
    expect(page.locator("p.progress-text")).to_have_text("Modules terminés : 2 sur 6")

    # The same queue sent again, from two tabs at once and once more: nothing changes.
    second = context.new_page()
    second.goto(f"{base}/courses/{COURSE}?lang=fr")
    replay = """items => fetch('/offline/session').then(r => r.json()).then(s =>
        fetch('/offline/sync', {method: 'POST', headers: {'Content-Type': 'application/json',
        'X-CSRFToken': s.csrf_token}, body: JSON.stringify({items})}).then(r => r.json()))"""
    first_tab = page.evaluate_handle(replay, queued)
    second_tab = second.evaluate(replay, queued)
    answers = [first_tab.json_value(), second_tab, page.evaluate(replay, queued)]
    assert answers[0] == answers[1] == answers[2]
    statuses = sorted(result["status"] for result in answers[0]["results"])
    assert statuses == ["graded", "recorded", "recorded"]
    assert rows(app, OWNER) == (2, 1, 3)

    page.goto(f"{base}/courses/{COURSE}?lang=fr")
    expect(page.locator("p.progress-text")).to_have_text("Modules terminés : 2 sur 6")
    page.goto(module_url(base, "pratique"))
    attempts = page.locator(".quiz-panel tbody tr")
    expect(attempts).to_have_count(1)
    expect(attempts.first).to_contain_text("Non réussi")
    context.close()


@pytest.mark.parametrize("how", ["signs out", "session ends"])
def test_someone_else_on_the_same_phone_never_sees_the_first_persons_pages(browser, served, how):
    _app, base, _folder = served
    context, page = phone(browser)
    sign_in(page, base, OWNER)
    enrol_and_download(page, base)
    assert personal_caches(page)
    if how == "signs out":
        page.locator("form[action='/logout'] button").click()
        expect(page).to_have_url(re.compile("/login"))
        assert personal_caches(page) == []  # signing out clears the personal copies
    else:
        context.clear_cookies()  # the session ended; the copies stay until someone else signs in
        page.goto(f"{base}/login")
        assert personal_caches(page)

    sign_in(page, base, NEIGHBOUR)
    page.goto(f"{base}/courses")
    assert personal_caches(page) == []
    cut_network(context, True)
    try:
        page.goto(module_url(base, "un"))
        shown = page.content()
    except Exception as error:  # the browser's own "no connection" page
        shown = str(error)
    assert "Texte du module un" not in shown
    assert "Nora" not in shown
    context.close()


def test_work_queued_when_the_session_ended_is_sent_after_signing_in(browser, served):
    app, base, _folder = served
    context, page = phone(browser)
    sign_in(page, base, OWNER)
    enrol_and_download(page, base)
    completed = rows(app, OWNER)[0]
    cut_network(context, True)
    page.goto(module_url(base, "cinq"))
    page.get_by_role("button", name="Marquer comme lu").click()
    expect(page.locator(".module-end")).to_contain_text("Marqué comme lu sur ce téléphone")

    context.clear_cookies()  # the session ended meanwhile
    cut_network(context, False)
    page.goto(f"{base}/courses")
    pending = page.locator("#offline-pending")
    expect(pending).to_contain_text("en attente d'envoi : 1")
    expect(pending).to_contain_text("Connectez-vous pour envoyer")
    pending.get_by_role("link").click()
    page.locator("#email").fill(OWNER)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))
    wait_until(
        page, "DepomiStore.currentUser().then(u => DepomiStore.pending(u)).then(q => !q.length)"
    )
    page.goto(module_url(base, "cinq"))
    expect(page.locator(".module-end .done").first).to_contain_text("Vous avez terminé ce module")
    assert rows(app, OWNER)[0] == completed + 1
    context.close()


def test_a_new_version_replaces_the_copy_at_the_next_connection(browser, served):
    app, base, folder = served
    context, page = phone(browser)
    sign_in(page, base, NEIGHBOUR)
    enrol_and_download(page, base)

    edited = folder / "v2" / COURSE
    shutil.copytree(ROOT / "tests" / "fixtures" / COURSE, edited)
    lesson = edited / "fr" / "03-trois.md"
    lesson.write_text(lesson.read_text("utf-8") + "\nParagraphe de la nouvelle version.\n", "utf-8")
    with app.app_context():
        import_tree(edited)
        db.session.commit()

    cut_network(context, True)
    cut_network(context, False)  # the connection returns
    notice = page.locator(f"#offline-update-{COURSE}")
    expect(notice).to_contain_text("Votre copie hors ligne de « Cours hors ligne » est à jour")
    cut_network(context, True)
    page.goto(module_url(base, "trois"))
    expect(page.locator("#offline-copy")).to_be_visible()
    expect(page.locator("article.module-text")).to_contain_text("Paragraphe de la nouvelle version")

    cut_network(context, False)
    page.goto(f"{base}/offline/")
    copy = page.locator("#offline-list section")
    expect(copy).to_contain_text("Cours hors ligne")
    expect(copy).to_contain_text("Ko")
    copy.get_by_role("button", name="Retirer").click()
    expect(page.locator("#offline-empty")).to_be_visible()
    assert personal_caches(page) == []
    context.close()


def test_work_the_server_cannot_record_is_reported_until_dismissed(browser, served):
    _app, base, _folder = served
    context, page = phone(browser)
    sign_in(page, base, NEIGHBOUR)
    page.goto(f"{base}/courses/{COURSE}?lang=fr")
    enrol = page.locator("form[action$='/enrol'] button")
    if enrol.count():
        enrol.click()
    page.evaluate(
        """user => DepomiStore.enqueue({user, kind: "read", course: "offline-course",
        module: "disparu", title: "Module disparu"})""",
        page.locator("#offline-ui").get_attribute("data-user"),
    )
    page.goto(f"{base}/courses")
    problem = page.locator("p.offline-banner.flash-error")
    expect(problem).to_contain_text("« Module disparu » ne fait plus partie du cours")
    problem.get_by_role("button", name="Fermer").click()
    expect(problem).to_have_count(0)
    page.reload()
    wait_until(
        page,
        "DepomiStore.outcomes(document.getElementById('offline-ui').dataset.user)"
        ".then(rows => rows.length === 1 && rows[0].seen)",
    )
    page.wait_for_timeout(500)  # the page has read the outcomes by now
    expect(problem).to_have_count(0)
    context.close()


def test_a_new_release_activates_with_its_own_cache_and_deletes_the_old_one(browser, served):
    app, base, _folder = served
    context, page = phone(browser)
    page.goto(f"{base}/courses")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    shells = "caches.keys().then(k => k.filter(n => n.startsWith('depomi-shell-')))"
    first = page.evaluate(shells)
    assert len(first) == 1
    release = app.extensions["offline_release"]
    app.extensions["offline_release"] = "0123456789abcdef"  # the next deployment
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        wait_until(
            page, f"{shells}.then(k => k.length === 1 && k[0] === 'depomi-shell-0123456789abcdef')"
        )
    finally:
        app.extensions["offline_release"] = release
    context.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_offline_pages_meet_wcag_aa_and_fit_a_phone(browser, served, language):
    from tests.helpers.accessibility import AXE, LANGUAGE_BUTTON, Audit

    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` (package.json)")
    _app, base, _folder = served
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    audit = Audit(AXE.read_text(), language)
    sign_in(page, base, OWNER)
    page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
    page.goto(f"{base}/courses/{COURSE}")
    enrol = page.locator("form[action$='/enrol'] button")
    if enrol.count():
        enrol.click()
        page.goto(f"{base}/courses/{COURSE}")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    panel = page.locator("#offline-course")
    expect(panel.locator("button.primary")).to_be_visible()
    audit.check(page, "offline-offer")
    panel.locator("button.primary").click()
    expect(panel.locator("a")).to_be_visible()
    audit.check(page, "offline-course-kept")
    page.goto(f"{base}/offline/")
    expect(page.locator("#offline-list section")).to_have_count(1)
    audit.check(page, "offline-list")
    page.goto(f"{base}/offline/courses/{COURSE}/modules/pratique/quiz")
    audit.check(page, "offline-quiz")
    cut_network(context, True)
    page.goto(f"{base}/courses/{COURSE}/modules/un?lang={language}")
    expect(page.locator("#offline-copy")).to_be_visible()
    audit.check(page, "offline-copy")
    cut_network(context, False)
    context.close()
    assert audit.blocking() == {}
    assert audit.too_wide() == {}


def test_mark_read_on_a_failing_network_that_looks_online_is_queued(browser, served):
    app, base, _folder = served
    context, page = phone(browser)
    sign_in(page, base, NEIGHBOUR)
    enrol_and_download(page, base)
    page.goto(module_url(base, "deux"))
    completed = rows(app, NEIGHBOUR)[0]
    # The phone still believes it is online (navigator.onLine), but nothing gets through.
    context.route("**/*", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Marquer comme lu").click()
    expect(page.locator("#offline-copy")).to_be_visible()
    expect(page.locator(".module-end")).to_contain_text("Marqué comme lu sur ce téléphone")
    assert rows(app, NEIGHBOUR)[0] == completed
    context.unroute("**/*")
    page.goto(f"{base}/courses/{COURSE}?lang=fr")
    wait_until(
        page, "DepomiStore.currentUser().then(u => DepomiStore.pending(u)).then(q => !q.length)"
    )
    assert rows(app, NEIGHBOUR)[0] == completed + 1
    context.close()
