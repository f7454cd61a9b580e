"""End-to-end fixtures: the real app on a local port with a file database, and headless Chromium.

Playwright never downloads a browser here: it drives Debian's chromium at /usr/bin/chromium.
"""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import CourseAuthor, Region, Role, User
from depomi_learn.operations.regions import load_reference_regions
from tests.helpers.accessibility import AXE
from tests.helpers.browser import ARTIFACTS, PASSWORD, ROOT

CHROMIUM = os.environ.get("DEPOMI_CHROMIUM", "/usr/bin/chromium")
# email, role, region code, Latin name, Arabic name; all share PASSWORD
E2E_ACCOUNTS = (
    ("amina@souss.ma", Role.LEARNER, "souss-massa", "Amina Ait Ali", "أمينة آيت علي"),
    ("karim@oriental.ma", Role.LEARNER, "oriental", "Karim Benali", "كريم بنعلي"),
    ("coord@souss.ma", Role.COORDINATOR, "souss-massa", "Said Coordinateur", "سعيد المنسق"),
    ("national@depomi.ma", Role.COORDINATOR, None, "Nadia Nationale", "نادية الوطنية"),
    ("trainer@depomi.ma", Role.TRAINER, None, "Karim Formateur", "كريم المكون"),
    ("admin@depomi.ma", Role.ADMIN, None, "Amal Admin", "أمل المسؤولة"),
    # The admin journey turns two-factor on for this one, so no other journey meets a code step.
    ("security@depomi.ma", Role.ADMIN, None, "Samir Securite", "سمير الأمن"),
    # Accessibility checks (test_accessibility.py) switch languages: accounts of their own.
    ("lecteur-fr@depomi.ma", Role.LEARNER, "oriental", "Leila Lectrice", "ليلى القارئة"),
    ("lecteur-ar@depomi.ma", Role.LEARNER, "oriental", "Youssef Lecteur", "يوسف القارئ"),
    ("clavier@depomi.ma", Role.LEARNER, "oriental", "Hind Clavier", "هند لوحة المفاتيح"),
    ("sansjs@depomi.ma", Role.LEARNER, "oriental", "Omar Sansjs", "عمر بدون جافاسكريبت"),
    ("a11y-coord@depomi.ma", Role.COORDINATOR, "oriental", "Rachid Coord", "رشيد المنسق"),
    ("a11y-admin@depomi.ma", Role.ADMIN, None, "Salma Admin", "سلمى المسؤولة"),
)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app, migrated and loaded with the bundled courses, on a free local port."""
    database = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    # Journeys sign staff in with a password only; two-factor stays available to every account,
    # and the rule that admins and coordinators must enrol is tested in tests/test_two_factor.py.
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        BABEL_DEFAULT_LOCALE="fr",
        TWO_FACTOR_REQUIRED_ROLES=(),
        SUBMISSIONS_FOLDER=str(database.parent / "submissions"),
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        results, findings = import_tree(ROOT / "courses" / "snia-foundations")
        assert results, findings
        import_tree(ROOT / "tests" / "fixtures" / "quiz-course")
        import_tree(ROOT / "tests" / "fixtures" / "practical-course")
        for email, role, region, name, name_ar in E2E_ACCOUNTS:
            create_user(
                UserFields(
                    email=email,
                    name_latin=name,
                    name_arabic=name_ar,
                    role=role,
                    region=db.session.scalar(sa.select(Region).where(Region.code == region))
                    if region
                    else None,
                    password=PASSWORD,
                    preferred_language="fr",
                )
            )
        trainer = db.session.scalar(sa.select(User).where(User.email == "trainer@depomi.ma"))
        db.session.add(CourseAuthor(course_id="practical-course", user_id=trainer.id))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = f"Debian's chromium is not installed at {CHROMIUM} (apt install chromium)"
        if os.environ.get("DEPOMI_REQUIRE_E2E"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed: run `npm ci` (package.json)"
        if os.environ.get("DEPOMI_REQUIRE_E2E"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()
