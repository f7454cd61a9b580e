"""Publishing, versions, diffs, rollback, zip exchange and question statistics."""

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...audit import record
from ...authoring import AuthoringError
from ...authoring.drafts import draft_files, get_draft
from ...authoring.folder import diff_folders
from ...authoring.forms import ZipForm
from ...authoring.publishing import (
    PublishOutcome,
    publish_draft,
    republish,
    upload_new_course,
    upload_zip,
)
from ...authoring.statistics import question_statistics
from ...authoring.versions import version_by_number, version_files
from ...authoring.zipfiles import folder_zip
from ...extensions import db
from ...i18n import current_language, pick_content_language
from ...models import Course, CourseVersion, User
from ..inputs import int_arg, parse_id
from ..security import client_address
from .common import audit, bp, course_url, draft_or_404, editable_course_or_404
from .workspace import render_course_page


@bp.route("/<course_id>/publish", methods=["POST"])
def publish(course_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course, lock=True)
    confirmed = request.form.get("confirm_removals") == "yes"
    outcome = publish_draft(draft, current_user, allow_removals=confirmed)
    if outcome.refused:
        db.session.rollback()
        return _refused(course, outcome, url_for("author.publish", course_id=course.id))
    _announce(course, outcome, "course_published")
    return redirect(course_url(course))


@bp.route("/<course_id>/versions/<int:number>/republish", methods=["POST"])
def rollback(course_id: str, number: int):
    course = editable_course_or_404(course_id)
    version = version_by_number(course.id, number) or abort(404)
    confirmed = request.form.get("confirm_removals") == "yes"
    outcome = republish(version, current_user, allow_removals=confirmed)
    if outcome.refused:
        db.session.rollback()
        action = url_for("author.rollback", course_id=course.id, number=number)
        return _refused(course, outcome, action, rollback_of=number)
    _announce(course, outcome, "course_rolled_back", from_version=number)
    return redirect(url_for("author.versions", course_id=course.id))


def _refused(course: Course, outcome: PublishOutcome, action: str, **extra: object):
    if outcome.needs_confirmation:
        page = render_template(
            "author/confirm_removals.html",
            course=course,
            removals=outcome.removals,
            action=action,
            **extra,
        )
        return page, 409
    flash(_("Nothing was published: fix the errors below first."), "error")
    return render_course_page(course, status=422, publish_findings=outcome.findings)


def _announce(course: Course, outcome: PublishOutcome, action: str, **details: object) -> None:
    result = outcome.result
    if result.created:
        audit(action, course, version=result.version_number, removals=outcome.removals, **details)
        flash(
            _(
                "Version %(number)d is published: learners see it now.",
                number=result.version_number,
            ),
            "success",
        )
    else:
        flash(
            _("Nothing changed since version %(number)d: nothing new was published.",
              number=result.version_number),
            "info",
        )  # fmt: skip
    db.session.commit()


@bp.route("/<course_id>/versions")
def versions(course_id: str):
    course = editable_course_or_404(course_id)
    rows = db.session.execute(
        sa.select(CourseVersion, User)
        .outerjoin(User, User.id == CourseVersion.imported_by_id)
        .where(CourseVersion.course_id == course.id)
        .order_by(CourseVersion.number.desc())
    ).all()
    first_with_hash: dict[str, int] = {}
    for version, _user in reversed(rows):
        first_with_hash.setdefault(version.content_hash, version.number)
    return render_template(
        "author/versions.html",
        course=course,
        rows=rows,
        first_with_hash=first_with_hash,
        draft=get_draft(course.id),
    )


