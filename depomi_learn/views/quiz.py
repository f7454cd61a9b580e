"""Taking quizzes: start or resume an attempt, autosave, submit once, see the result."""

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..certificates.stored import render_issued_pdfs
from ..database import commit_keeping_objects
from ..extensions import db
from ..i18n import current_language, pick_content_language
from ..learning.catalog import content_language, find_module, visible_course
from ..learning.quiz_review import answers_shown, review
from ..learning.quizzes import (
    QuizRefused,
    grade_submission,
    record_submission,
    save_answers,
    start_attempt,
)
from ..models import QuizAttempt, utcnow
from .security import keeps_on_session_end
from .transactions import reads_first, start_writing

bp = Blueprint("quiz", __name__)

REFUSALS = {
    "not_enrolled": lambda: _("Enrol in the course to take its quizzes."),
    "no_quiz": lambda: _("This module has no quiz."),
    "no_attempts_left": lambda: _("You have used all your attempts at this quiz."),
    "pre_test_closed": lambda: _("The pre-test closes when the first day of your session begins."),
}


def _own_attempt_or_404(attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)  # other people's attempts do not exist for you
    return attempt


def _keep_answers_of_ended_session() -> None:
    """Save the answers a learner sent after their session ended, before signing them out."""
    start_writing()  # submit reads first (`reads_first`); saving here writes at once
    db.session.commit()
    attempt = db.session.get(QuizAttempt, request.view_args.get("attempt_id", 0))
    mine = attempt is not None and attempt.user_id == current_user.id and attempt.is_open
    if mine and save_answers(attempt, answers_from_form(attempt)):
        db.session.commit()
        flash(_("Your answers are saved. Sign in again to submit them."), "info")


def answers_from_form(attempt: QuizAttempt) -> dict[str, object]:
    """Read the answers of an attempt's questions from the submitted form."""
    raw: dict[str, object] = {}
    for question in attempt.questions:
        name = f"q-{question['key']}"
        if question["type"] == "multiple":
            if request.form.get(f"{name}-shown"):  # an unticked box is an answer too
                raw[question["key"]] = request.form.getlist(name)
        elif name in request.form:
            raw[question["key"]] = request.form.get(name, "")
    return raw


@bp.route("/courses/<course_id>/modules/<module_key>/quiz", methods=["POST"])
@login_required
def start(course_id: str, module_key: str):
    course = visible_course(current_user, course_id) or abort(404)
    _index, module = find_module(course.current_version, module_key) or abort(404)
    language = content_language(
        course.current_version, request.args.get("lang", ""), current_language()
    )
    try:
        attempt = start_attempt(current_user, module, language)
    except QuizRefused as refusal:
        db.session.commit()  # attempts whose time ran out were closed meanwhile
        flash(REFUSALS[refusal.reason](), "error")
        return redirect(
            url_for("learn.module", course_id=course.id, module_key=module.key, lang=language)
        )
    db.session.commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/quiz/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    version = attempt.version
    language = pick_content_language(version.languages, version.default_language, attempt.language)
    template = "quiz/attempt.html" if attempt.is_open else "quiz/result.html"
    if attempt.is_open and attempt.deadline_at and utcnow() > attempt.deadline_at:
        template = "quiz/time_up.html"
    module = next((m for m in version.modules if m.key == attempt.module_key), None)
    reviewed, shown = [], False
    if not attempt.is_open:
        shown = answers_shown(attempt, current_user)
        reviewed = review(attempt, language, version.default_language, show_answers=shown)
    return render_template(
        template,
        attempt=attempt,
        module_title=module.text_for(language).title if module else attempt.module_key,
        version=version,
        language=language,
        default_language=version.default_language,
        attempts_used=attempt.number,
        review=reviewed,
        answers_shown=shown,
    )


@bp.route("/quiz/attempts/<int:attempt_id>/save", methods=["POST"])
@keeps_on_session_end(_keep_answers_of_ended_session)
@login_required
def save(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    saved = save_answers(attempt, answers_from_form(attempt))
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(
            saved=saved,
            saved_at=attempt.answers_saved_at.isoformat() if attempt.answers_saved_at else None,
        ), (200 if saved else 409)
    if saved:
        flash(_("Your answers are saved."), "success")
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/quiz/attempts/<int:attempt_id>/submit", methods=["POST"])
@keeps_on_session_end(_keep_answers_of_ended_session)
@login_required
@reads_first
def submit(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    # Graded in a read transaction: the write lock (BEGIN IMMEDIATE on SQLite) is then held
    # for the one UPDATE and what completing the module writes.
    submission = grade_submission(attempt, answers_from_form(attempt))
    commit_keeping_objects()
    start_writing()
    record_submission(attempt, submission)
    db.session.commit()
    render_issued_pdfs()  # a completion issued a certificate: its PDF, now the lock is released
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
