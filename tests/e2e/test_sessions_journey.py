"""Blended training in a real browser: a trainer plans a two-day session; learners register, one
waits and moves up; they check in on day 1 through the QR code's address; the trainer marks day 2
on a 360 px phone without JavaScript; the certificate appears only once attendance and the
post-test meet the course's rule; the evaluation shows averages from five answers, not four."""

import re
import threading
from datetime import timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import (
    CourseAuthor,
    Region,
    Role,
    SessionAttendance,
    SessionDay,
    TrainingSession,
    utcnow,
)
from depomi_learn.operations.regions import load_reference_regions
from depomi_learn.sessions.scheduling import ZONE
from tests.helpers.browser import PASSWORD, ROOT, screenshot

LEARNERS = [f"apprenant{n}@souss.ma" for n in range(1, 6)]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
TRAINER = "formatrice@depomi.ma"
COORDINATOR = "coordination@souss.ma"  # reads the platform in Arabic


@pytest.fixture(scope="module")
def blended_server(tmp_path_factory):
    """A server of its own: the journey moves a session's first day to now, as time would."""
    database = tmp_path_factory.mktemp("e2e-sessions") / "db.sqlite3"
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        BABEL_DEFAULT_LOCALE="fr",
        TWO_FACTOR_REQUIRED_ROLES=(),
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        results, findings = import_tree(ROOT / "tests" / "fixtures" / "blended-course")
        assert results, findings
        souss = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
        people = [(TRAINER, Role.TRAINER, None, "Khadija Formatrice", "خديجة المكونة")]
        arabic = ["أمينة آيت علي", "يوسف برادة", "فاطمة الزهراء", "سعيد العلوي", "هند بناني"]
        people += [
            (email, Role.LEARNER, souss, f"Apprenant {n}", arabic[n - 1])
            for n, email in enumerate(LEARNERS, start=1)
        ]
        people.append((COORDINATOR, Role.COORDINATOR, souss, "Coordination Souss", "تنسيق سوس"))
        for email, role, region, name, name_ar in people:
            user = create_user(
                UserFields(
                    email=email,
                    name_latin=name,
                    name_arabic=name_ar,
                    role=role,
                    region=region,
                    password=PASSWORD,
                    preferred_language="ar" if email == COORDINATOR else "fr",
                )
            )
            if role == Role.TRAINER:
                db.session.add(CourseAuthor(course_id="blended-course", user=user, is_owner=True))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def assert_accessible(page) -> None:
    """Fail on any serious or critical axe-core finding (WCAG 2.1 AA and best practices)."""
    if not AXE.exists():
        return  # the accessibility suite says so; this journey still runs
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG,
    )
    blocking = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not blocking, f"{page.url}: {blocking}"


def signed_in(browser, base: str, email: str, **options):
    context = browser.new_context(
        viewport=options.pop("viewport", {"width": 390, "height": 844}),
        locale="fr-FR",
        bypass_csp=True,  # lets the accessibility checks inject axe-core
        **options,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))
    return page


def plan_two_day_session(page, base: str) -> int:
    page.goto(f"{base}/sessions/new?course=blended-course")
    page.locator("#title").fill("Atelier SNIA Agadir")
    page.locator("#region").select_option("souss-massa")
    page.locator("#place").fill("Hôtel de la Région, Agadir")
    page.locator("#capacity").fill("3")
    today = utcnow().astimezone(ZONE).date()
    for index, offset in enumerate((10, 11)):
        page.locator(f"input[name=date_{index}]").fill((today + timedelta(days=offset)).isoformat())
        page.locator(f"input[name=start_{index}]").fill("09:00")
        page.locator(f"input[name=end_{index}]").fill("12:00")
    page.locator("form.session-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Atelier SNIA Agadir")
    return int(page.url.rsplit("/", 1)[1])