@bp.route("/<course_id>/diff")
def diff(course_id: str):
    course = editable_course_or_404(course_id)
    draft = get_draft(course.id)
    current = course.current_version.number if course.current_version else 0
    old_key = request.args.get("from", str(max(current - 1, 1) if draft is None else current))
    new_key = request.args.get("to", "draft" if draft is not None else str(current))
    old, new = _folder(course, old_key), _folder(course, new_key)
    return render_template(
        "author/diff.html",
        course=course,
        old_key=old_key,
        new_key=new_key,
        diffs=diff_folders(old, new),
        numbers=[v.number for v in course.versions],
        has_draft=draft is not None,
    )


def _folder(course: Course, key: str) -> dict[str, bytes]:
    if key == "draft":
        draft = get_draft(course.id)
        return draft_files(draft) if draft else abort(404)
    if key in ("0", ""):
        return {}
    number = parse_id(key) or abort(404)
    version = version_by_number(course.id, number) or abort(404)
    return version_files(version)


@bp.route("/<course_id>/export.zip")
def export_zip(course_id: str):
    course = editable_course_or_404(course_id)
    key = request.args.get("version", "draft" if request.args.get("draft") else "")
    if not key:
        key = str(course.current_version.number) if course.current_version else "draft"
    files = _folder(course, key)
    name = f"{course.id}-{'draft' if key == 'draft' else 'v' + key}.zip"
    response = Response(folder_zip(course.id, files), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/<course_id>/upload", methods=["POST"])
def upload(course_id: str):
    course = editable_course_or_404(course_id)
    form = ZipForm()
    if not form.validate_on_submit():
        flash(_("Choose a zip file to upload."), "error")
        return redirect(course_url(course))
    try:
        outcome = upload_zip(course, form.archive.data.stream.read(), current_user)
    except AuthoringError as error:
        return _upload_refused(course, message=error.message)
    if not outcome.applied:
        return _upload_refused(course, findings=outcome.findings)
    audit("course_draft_uploaded", course)
    db.session.commit()
    flash(_("The draft is now the uploaded folder. Review it, then publish."), "success")
    return redirect(course_url(course))


@bp.route("/upload", methods=["POST"])
def upload_course():
    form = ZipForm()
    if not form.validate_on_submit():
        flash(_("Choose a zip file to upload."), "error")
        return redirect(url_for("author.workspace"))
    try:
        outcome = upload_new_course(form.archive.data.stream.read(), current_user)
    except AuthoringError as error:
        return _upload_refused(None, message=error.message)
    if not outcome.applied:
        return _upload_refused(None, findings=outcome.findings)
    course = db.session.get(Course, outcome.course_id)
    audit("course_created", course, from_zip=True)
    db.session.commit()
    flash(_("Course created from the zip file. Review the draft, then publish."), "success")
    return redirect(course_url(course))


def _upload_refused(
    course: Course | None, *, message: str = "", findings: list | None = None
) -> tuple[str, int]:
    """Undo everything the upload did, record the refusal, and show why (422)."""
    db.session.rollback()
    errors = [finding.code for finding in findings or [] if finding.is_error]
    record(
        "course_upload_refused",
        actor=current_user,
        target=course.id if course else "",
        ip=client_address(),
        reason=message[:300],
        codes=sorted(set(errors))[:20],
    )
    db.session.commit()
    page = render_template(
        "author/upload_refused.html", course=course, message=message, findings=findings
    )
    return page, 422


@bp.route("/<course_id>/statistics")
def statistics(course_id: str):
    course = editable_course_or_404(course_id)
    version = course.current_version
    number = int_arg("version")
    chosen = version_by_number(course.id, number) if number else None
    stats = question_statistics(course.id, chosen.id if chosen else None)
    language = (
        pick_content_language(version.languages, version.default_language, current_language())
        if version
        else current_language()
    )
    questions = {
        (module.key, question.key): (module, question)
        for module in (version.modules if version else [])
        for question in module.questions
    }
    return render_template(
        "author/statistics.html",
        course=course,
        version=version,
        chosen=chosen,
        numbers=[v.number for v in course.versions],
        stats=stats,
        questions=questions,
        language=language,
    )
