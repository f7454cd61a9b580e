"""Counted strings: every one goes through ngettext, and each count picks the form CLDR names
for it (six in Arabic, three in French), in the catalogue as compiled."""

import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

ROOT = Path(__file__).resolve().parent.parent
COUNTS = (0, 1, 2, 3, 11, 100)
# The order of the msgstr[] forms in each catalogue's Plural-Forms header.
FORM_ORDER = {
    "ar": ("zero", "one", "two", "few", "many", "other"),
    "fr": ("one", "many", "other"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
COUNT_NAMES = re.compile(r"%\((num|count|seconds|minutes|hours|days)\)d")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}


def _source_messages() -> list[tuple[str, str] | str]:
    method_map = [
        ("depomi_learn/**.py", "python"),
        ("config.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    return [
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS
        )
    ]


SOURCE = _source_messages()
COUNTED = sorted({m for m in SOURCE if isinstance(m, tuple) and len(m) == 2})


def _catalog(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


CATALOGS = {language: _catalog(language) for language in FORM_ORDER}


def _variables(message: str, count: int) -> dict[str, object]:
    values = {name: (7 if kind == "d" else "X") for name, kind in PLACEHOLDER.findall(message)}
    values["num"] = count
    return values


def _others(values: dict[str, object]) -> dict[str, object]:
    """The variables besides the count, which ngettext passes itself as `num`."""
    return {name: value for name, value in values.items() if name != "num"}


def test_counted_strings_were_found():
    assert len(COUNTED) > 40


def test_no_count_is_shown_with_gettext():
    """A number of things in a singular-only message reads "1 secondes" or "بعد 5 ثانية"."""
    singular_only = sorted(
        m for m in SOURCE if isinstance(m, str) and COUNT_NAMES.search(m) and " min" not in m
    )
    assert singular_only == []


@pytest.mark.parametrize("language", sorted(FORM_ORDER))
@pytest.mark.parametrize("count", COUNTS)
def test_every_counted_string_picks_the_cldr_form(app, language, count):
    locale = Locale.parse(language)
    form = FORM_ORDER[language].index(locale.plural_form(count))
    wrong = []
    with app.test_request_context(), force_locale(language):
        for singular, plural in COUNTED:
            values = _variables(singular + plural, count)
            entry = CATALOGS[language].get((singular, plural)) or CATALOGS[language].get(singular)
            assert entry is not None, singular
            assert len(entry.string) == len(FORM_ORDER[language]), singular
            expected = entry.string[form] % values
            shown = ngettext(singular, plural, count, **_others(values))
            if shown != expected or not shown.strip() or "%(" in shown:
                wrong.append((singular, shown, expected))
    assert wrong == []


@pytest.mark.parametrize(
    ("language", "singular", "plural", "count", "text"),
    [
        ("ar", "Too many verifications from your connection. Try again in %(num)d second.",
         "Too many verifications from your connection. Try again in %(num)d seconds.", 5,
         "بعد 5 ثوانٍ"),
        ("fr", "Too many verifications from your connection. Try again in %(num)d second.",
         "Too many verifications from your connection. Try again in %(num)d seconds.", 1,
         "dans 1 seconde."),
        ("fr", "%(num)d of %(total)d modules", "%(num)d of %(total)d modules", 1,
         "1 module sur 7"),
        ("fr", "%(num)d of %(total)d modules", "%(num)d of %(total)d modules", 3,
         "3 modules sur 7"),
        ("ar", "%(num)s point", "%(num)s points", 2, "نقطتان"),
        ("ar", "%(num)s point", "%(num)s points", 3, "3 نقاط"),
        ("ar", "%(num)d day", "%(num)d days", 11, "11 يوما"),
    ],
)  # fmt: skip
def test_counted_strings_read_right(app, language, singular, plural, count, text):
    with app.test_request_context(), force_locale(language):
        values = _others(_variables(singular, count))
        assert text in ngettext(singular, plural, count, **values)


@pytest.mark.parametrize(("language", "hours", "text"), [
    ("ar", 2, "لمدة ساعتين"), ("ar", 24, "لمدة 24 ساعةً"), ("fr", 1, "pendant 1 heure\u00a0:"),
])  # fmt: skip
def test_password_link_email_counts_its_hours(app, language, hours, text):
    from depomi_learn.accounts.resets import reset_message
    from depomi_learn.models import User

    app.config["RESET_LINK_HOURS"] = hours
    try:
        with app.test_request_context():
            user = User(name_latin="Fatima", preferred_language=language)
            _subject, body = reset_message(user, "https://example.ma/reset/x")
    finally:
        app.config["RESET_LINK_HOURS"] = 24
    assert text in body
