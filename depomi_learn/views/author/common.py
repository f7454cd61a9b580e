"""The authoring blueprint and what its pages share.

Every page under /author/<course_id> goes through `editable_course_or_404`: a course the user
may not edit answers 404 at every door, so its existence is not even confirmed.
"""

from flask import Blueprint, abort, current_app, url_for
from flask_login import current_user

from ...audit import record
from ...authoring.drafts import get_draft
from ...extensions import db
from ...models import Course, CourseDraft
from ...permissions import AUTHOR_ROLES, can_edit_course
from ..security import client_address

bp = Blueprint("author", __name__, url_prefix="/author")


@bp.before_request
def _trainers_and_admins_only():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.has_role(*AUTHOR_ROLES):
        abort(403)
    return None


def editable_course_or_404(course_id: str) -> Course:
    """Return the course if the current user may edit it; 404 otherwise."""
    course = db.session.get(Course, course_id)
    if course is None or not can_edit_course(current_user, course):
        abort(404)
    return course


def draft_or_404(course: Course, *, lock: bool = False) -> CourseDraft:
    """Return the course's draft, or 404 when nobody started one."""
    draft = get_draft(course.id, lock=lock)
    if draft is None:
        abort(404)
    return draft


def course_url(course: Course, **values: object) -> str:
    return url_for("author.course", course_id=course.id, **values)


def audit(action: str, course: Course, **details: object) -> None:
    """Record an authoring action in the audit trail."""
    record(action, actor=current_user, target=course.id, ip=client_address(), **details)
