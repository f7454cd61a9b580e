"""Interface languages, locale selection, text direction, picking a content translation, and
writing dates, times, numbers and counts the way each language writes them."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

# Scripts written right to left; any BCP-47 tag whose primary subtag is here renders dir="rtl".
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}
# Morocco's own CLDR locales: Moroccan month names (دجنبر, not the Levantine ديسمبر of plain
# "ar"), the 24-hour clock and the decimal comma, the same on pages, PDFs and sheets.
FORMAT_LOCALES = {"fr": "fr_MA", "ar": "ar_MA"}
CLOCK = "HH:mm"  # 24-hour in every language, as Moroccan administrations write it


def interface_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def direction(language: str) -> str:
    """Return "rtl" or "ltr" for a BCP-47 language tag."""
    primary = language.split("-")[0].split("_")[0].lower()
    return "rtl" if primary in RTL_LANGUAGES else "ltr"


def select_locale() -> str:
    """Choose the interface language: explicit choice, then profile, then the browser."""
    supported = interface_languages()
    if not has_request_context():  # the command line speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("language")
    if chosen in supported:
        return chosen
    if current_user.is_authenticated and current_user.preferred_language in supported:
        return current_user.preferred_language
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def pick_content_language(available: list[str], default: str, preferred: str) -> str:
    """Return the content language to show: the preferred one if the course has it."""
    if preferred in available:
        return preferred
    primary = preferred.split("-")[0]
    for language in available:
        if language.split("-")[0] == primary:
            return language
    return default


def format_locale(language: str | None = None) -> str:
    """Return the CLDR locale that writes dates and numbers in `language` (default: current)."""
    language = language or current_language()
    return FORMAT_LOCALES.get(language.split("-")[0].split("_")[0], language)


def local_moment(moment: datetime) -> datetime:
    """Return a UTC instant on the programme's clock (Casablanca)."""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def format_day(value: date | datetime, width: str = "long", language: str | None = None) -> str:
    """Return a day written out ("5 décembre 2026", "5 دجنبر 2026"); an instant's local day."""
    if isinstance(value, datetime):
        value = local_moment(value).date()
    return format_date(value, width, locale=format_locale(language))


def format_month(month: str, language: str | None = None, *, short: bool = False) -> str:
    """Return a "YYYY-MM" month written out ("mai 2026", "ماي 2026"; short: "déc. 2026")."""
    year, number = (int(part) for part in month.split("-"))
    pattern = "LLL y" if short else "LLLL y"
    return format_date(date(year, number, 1), pattern, locale=format_locale(language))


def format_moment(moment: datetime, width: str = "long", language: str | None = None) -> str:
    """Return an instant as its local day written out and a 24-hour time."""
    locale = format_locale(language)
    moment = local_moment(moment)
    joined = get_datetime_format(width, locale=locale).replace("'", "")
    day = format_date(moment.date(), width, locale=locale)
    return joined.replace("{1}", day).replace("{0}", format_time(moment, CLOCK, locale=locale))


def format_clock(moment: datetime, language: str | None = None) -> str:
    """Return the local 24-hour time of an instant ("15:30")."""
    return format_time(local_moment(moment), CLOCK, locale=format_locale(language))


def format_number(
    value: float | Decimal, decimals: int | None = None, language: str | None = None
) -> str:
    """Return a number with the language's decimal sign: `decimals` fixed, else up to three."""
    if decimals is None:
        pattern = "#,##0.###"
    else:
        pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, pattern, locale=format_locale(language))


def plural_count(value: float, language: str | None = None) -> int:
    """Return the whole number that picks the catalogue's plural form for `value`.

    gettext's plural formulas take whole numbers only, and rounding 1.5 points to 2 would pick
    Arabic's dual (نقطتان). CLDR names the form of a decimal (1.5 is "other" in Arabic, "one" in
    French); the first whole number of the same form picks the same msgstr.
    """
    if float(value).is_integer():
        return int(value)
    locale = Locale.parse(format_locale(language))
    form = locale.plural_form(value)
    return next((n for n in range(1000) if locale.plural_form(n) == form), int(value))


def init_templates(app: Flask) -> None:
    """Expose language helpers to every template, and write dates the Moroccan way."""
    app.jinja_env.filters.update(
        dateformat=format_day,
        datetimeformat=format_moment,
        timeformat=format_clock,
        number=format_number,
    )
    app.jinja_env.globals["plural_count"] = plural_count

    @app.context_processor
    def language_context() -> dict:
        language = current_language()
        return {
            "current_language": language,
            "text_direction": direction(language),
            "direction": direction,
            "language_names": LANGUAGE_NAMES,
            "interface_languages": interface_languages(),
        }
