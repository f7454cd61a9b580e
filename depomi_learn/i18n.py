"""Interface languages, locale selection, text direction, and picking a content translation."""

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

# Scripts written right to left; any BCP-47 tag whose primary subtag is here renders dir="rtl".
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


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


def init_templates(app: Flask) -> None:
    """Expose language helpers to every template."""

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
