"""The course-format guide page, in the interface language or the one asked for."""

from flask import render_template, request, url_for

from ...authoring.guide import GUIDE_LANGUAGES, load_guide, section_of
from ...i18n import LANGUAGE_NAMES, current_language, direction
from .common import bp


@bp.route("/guide")
def guide():
    language = request.args.get("lang", "")
    if language not in GUIDE_LANGUAGES:
        language = current_language() if current_language() in GUIDE_LANGUAGES else "en"
    return render_template(
        "author/guide.html",
        guide=load_guide(language),
        guide_direction=direction(language),
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in GUIDE_LANGUAGES],
    )


@bp.app_template_global()
def guide_url(code: str) -> str:
    """Return the link to the guide section that explains a finding code."""
    language = current_language()
    language = language if language in GUIDE_LANGUAGES else "en"
    return url_for("author.guide", lang=language, _anchor=section_of(code))
