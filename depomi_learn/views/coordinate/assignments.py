"""Coordinators' assignments: a course assigned to a place or chosen learners, with a due date."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...i18n import current_language, format_day
from ...learning.assignments import (
    AssignmentError,
    AssignmentTarget,
    cancel_assignment,
    change_due_date,
    create_assignment,
    matching_learners,
    target_in_scope,
)
from ...learning.prerequisites import learners_lacking, prerequisite_versions, quoted_titles
from ...models import Assignment, Course
from ...permissions import MANAGER_ROLES, assignments_visible_to, is_national, role_required
from ...reports.filters import FilterError, filter_choices
from ...reports.queries import assignment_progress
from ..forms import AssignmentForm, DueDateForm
from ..security import client_address
from .common import bp


def _assignment_form(language: str) -> tuple[AssignmentForm, dict]:
    form = AssignmentForm()
    choices = filter_choices(current_user, language)
    anyone = [("", _("Any"))]
    form.course.choices = choices["course"]
    form.region.choices = anyone + choices["region"]
    form.province.choices = anyone + choices["province"]
    form.institution.choices = anyone + choices["institution"]
    form.job_function.choices = anyone + choices["job_function"]
    return form, choices


def _target_from(form: AssignmentForm) -> AssignmentTarget:
    place = {
        key: getattr(form, key).data
        for key in ("course", "region", "province", "institution", "job_function")
    }
    try:
        return target_in_scope(current_user, place, form.learners.data or "", form.due_on.data)
    except FilterError as error:
        abort(error.status)


@bp.route("/assignments", methods=["GET", "POST"])
@role_required(*MANAGER_ROLES)
def assignments():
    language = current_language()
    form, _choices = _assignment_form(language)
    if form.validate_on_submit():
        try:
            assignment, count = create_assignment(
                current_user, _target_from(form), ip=client_address()
            )
        except AssignmentError as error:
            if error.status == 404:
                abort(404)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Assigned to %(num)d learner, due on %(date)s.",
                    "Assigned to %(num)d learners, due on %(date)s.",
                    count,
                    date=format_day(form.due_on.data),
                ),
                "success",
            )
            _warn_of_prerequisites(assignment, language)
            return redirect(url_for("coordinate.assignments", created=assignment.id))
    listed = db.session.scalars(
        assignments_visible_to(current_user)
        .options(
            selectinload(Assignment.course).selectinload(Course.current_version),
            selectinload(Assignment.region),
            selectinload(Assignment.province),
            selectinload(Assignment.institution),
            selectinload(Assignment.created_by),
        )
        .order_by(Assignment.due_at.desc(), Assignment.id.desc())
        .limit(200)
    ).all()
    return render_template(
        "coordinate/assignments.html",
        form=form,
        assignments=listed,
        progress=assignment_progress(current_user, [a.id for a in listed]),
        national=is_national(current_user),
    )


def _warn_of_prerequisites(assignment: Assignment, language: str) -> None:
    """Tell how many of the learners assigned have not completed the course's prerequisites:
    the assignment enrols them all the same (it is the coordinator's decision)."""
    version = assignment.course.current_version
    lacking = learners_lacking(version, matching_learners(assignment))
    if not lacking:
        return
    courses = quoted_titles(prerequisite_versions(version), language)
    flash(
        ngettext(
            "%(num)d of these learners has not completed the prerequisites of this course "
            "(%(courses)s). The assignment enrols them all the same: ask them to complete "
            "the prerequisites first.",
            "%(num)d of these learners have not completed the prerequisites of this course "
            "(%(courses)s). The assignment enrols them all the same: ask them to complete "
            "the prerequisites first.",
            lacking,
            courses=courses,
        ),
        "warning",
    )


def _assignment_in_scope(assignment_id: int) -> Assignment:
    """Return the assignment if the current user may manage it; 404 otherwise."""
    assignment = db.session.scalar(
        assignments_visible_to(current_user).where(Assignment.id == assignment_id)
    )
    if assignment is None:
        abort(404)
    return assignment


@bp.post("/assignments/<int:assignment_id>/due-date")
@role_required(*MANAGER_ROLES)
def assignment_due_date(assignment_id: int):
    assignment = _assignment_in_scope(assignment_id)
    form = DueDateForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid due date."), "error")
        return redirect(url_for("coordinate.assignments"))
    try:
        count = change_due_date(current_user, assignment, form.due_on.data, ip=client_address())
    except AssignmentError as error:
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(url_for("coordinate.assignments"))
    db.session.commit()
    flash(
        ngettext(
            "Due date moved to %(date)s for %(num)d learner.",
            "Due date moved to %(date)s for %(num)d learners.",
            count,
            date=format_day(form.due_on.data),
        ),
        "success",
    )
    return redirect(url_for("coordinate.assignments"))


@bp.post("/assignments/<int:assignment_id>/cancel")
@role_required(*MANAGER_ROLES)
def assignment_cancel(assignment_id: int):
    assignment = _assignment_in_scope(assignment_id)
    if assignment.cancelled_at is None:
        cancel_assignment(current_user, assignment, ip=client_address())
        db.session.commit()
    flash(_("Assignment cancelled. Learners keep their progress."), "success")
    return redirect(url_for("coordinate.assignments"))
