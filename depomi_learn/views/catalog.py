"""The home page, the catalogue, course pages and enrolment."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..extensions import db
from ..i18n import current_language
from ..learning.cards import course_cards
from ..learning.catalog import (
    CatalogFilters,
    content_language,
    filter_values,
    find_courses,
    visible_course,
)
from ..learning.outlines import course_outline, visible_outlines
from ..learning.prerequisites import missing_prerequisites, prerequisites_for, quoted_titles
from ..learning.progress import continue_points, course_progress, enrol, find_enrolment, next_module
from ..models import CourseVersion
from ..sessions.scheduling import upcoming_for

bp = Blueprint("catalog", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("catalog.courses"))
    points = continue_points(current_user)
    enrolled = {point.version.course_id for point in points}
    suggestions = [v for v in visible_outlines(current_user) if v.course_id not in enrolled]
    return render_template(
        "catalog/home.html",
        points=points,
        suggestions=suggestions[:6],
        upcoming_sessions=upcoming_for(current_user),
    )


@bp.route("/courses")
def courses():
    args = request.args
    filters = CatalogFilters(
        query=args.get("q", "").strip()[:200],
        language=args.get("language", ""),
        level=args.get("level", ""),
        audience=args.get("audience", ""),
    )
    viewer = current_user if current_user.is_authenticated else None
    visible = visible_outlines(viewer)
    return render_template(
        "catalog/courses.html",
        cards=course_cards(viewer, find_courses(visible, filters), visible),
        filters=filters,
        values=filter_values(visible),
    )


@bp.route("/courses/<course_id>")
def course(course_id: str):
    course, version = course_outline(current_user, course_id) or abort(404)
    language = content_language(version, request.args.get("lang", ""), current_language())
    enrolment = progress = resume = None
    upcoming_sessions = []
    viewer = current_user if current_user.is_authenticated else None
    prerequisites = prerequisites_for(viewer, version)
    if current_user.is_authenticated:
        upcoming_sessions = upcoming_for(current_user, course.id)
        enrolment = find_enrolment(current_user, course.id)
        progress = course_progress(current_user, version)
        if enrolment:
            resume = next_module(version, progress.completed_keys, None)
    return render_template(
        "catalog/course.html",
        course=course,
        version=version,
        language=language,
        enrolment=enrolment,
        progress=progress,
        resume=resume,
        upcoming_sessions=upcoming_sessions,
        prerequisites=prerequisites,
        prerequisites_missing=viewer is not None and not all(p.completed for p in prerequisites),
    )


@bp.route("/courses/<course_id>/enrol", methods=["POST"])
@login_required
def enrol_in_course(course_id: str):
    course = visible_course(current_user, course_id) or abort(404)
    if course.archived:
        abort(403)
    version = course.current_version
    # The language the course page was read in (a field of its form), so the first module and
    # any refusal show in it.
    lang = request.values.get("lang") if request.values.get("lang") in version.languages else None
    missing = missing_prerequisites(current_user, version)
    if missing and find_enrolment(current_user, course.id) is None:
        flash(_refusal(missing, content_language(version, lang or "", current_language())), "error")
        return redirect(
            url_for("catalog.course", course_id=course.id, lang=lang, _anchor="prerequisites")
        )
    enrol(current_user, course)
    db.session.commit()
    flash(_("You are enrolled. Good learning!"), "success")
    first = version.modules[0] if version.modules else None
    if first is None:
        return redirect(url_for("catalog.course", course_id=course.id, lang=lang))
    return redirect(url_for("learn.module", course_id=course.id, module_key=first.key, lang=lang))


def _refusal(missing: list[CourseVersion], language: str) -> str:
    """The message refusing enrolment; the course page it shows above lists the prerequisites
    with a link to each."""
    return ngettext(
        "You cannot enrol yet: first complete the prerequisite course %(courses)s.",
        "You cannot enrol yet: first complete the prerequisite courses %(courses)s.",
        len(missing),
        courses=quoted_titles(missing, language),
    )
