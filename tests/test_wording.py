"""The wording a localiser reviewed: one term for one thing in each catalogue, contexts where one
English word needs two translations, and no interface word left outside the catalogues."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from depomi_learn.models import Role
from tests.helpers.people import make_user

ROOT = Path(__file__).resolve().parent.parent
# Words a template may show as they are: names, formats, and the language names of the links
# that give a report in a chosen language.
UNTRANSLATED = {"DEPOMI", "Learn", "CSV", "XLSX", "PDF", "fran", "ais", "assets"}
UNTRANSLATED |= {"VC-JWT", "typ", "alg", "vc", "jwt", "EdDSA", "JOSE"}  # the issuer's key page


def _catalog(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


AR, FR = _catalog("ar"), _catalog("fr")


def _entries(catalog) -> list[tuple[str, list[str]]]:
    """(English singular, every msgstr) of each entry."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
        found.append((english, strings))
    return found


def _translations(catalog, pattern: str) -> list[tuple[str, list[str]]]:
    return [(e, s) for e, s in _entries(catalog) if re.search(pattern, e)]


def test_arabic_deadline_is_akhir_ajal():
    assert [e for e, s in _entries(AR) if any("استحقاق" in t for t in s)] == []
    assert AR.get("Due date").string == "آخر أجل"


def test_arabic_revokes_certificates_with_sahb_and_cancels_with_ilgha():
    revoking = _translations(AR, r"(?i)revok")
    assert len(revoking) >= 8
    for english, strings in revoking:
        for text in strings:
            assert not re.search("إلغاء|ألغ|ملغ", text), english
            assert re.search("سحب|سُحب|مسحوب", text), english
    assert AR.get("Cancel").string == "إلغاء"


@pytest.mark.parametrize(
    ("english", "arabic"),
    [
        ("Average score (%)", "معدل النقط (%)"),
        ("Enrolled", "التسجيلات"),
        ("Overdue", "التسجيلات المتأخرة"),
    ],
)
def test_arabic_report_headers_say_what_they_count(english, arabic):
    assert AR.get(english).string == arabic


def test_one_enrolment_overdue_has_its_own_context():
    assert AR.get("Overdue", "state of one enrolment").string == "متأخرة"
    assert FR.get("Overdue", "state of one enrolment").string == "En retard"


def test_arabic_course_is_dawra_and_never_the_session_word():
    courses = [
        (e, s)
        for e, s in _translations(AR, r"(?i)\bcourses?\b")
        if not re.search(r"(?i)session|training", e)
    ]
    assert [e for e, s in courses if any("تكويني" in t for t in s)] == []
    assert AR.get("Courses").string != AR.get("Sessions").string


def test_french_attributes_courses_and_never_posts_them():
    assert [e for e, s in _entries(FR) if any(re.search("(?i)affect", t) for t in s)] == []
    assert [e for e, s in _entries(FR) if any(re.search("(?i)assign", t) for t in s)] == []
    assert FR.get("Assign").string == "Attribuer"


def test_french_signs_out_beside_signing_in():
    assert FR.get("Sign in").string == "Se connecter"
    assert FR.get("Sign out").string == "Se déconnecter"


def test_french_password_link_is_a_link_to_set_the_password():
    texts = [t for _e, s in _entries(FR) for t in s]
    assert [t for t in texts if re.search("(?i)lien de mot de passe", t)] == []
    assert FR.get("Password link").string == "Lien de définition du mot de passe"


def test_french_deadline_is_set_for_a_date():
    dated = _translations(FR, r"(?i)due on %\(date\)s")
    assert len(dated) == 2
    for english, strings in dated:
        assert all("fixée au %(date)s" in text for text in strings), english


def test_french_all_agrees_with_its_filter(app, client, auth):
    auth.as_role(Role.LEARNER, language="fr")
    html = client.get("/courses").get_data(as_text=True)
    language = re.search(r'<select id="language".*?<option value="">(\w+)<', html, re.S)
    level = re.search(r'<select id="level".*?<option value="">(\w+)<', html, re.S)
    assert language.group(1) == "Toutes"  # la langue
    assert level.group(1) == "Tous"  # le niveau


def test_coordinator_filters_say_toutes_in_french(app, client, auth):
    make_user(app, email="fatima@example.ma")
    auth.as_role(Role.COORDINATOR, language="fr")
    html = client.get("/coordinate/").get_data(as_text=True)
    options = re.findall(r'<select id="f-\w+" name="\w+">\s*<option value="">(\w+)<', html)
    assert options
    assert set(options) == {"Toutes"}


def _words_outside_the_catalogue(path: Path) -> set[str]:
    text = path.read_text()
    text = re.sub(r"{#.*?#}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"{{.*?}}|{%.*?%}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    return set(re.findall(r"[A-Za-z][A-Za-z'’-]+", text))


def test_templates_show_no_word_outside_the_catalogues():
    stray = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "pdf" in path.name:  # the PDFs print both languages, fixed in their modules
            continue
        words = _words_outside_the_catalogue(path) - UNTRANSLATED
        if words:
            stray[str(path.relative_to(ROOT))] = sorted(words)
    assert stray == {}