def take_quiz(page, base: str, module: str, *, right: bool) -> None:
    page.goto(f"{base}/courses/blended-course/modules/{module}")
    page.locator("form[action*='/quiz'] button").click()
    page.locator("#q-annee-" + ("true" if right else "false")).check()
    page.locator("#q-region-" + ("false" if right else "true")).check()
    page.locator("#quiz-form button.primary").click()
    expect(page.locator(".result")).to_be_visible()


def evaluate(page, base: str, session_id: int, score: str, *, audit: bool = False) -> None:
    page.goto(f"{base}/sessions/{session_id}/evaluation")
    if audit:
        assert_accessible(page)
    for question in ("relevance", "trainer", "organisation", "atelier-utile"):
        page.locator(f"input[name='{question}'][value='{score}']").check()
    page.locator("input[name='recommend'][value='yes']").check()
    page.locator("form.evaluation-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()


def move_first_day_to_now(app, session_id: int) -> None:
    """Time passes: day 1 is under way, day 2 later today."""
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        day1, day2 = sorted(session.days, key=lambda d: d.starts_at)
        now = utcnow()
        day1.starts_at, day1.ends_at = now - timedelta(hours=1), now + timedelta(hours=2)
        day2.starts_at, day2.ends_at = now + timedelta(hours=3), now + timedelta(hours=6)
        db.session.commit()


def _checked_in(app, session_id: int) -> int:
    """How many attendance rows the session's days hold."""
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(SessionAttendance.id))
            .join(SessionDay, SessionDay.id == SessionAttendance.day_id)
            .where(SessionDay.session_id == session_id)
        )


