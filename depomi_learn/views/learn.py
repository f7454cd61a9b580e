"""Reading modules: the module page, marking it read, and course images."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..certificates.stored import render_issued_pdfs
from ..database import commit_keeping_objects
from ..extensions import db
from ..i18n import current_language
from ..learning.catalog import content_language, find_module, visible_course
from ..learning.outlines import course_outline, module_body
from ..learning.practical_work.submissions import practical_work_of, work_state
from ..learning.progress import (
    course_progress,
    find_enrolment,
    mark_read,
    record_visit,
    visit_is_news,
)
from ..learning.quizzes import quiz_state
from ..models import CourseAsset, CourseVersion
from .transactions import writes_on_get

bp = Blueprint("learn", __name__)


@bp.route("/courses/<course_id>/modules/<module_key>")
@login_required
def module(course_id: str, module_key: str):
    course, version = course_outline(current_user, course_id) or abort(404)
    index, module = find_module(version, module_key) or abort(404)
    if module.key != module_key:  # a former id: send bookmarks to the current one
        return redirect(url_for("learn.module", course_id=course.id, module_key=module.key), 301)
    enrolment = find_enrolment(current_user, course.id)
    if enrolment is None:
        flash(_("Enrol in the course to read its modules."), "info")
        return redirect(url_for("catalog.course", course_id=course.id))
    quiz = (
        quiz_state(current_user, course.id, module, close_expired=False)
        if module.has_quiz
        else None
    )
    work = practical_work_of(module.id) if module.has_practical_work else None
    work_view = work_state(current_user, course.id, module) if work is not None else None
    language = content_language(version, request.args.get("lang", ""), current_language())
    text = module.text_for(language)
    modules = version.modules
    page = render_template(
        "learn/module.html",
        course=course,
        version=version,
        module=module,
        text=text,
        body_html=module_body(version, module, text.language).html,
        language=language,
        fell_back=text.language != language,
        progress=course_progress(current_user, version),
        quiz=quiz,
        work=work,
        work_state=work_view,
        position=index + 1,
        previous=modules[index - 1] if index > 0 else None,
        next=modules[index + 1] if index + 1 < len(modules) else None,
    )
    if visit_is_news(enrolment, module):
        # The page remembers where the learner is, for "continue where you left off": a short
        # write transaction of its own, after rendering, so readers never queue behind it.
        # Nothing was written before and what was read stays true, so nothing is reloaded.
        commit_keeping_objects()  # end the read transaction before taking any write lock
        writes_on_get()
        record_visit(current_user, enrolment, module)
        commit_keeping_objects()
    return page


@bp.route("/courses/<course_id>/modules/<module_key>/read", methods=["POST"])
@login_required
def mark_module_read(course_id: str, module_key: str):
    course = visible_course(current_user, course_id) or abort(404)
    version = course.current_version
    index, module = find_module(version, module_key) or abort(404)
    enrolment = find_enrolment(current_user, course.id)
    if enrolment is None:
        abort(403)
    if not mark_read(current_user, enrolment, module):
        abort(400)
    db.session.commit()
    render_issued_pdfs()  # a completion issued a certificate: its PDF, now the lock is released
    following = version.modules[index + 1] if index + 1 < len(version.modules) else None
    lang = request.args.get("lang")
    if following is None:
        flash(_("Module complete."), "success")
        return redirect(url_for("catalog.course", course_id=course.id, lang=lang))
    return redirect(
        url_for("learn.module", course_id=course.id, module_key=following.key, lang=lang)
    )


@bp.route("/courses/<course_id>/assets/<sha256>/<path:filename>")
def course_asset(course_id: str, sha256: str, filename: str):
    asset = db.session.scalars(
        sa.select(CourseAsset)
        .join(CourseVersion)
        .where(CourseVersion.course_id == course_id, CourseAsset.sha256 == sha256)
        .limit(1)
    ).first()
    if asset is None:
        abort(404)
    visible_course(current_user, course_id) or abort(404)
    # The stored type is the whole header ("text/csv; charset=utf-8"): as a mimetype, Werkzeug
    # would add a second charset.
    response = Response(asset.data, content_type=asset.media_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    if asset.media_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
    return response
