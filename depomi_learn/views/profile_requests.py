"""Coordinators decide learners' requests to move to their region, province or institution.

A request is reached only through `change_requests_visible_to` / `can_decide_change_request`:
another region's requests answer 404, on the list and on every decision.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import demographics
from ..accounts.profile_changes import accept_request, pending_requests_for, refuse_request
from ..accounts.users import AccountError
from ..extensions import db
from ..i18n import current_language
from ..models import ProfileChangeRequest, User
from ..permissions import MANAGER_ROLES, can_decide_change_request, role_required
from .forms import DecisionForm
from .security import client_address

bp = Blueprint("profile_requests", __name__, url_prefix="/coordinate/requests")
LARGEST_ID = 2**31 - 1  # beyond any row: a 30-digit id is a 404, not a database error


def _actor() -> User:
    return current_user._get_current_object()


def _decidable_or_404(request_id: int) -> ProfileChangeRequest:
    found = db.session.get(ProfileChangeRequest, request_id) if request_id <= LARGEST_ID else None
    if found is None or not can_decide_change_request(_actor(), found):
        abort(404)
    return found


@bp.route("/")
@role_required(*MANAGER_ROLES)
def pending():
    return render_template(
        "profile_requests/pending.html",
        requests=pending_requests_for(_actor()),
        form=DecisionForm(),
        label=demographics.label,
        language=current_language(),
    )


@bp.route("/<int:request_id>/accept", methods=["POST"])
@role_required(*MANAGER_ROLES)
def accept(request_id: int):
    change = _decidable_or_404(request_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        accept_request(_actor(), change, ip=client_address())
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Accepted: the person now belongs to the place they asked for."), "success")
    return redirect(url_for("profile_requests.pending"))


@bp.route("/<int:request_id>/refuse", methods=["POST"])
@role_required(*MANAGER_ROLES)
def refuse(request_id: int):
    change = _decidable_or_404(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        refuse_request(_actor(), change, form.reason.data or "", ip=client_address())
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Refused: the person stays where they are and sees your reason."), "success")
    return redirect(url_for("profile_requests.pending"))
