"""Interface languages: complete catalogues, the switcher, and the direction of every page."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from depomi_learn.i18n import direction, pick_content_language
from depomi_learn.models import Role
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, get_user, make_user

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _source_messages() -> set[tuple[str, str | None]]:
    """Every interface string in the code and templates, extracted as pybabel does."""
    method_map = [
        ("depomi_learn/**.py", "python"),
        ("config.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "pgettext": ((1, "c"), 2),
    }
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


@pytest.fixture(scope="module")
def source_messages() -> set[tuple[str, str | None]]:
    return _source_messages()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_interface_string_is_translated(source_messages, language):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing, fuzzy, broken = [], [], []
    for msgid, context in sorted(source_messages, key=lambda m: (m[0], m[1] or "")):
        message = catalog.get(msgid, context)
        strings = (
            []
            if message is None
            else (list(message.string) if isinstance(message.string, tuple) else [message.string])
        )
        if not strings or not all(s.strip() for s in strings):
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
        elif any(
            set(PLACEHOLDER.findall(s)) - set(PLACEHOLDER.findall(str(message.id))) for s in strings
        ):
            broken.append(msgid)
    assert missing == [], f"untranslated in {language}"
    assert fuzzy == [], f"fuzzy in {language}"
    assert broken == [], f"placeholders that are not in the source, in {language}"


@pytest.mark.parametrize(
    ("language", "dir_", "sign_in"),
    [("fr", "ltr", "Se connecter"), ("ar", "rtl", "تسجيل الدخول"), ("en", "ltr", "Sign in")],
)
def test_language_switcher_sets_lang_dir_and_texts(client, language, dir_, sign_in):
    response = client.post(
        "/language", data={"language": language, "next": "/login", "csrf_token": csrf_token(client)}
    )
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert f'<html lang="{language}" dir="{dir_}">' in html
    assert sign_in in html


def test_switcher_refuses_unknown_language_and_missing_token(client):
    token = csrf_token(client)
    assert client.post("/language", data={"language": "xx", "csrf_token": token}).status_code == 400
    assert client.post("/language", data={"language": "ar"}).status_code == 400


def test_browser_language_is_used_before_any_choice(client):
    html = client.get("/login", headers={"Accept-Language": "ar-MA,ar;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="ar" dir="rtl">' in html


def test_choice_is_remembered_in_the_profile(app, client, auth):
    make_user(app, language="fr")
    auth.login()
    client.post("/language", data={"language": "ar", "csrf_token": csrf_token(client, "/")})
    auth.logout()
    other_browser = app.test_client()
    token = csrf_token(other_browser)
    other_browser.post(
        "/login",
        data={
            "email": "learner@example.ma",
            "password": "correct horse battery staple",
            "csrf_token": token,
        },
    )
    assert '<html lang="ar" dir="rtl">' in other_browser.get("/").get_data(as_text=True)


def _pick(client, language: str) -> None:
    data = {"language": language, "next": "/login", "csrf_token": csrf_token(client)}
    client.post("/language", data=data)


@pytest.mark.parametrize("role", [Role.LEARNER, Role.COORDINATOR])  # without and with a code step
def test_language_picked_on_the_sign_in_page_is_kept_and_becomes_the_accounts(
    app, client, auth, role
):
    user_id = make_user(app, email="person@example.ma", role=role, language="fr")
    _pick(client, "ar")
    assert auth.login("person@example.ma").status_code == 302
    assert '<html lang="ar" dir="rtl">' in client.get("/").get_data(as_text=True)
    assert get_user(app, user_id).preferred_language == "ar"


def test_language_left_on_a_shared_computer_gives_way_to_the_next_persons(app, client, auth):
    make_user(app, email="first@example.ma", language="fr")
    make_user(app, email="second@example.ma", language="fr")
    _pick(client, "ar")
    auth.login("first@example.ma")
    auth.logout()
    assert '<html lang="ar" dir="rtl">' in client.get("/login").get_data(as_text=True)
    auth.login("second@example.ma")
    assert '<html lang="fr" dir="ltr">' in client.get("/").get_data(as_text=True)


PAGES = [
    ("/", Role.LEARNER),
    ("/courses", None),
    ("/courses/demo-course", Role.LEARNER),
    ("/courses/demo-course/modules/intro", Role.LEARNER),
    ("/login", None),
    ("/profile", Role.LEARNER),
    ("/coordinate/", Role.COORDINATOR),
    ("/coordinate/learners/{learner}", Role.COORDINATOR),
    ("/admin/users", Role.ADMIN),
    ("/admin/users/{learner}", Role.ADMIN),
    ("/admin/users/new", Role.COORDINATOR),
    ("/admin/import", Role.ADMIN),
    ("/admin/audit", Role.ADMIN),
    ("/account/two-factor", Role.LEARNER),
    ("/no-such-page", None),
]


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize(("path", "role"), PAGES)
def test_every_page_renders_in_every_language(app, client, auth, language, path, role):
    make_course(app)
    learner = make_user(app, email="someone@example.ma")
    if role is not None:
        auth.as_role(role, language=language)
        if role == Role.LEARNER:
            client.post(
                "/courses/demo-course/enrol",
                data={"csrf_token": csrf_token(client, "/courses/demo-course")},
            )
    token = csrf_token(client, "/courses")
    client.post("/language", data={"language": language, "csrf_token": token})
    response = client.get(path.format(learner=learner))
    assert response.status_code in (200, 404)
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}" dir="{direction(language)}">' in html
    if language != "en":  # no English interface text left in a translated page
        for english in ("Sign out", "Sign in", "Courses", "Profile", "Skip to content"):
            assert f">{english}<" not in html


@pytest.mark.parametrize(
    ("available", "preferred", "expected"),
    [(["fr", "ar"], "ar", "ar"), (["fr", "ar"], "en", "fr"), (["fr", "ar-MA"], "ar", "ar-MA")],
)
def test_pick_content_language(available, preferred, expected):
    assert pick_content_language(available, "fr", preferred) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("ar", "rtl"), ("ar-MA", "rtl"), ("fr", "ltr"), ("zgh", "ltr"), ("fa", "rtl")],
)
def test_direction(tag, expected):
    assert direction(tag) == expected
