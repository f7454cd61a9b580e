"""The home page, the catalogue, course pages and enrolment."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Load

from ..catalog import (
    CatalogFilters,
    filter_values,
    find_courses,
    get_course,
    visible_versions,
    with_outline,
)
from ..extensions import db
from ..i18n import current_language, pick_content_language
from ..learning import continue_points, course_progress, enrol, find_enrolment, next_module
from ..permissions import can_view_course
from ..sessions.scheduling import upcoming_for

bp = Blueprint("catalog", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("catalog.courses"))
    points = continue_points(current_user)
    enrolled = {point.version.course_id for point in points}
    suggestions = [v for v in visible_versions(current_user) if v.course_id not in enrolled]
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
    visible = visible_versions(current_user if current_user.is_authenticated else None)
    return render_template(
        "catalog/courses.html",
        versions=find_courses(visible, filters),
        filters=filters,
        values=filter_values(visible),
    )


def content_language_for(version) -> str:
    """Return the content language: ?lang= when the course has it, else the interface's."""
    requested = request.args.get("lang", "")
    preferred = requested if requested in version.languages else current_language()
    return pick_content_language(version.languages, version.default_language, preferred)


def visible_course_or_404(course_id: str, *, outline: Load | None = None):
    course = get_course(course_id, outline=outline)
    user = current_user if current_user.is_authenticated else None
    if course is None or not can_view_course(user, course):
        abort(404)
    return course


@bp.route("/courses/<course_id>")
def course(course_id: str):
    course = visible_course_or_404(course_id, outline=with_outline())
    version = course.current_version
    language = content_language_for(version)
    enrolment = progress = resume = None
    upcoming_sessions = []
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
    )


@bp.route("/courses/<course_id>/enrol", methods=["POST"])
@login_required
def enrol_in_course(course_id: str):
    course = visible_course_or_404(course_id)
    if course.archived:
        abort(403)
    enrol(current_user, course)
    db.session.commit()
    flash(_("You are enrolled. Good learning!"), "success")
    first = course.current_version.modules[0] if course.current_version.modules else None
    if first is None:
        return redirect(url_for("catalog.course", course_id=course.id))
    return redirect(url_for("learn.module", course_id=course.id, module_key=first.key))
