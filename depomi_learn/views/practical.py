"""Practical work: learners hand in work; trainers review it; coordinators count it."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from ..certificates.stored import render_issued_pdfs
from ..extensions import db
from ..i18n import current_language, pick_content_language
from ..learning.catalog import find_module, visible_course
from ..learning.practical_work import SubmissionRefused
from ..learning.practical_work.files import stored_path
from ..learning.practical_work.reviews import Decision, decide, review_queue, work_counts, work_of
from ..learning.practical_work.submissions import Upload, submissions_for, submit
from ..learning.progress import find_enrolment
from ..models import Role, Submission, SubmissionFile, utcnow
from ..permissions import can_review_submission, can_view_submission, role_required
from .security import client_address

bp = Blueprint("practical", __name__)
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}


@bp.route("/courses/<course_id>/modules/<module_key>/work", methods=["POST"])
@login_required
def hand_in(course_id: str, module_key: str):
    course = visible_course(current_user, course_id) or abort(404)
    _index, module = find_module(course.current_version, module_key) or abort(404)
    if module.practical_work is None:
        abort(404)
    if find_enrolment(current_user, course.id) is None:
        abort(403)
    uploads = [_read_upload(storage) for storage in request.files.getlist("files")]
    back = url_for("learn.module", course_id=course.id, module_key=module.key) + "#work"
    try:
        submit(current_user, course.id, module, request.form.get("text", ""), uploads)
    except SubmissionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Your work is handed in. A trainer will review it."), "success")
    return redirect(back)


def _read_upload(storage: FileStorage) -> Upload:
    with storage.stream:  # a large upload is a temporary file: close it now
        return Upload(storage.filename or "", storage.stream.read())


@bp.route("/work/files/<int:file_id>")
@login_required
def download(file_id: int):
    item = db.session.get(SubmissionFile, file_id)
    if item is None or not can_view_submission(current_user, item.submission):
        abort(404)  # other people's work does not exist for you
    try:
        path = stored_path(item.stored_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)  # lost from disk (a restore without the folder): say so, not 500
    response = send_file(
        path,
        mimetype=MEDIA_TYPES[item.file_type],
        as_attachment=True,
        download_name=item.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/work/review")
@role_required(Role.TRAINER, Role.ADMIN)
def queue():
    return render_template(
        "practical/queue.html", submissions=review_queue(current_user), now=utcnow()
    )


def _reviewable_or_404(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or not can_review_submission(current_user, submission):
        abort(404)
    return submission


@bp.route("/work/review/<int:submission_id>")
@role_required(Role.TRAINER, Role.ADMIN)
def review(submission_id: int):
    submission = _reviewable_or_404(submission_id)
    work = work_of(submission)
    version = submission.version
    language = pick_content_language(
        version.languages, version.default_language, current_language()
    )
    everything = submissions_for(submission.user, submission.course_id, submission.module_key)
    history = [s for s in everything if s.id != submission.id]
    return render_template(
        "practical/review.html",
        submission=submission,
        work=work,
        text=work.text_for(language, version.default_language),
        language=language,
        history=history,
        now=utcnow(),
    )


@bp.route("/work/review/<int:submission_id>", methods=["POST"])
@role_required(Role.TRAINER, Role.ADMIN)
def record_review(submission_id: int):
    submission = _reviewable_or_404(submission_id)
    work = work_of(submission)
    levels = {}
    for criterion in work.rubric:
        value = request.form.get(f"level-{criterion['id']}", "")
        if value.isdigit() and len(value) < 3:
            levels[criterion["id"]] = int(value)
    feedback = request.form.get("feedback", "")[:10_000]
    decision = Decision(request.form.get("decision", ""), levels, feedback)
    try:
        decide(current_user, submission, decision, ip=client_address())
    except SubmissionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("practical.review", submission_id=submission_id))
    db.session.commit()
    render_issued_pdfs()  # a passed review may complete the course: its PDF, after commit
    flash(_("Your review is recorded; the learner can read it."), "success")
    return redirect(url_for("practical.queue"))


@bp.route("/work/counts")
@role_required(Role.COORDINATOR, Role.ADMIN)
def counts():
    return render_template("practical/counts.html", rows=work_counts(current_user))
