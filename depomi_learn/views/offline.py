"""Offline learning: the manifest, the service worker, course copies, offline quizzes, and the
endpoint that accepts what a phone queued while it had no connection."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ..certificates.stored import render_issued_pdfs
from ..extensions import db
from ..i18n import current_language
from ..learning.catalog import content_language, find_module, visible_course
from ..learning.progress import find_enrolment
from ..offline.bundle import bundle_version, course_files, quiz_works_offline
from ..offline.release import THEME_COLOUR, manifest, release_version, shell_urls, user_key
from ..offline.sync import BadItems, accept_items, parse_items

bp = Blueprint("offline", __name__)
USER_HEADER = "X-Depomi-User"  # whose page this is, for the worker; an opaque key


@bp.after_app_request
def _name_the_user(response: Response) -> Response:
    # Static files never look at the session (which would then be saved with them).
    if (
        response.mimetype == "text/html"
        and request.endpoint != "static"
        and current_user.is_authenticated
    ):
        response.headers[USER_HEADER] = user_key(current_user)
    return response


@bp.app_context_processor
def _offline_context() -> dict:
    signed_in = has_request_context() and getattr(current_user, "is_authenticated", False)
    return {
        "offline_user": user_key(current_user) if signed_in else "",
        "theme_colour": THEME_COLOUR,
    }


def _offline_texts_now() -> dict[str, str]:
    """The offline script's messages in the current language ({placeholders} filled in JS)."""
    return {
        "copy_of": _("Offline copy of %(date)s", date="{date}"),
        "needs_connection": _("needs a connection"),
        "take_offline": _("Take this course offline"),
        "also_in": _("Also in %(language)s", language="{language}"),
        "download_size": _("Download (about %(size)s)", size="{size}"),
        "downloading": _("Downloading: %(done)s of %(total)s", done="{done}", total="{total}"),
        "on_phone": _(
            "This course is on this phone (%(size)s, copy of %(date)s).",
            size="{size}",
            date="{date}",
        ),
        "remove": _("Remove"),
        "list_link": _("Courses on this phone"),
        "download_failed": _("The download stopped: check your connection and try again."),
        "updating": _(
            "A new version of “%(title)s” is available: your offline copy is being updated.",
            title="{title}",
        ),
        "updated": _("Your offline copy of “%(title)s” is up to date.", title="{title}"),
        "read_queued": _("Marked as read on this phone: it will be sent when you are online."),
        "quiz_queued": _("Answers saved, graded when you are online."),
        "quiz_graded": _("Graded: %(percent)s%%.", percent="{percent}"),
        "passed": _("Passed: this module is complete."),
        "not_passed": _("Not passed."),
        "see_result": _("See the result"),
        "quiz_needs_connection": _(
            "This quiz needs a connection: it is timed, limited in attempts "
            "or counts for the certificate."
        ),
        "pending": _("Saved on this phone and waiting to be sent: %(count)s.", count="{count}"),
        "sign_in_to_send": _("Sign in to send what you did offline."),
        "sign_in": _("Sign in"),
        "problem_module_gone": _(
            "“%(title)s” is no longer in the course: "
            "what you did offline there could not be recorded.",
            title="{title}",
        ),
        "problem_unknown_questions": _(
            "Some answers to “%(title)s” were for questions "
            "that no longer exist and were not counted.",
            title="{title}",
        ),
        "problem_not_enrolled": _(
            "What you did offline in “%(title)s” could not be recorded: "
            "you are not enrolled in this course.",
            title="{title}",
        ),
        "problem_needs_connection": _(
            "Your answers to “%(title)s” could not be graded: "
            "this quiz now needs a connection. Take it again online.",
            title="{title}",
        ),
        "problem_refused": _(
            "What you did offline in “%(title)s” could not be recorded: the course has changed.",
            title="{title}",
        ),
        "dismiss": _("Dismiss"),
        "kilobytes": _("%(size)s KB", size="{size}"),
    }


_OFFLINE_TEXTS: dict[str, Markup] = {}