def test_blended_session_journey(browser, blended_server):
    app, base = blended_server
    trainer = signed_in(browser, base, TRAINER, viewport={"width": 1280, "height": 900})
    session_id = plan_two_day_session(trainer, base)

    # Registration: three places; the fourth waits and moves up when someone cancels.
    pages = {email: signed_in(browser, base, email) for email in LEARNERS}
    for email in LEARNERS[:4]:
        page = pages[email]
        page.goto(base + "/")
        page.locator(f".sessions-upcoming a[href='/sessions/{session_id}']").click()
        page.locator("form[action$='/register'] button").click()
    expect(pages[LEARNERS[3]].locator("main")).to_contain_text("liste d'attente")
    pages[LEARNERS[1]].locator("form[action$='/unregister'] button").click()
    pages[LEARNERS[3]].reload()
    expect(pages[LEARNERS[3]].locator(".card .done")).to_be_visible()  # "Vous êtes inscrit"
    screenshot(pages[LEARNERS[3]], "session-registered-phone")
    assert_accessible(pages[LEARNERS[3]])

    # More places for the evaluation: the trainer edits; two more learners register.
    trainer.goto(f"{base}/sessions/{session_id}/edit")
    trainer.locator("#capacity").fill("5")
    trainer.locator("form.session-form button[type=submit]").click()
    for email in (LEARNERS[1], LEARNERS[4]):
        pages[email].goto(f"{base}/sessions/{session_id}")
        pages[email].locator("form[action$='/register'] button").click()
        expect(pages[email].locator(".card .done")).to_be_visible()

    # The first learner takes the pre-test before the session, and reads the lesson.
    first = pages[LEARNERS[0]]
    first.goto(f"{base}/courses/blended-course/modules/lecture")
    first.locator("form[action*='/read'] button").click()
    take_quiz(first, base, "test-initial", right=False)

    # Day 1: check in through the QR code's address.
    move_first_day_to_now(app, session_id)
    trainer.goto(f"{base}/sessions/{session_id}")
    trainer.locator("a[href*='/qr']").first.click()
    url = trainer.locator(".link-box a").get_attribute("href")
    assert "/check-in?code=" in url
    screenshot(trainer, "session-qr-desktop")
    for email in LEARNERS[:4]:
        page = pages[email]
        page.goto(url)  # what a link preview or a prefetch would also open: it records nothing
        page.reload()
        assert page.request.head(url).ok  # HEAD, as some previews send, with the learner's cookie
        expect(page.locator("form button.primary")).to_be_visible()
        assert _checked_in(app, session_id) == LEARNERS.index(email)
        page.locator("form button.primary").click()
        expect(page.locator(".flash-success")).to_contain_text("présence")

    # Day 2: the trainer marks attendance on a 360 px phone, JavaScript off.
    phone = signed_in(
        browser,
        base,
        TRAINER,
        viewport={"width": 360, "height": 740},
        java_script_enabled=False,
    )
    phone.goto(f"{base}/sessions/{session_id}")
    phone.locator("ol.session-days li").nth(1).locator("a[href$='/attendance']").click()
    people = phone.locator("fieldset.attendance-person")
    expect(people).to_have_count(5)
    for index in range(5):
        person = people.nth(index)
        name = person.locator("legend").inner_text()
        status = "absent" if "Apprenant 4" in name else "present"
        person.locator(f"input[value='{status}']").check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "session-attendance-360-nojs")
    phone.locator("form.attendance-form button[type=submit]").click()
    expect(phone.locator(".flash-success")).to_be_visible()
    trainer.goto(phone.url)  # the same attendance page, audited where scripts run
    assert_accessible(trainer)

    # Certificates: attendance 100 % but no post-test yet: none; then the post-test: one.
    first.goto(f"{base}/certificates/")
    expect(first.locator("article.certificate")).to_have_count(0)
    take_quiz(first, base, "test-final", right=True)
    first.goto(f"{base}/certificates/")
    expect(first.locator("article.certificate")).to_have_count(1)
    # The fourth learner passes the post-test but attended 50 %: no certificate.
    fourth = pages[LEARNERS[3]]
    fourth.goto(f"{base}/courses/blended-course/modules/lecture")
    fourth.locator("form[action*='/read'] button").click()
    take_quiz(fourth, base, "test-final", right=True)
    fourth.goto(f"{base}/certificates/")
    expect(fourth.locator("article.certificate")).to_have_count(0)

    # Evaluation: four answers show nothing, five show the averages.
    for email, score in zip(LEARNERS[:4], ("5", "4", "4", "3"), strict=True):
        evaluate(pages[email], base, session_id, score)
    trainer.goto(f"{base}/sessions/{session_id}")
    results = trainer.locator(".evaluation-results")
    expect(results).to_contain_text("Pas assez de réponses")
    expect(results.locator(".likert-average")).to_have_count(0)
    evaluate(pages[LEARNERS[4]], base, session_id, "4", audit=True)
    trainer.reload()
    # the French decimal comma
    expect(results.locator(".likert-average").first).to_contain_text("4,00")
    screenshot(trainer, "session-results-desktop")
    assert_accessible(trainer)
    trainer.goto(f"{base}/sessions/{session_id}/edit")
    assert_accessible(trainer)
    trainer.goto(f"{base}/sessions/report?by=region")
    assert_accessible(trainer)

    # The region's coordinator, in Arabic, drills down from the dashboard to the session.
    coordinator = signed_in(browser, base, COORDINATOR)
    coordinator.goto(f"{base}/coordinate/")
    expect(coordinator.locator("html")).to_have_attribute("dir", "rtl")
    provinces = coordinator.locator("table#sessions-by-province tbody tr")
    expect(provinces).to_have_count(1)  # the session is planned for the whole region
    expect(provinces.first).to_contain_text("5")  # five evaluations
    provinces.first.locator("a").click()
    expect(coordinator).to_have_url(re.compile(r"region=souss-massa&province=none"))
    sessions = coordinator.locator("table#sessions tbody tr")
    expect(sessions).to_have_count(1)
    expect(sessions.first).to_contain_text("Atelier SNIA Agadir")
    assert coordinator.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(coordinator)
    coordinator.locator("nav.breadcrumb a").first.click()
    expect(coordinator.locator("table#sessions-by-province")).to_be_visible()
    assert_accessible(coordinator)