@bp.app_template_global()
def offline_texts() -> Markup:
    """The offline script's messages as JSON for an HTML attribute, built once per language
    (every page carries them; thirty translations and a JSON dump at each page were a cost)."""
    language = current_language()
    texts = _OFFLINE_TEXTS.get(language)
    if texts is None:
        texts = htmlsafe_json_dumps(_offline_texts_now(), dumps=current_app.json.dumps)
        _OFFLINE_TEXTS[language] = texts
    return texts


@bp.app_template_global()
def offline_quiz_url(course_id: str, module, language: str) -> str | None:
    """Return the offline form of the module's quiz, or None when it needs a connection."""
    if not quiz_works_offline(module):
        return None
    return url_for("offline.quiz", course_id=course_id, module_key=module.key, lang=language)


@bp.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError):
    return jsonify(error="csrf", message=error.description), 400


def _content_language(version) -> str:
    return content_language(version, request.args.get("lang", ""), current_language())


def _json_refusal(status: int, error: str):
    return jsonify(error=error), status


@bp.route("/manifest.webmanifest")
def web_manifest():
    response = jsonify(manifest(current_language()))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.route("/sw.js")
def service_worker():
    body = render_template(
        "offline/sw.js",
        version=release_version(),
        shell=shell_urls(),
        store_url=url_for("static", filename="js/offline-store.js"),
        unavailable_url=url_for("offline.unavailable"),
    )
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline/")
@login_required
def courses():
    return render_template("offline/courses.html")


@bp.route("/offline/unavailable")
@login_required
def unavailable():
    return render_template("offline/unavailable.html")


@bp.route("/offline/session")
def session_state():
    """Tell the page script who is signed in, with a fresh CSRF token for the sync."""
    if not current_user.is_authenticated:
        return jsonify(user=None), 401
    return jsonify(user=user_key(current_user), csrf_token=generate_csrf())


@bp.route("/offline/courses/<course_id>/bundle")
def bundle(course_id: str):
    if not current_user.is_authenticated:
        return _json_refusal(401, "signed_out")
    course = visible_course(current_user, course_id) or abort(404)
    if find_enrolment(current_user, course.id) is None:
        return _json_refusal(403, "not_enrolled")
    version = course.current_version
    languages = [_content_language(version)]
    also = request.args.get("also", "")
    if also in version.languages and also not in languages:
        languages.append(also)
    files = course_files(version, languages)
    return jsonify(
        course=course.id,
        title=version.text("title", languages[0]),
        url=url_for("catalog.course", course_id=course.id, lang=languages[0]),
        version=bundle_version(version, languages),
        edition=version.label,
        languages=languages,
        other_languages=[code for code in version.languages if code not in languages],
        files=[{"url": f.url, "bytes": f.bytes, "kind": f.kind} for f in files],
        bytes=sum(f.bytes for f in files),
    )


@bp.route("/offline/courses/<course_id>/modules/<module_key>/quiz")
@login_required
def quiz(course_id: str, module_key: str):
    course = visible_course(current_user, course_id) or abort(404)
    version = course.current_version
    _index, module = find_module(version, module_key) or abort(404)
    if find_enrolment(current_user, course.id) is None or not quiz_works_offline(module):
        abort(404)
    language = _content_language(version)
    return render_template(
        "offline/quiz.html",
        course=course,
        version=version,
        module=module,
        language=language,
        title=module.text_for(language).title,
    )


@bp.route("/offline/sync", methods=["POST"])
def sync():
    """Accept queued items (JSON, CSRF token in X-CSRFToken), each once per id."""
    if not current_user.is_authenticated:
        return _json_refusal(401, "signed_out")
    try:
        items = parse_items(request.get_json(silent=True))
    except BadItems as bad:
        return jsonify(error="bad_items", field=str(bad)), 400
    results = accept_items(current_user, items)
    db.session.commit()
    render_issued_pdfs()  # a synced completion may issue a certificate: its PDF, after commit
    return jsonify(results=results)
