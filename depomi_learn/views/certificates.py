"""Certificates for their holders (list, PDF, signed credential) and their managers (list, revoke,
renew): admins everywhere, coordinators for the learners of their region."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..certificates.credentials import SigningKeyError, build_credential, sign_credential
from ..certificates.issuing import (
    REASON_MAX,
    REASON_MIN,
    CertificateError,
    Status,
    can_manage_certificate,
    can_view_certificate,
    certificate_status,
    certificates_of,
    certificates_visible_to,
    find_certificate,
    open_renewal,
    revoke_certificate,
    status_condition,
)
from ..certificates.stored import render_and_store, stored_pdf
from ..database import paginate
from ..extensions import db
from ..models import Certificate, User
from ..permissions import MANAGER_ROLES, role_required
from .inputs import page_arg
from .security import client_address
from .transactions import writes_on_get

bp = Blueprint("certificates", __name__, url_prefix="/certificates")


def _refusal(reason: str) -> str:
    messages = {
        "reason_required": ngettext(
            "Give the reason for revoking, at least %(num)d character: it is shown publicly.",
            "Give the reason for revoking, at least %(num)d characters: it is shown publicly.",
            REASON_MIN,
        ),
        "reason_too_long": ngettext(
            "Keep the reason under %(num)d character.",
            "Keep the reason under %(num)d characters.",
            REASON_MAX,
        ),
        "already_revoked": _("This certificate was already revoked."),
        "not_expired": _("Only an expired certificate can be renewed."),
        "already_renewed": _("A newer certificate exists for this course."),
        "course_unavailable": _("The learner is no longer enrolled in this course."),
    }
    return messages.get(reason, reason)


def _viewable_or_404(code: str) -> Certificate:
    certificate = find_certificate(code)
    if certificate is None or not can_view_certificate(current_user, certificate):
        abort(404)  # never confirm that a certificate exists to someone who may not see it
    return certificate


def _manageable_or_404(code: str) -> Certificate:
    certificate = find_certificate(code)
    if certificate is None or not can_manage_certificate(current_user, certificate):
        abort(404)
    return certificate


@bp.route("/")
@login_required
def mine():
    certificates = certificates_of(current_user)
    return render_template(
        "certificates/mine.html",
        certificates=[(c, certificate_status(c)) for c in certificates],
        Status=Status,
    )


@bp.route("/<code>.pdf")
@login_required
def pdf(code: str):
    certificate = _viewable_or_404(code)
    stored = stored_pdf(certificate)
    if stored is None:  # issued but not rendered yet (a crash in between): render it once now
        writes_on_get()
        stored = render_and_store(certificate.id) or abort(404)  # an erased holder's is gone
    response = Response(stored.data, mimetype="application/pdf")
    response.set_etag(stored.data_sha256)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code}.pdf"'
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response.make_conditional(request)


@bp.route("/<code>/credential.jwt")
@login_required
def credential(code: str):
    certificate = _viewable_or_404(code)
    status = certificate_status(certificate)
    if status in (Status.REVOKED, Status.EXPIRED):
        message = (
            _("This certificate was revoked: no credential is issued for it.")
            if status == Status.REVOKED
            else _("This certificate has expired: no credential is issued for it.")
        )
        abort(410, description=message)
    try:
        token = sign_credential(build_credential(certificate))
    except SigningKeyError:
        abort(503)
    response = Response(token, mimetype="application/vc+jwt")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="openbadge-{certificate.code}.jwt"'
    )
    return response


@bp.route("/manage")
@role_required(*MANAGER_ROLES)
def manage():
    query_text = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    page = page_arg()
    query = certificates_visible_to(current_user).join(User, User.id == Certificate.user_id)
    if status in {s.value for s in Status if s != Status.NOT_FOUND}:
        query = query.where(status_condition(Status(status)))
    if query_text:
        pattern = f"%{query_text.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Certificate.holder_name_latin).like(pattern),
                Certificate.holder_name_arabic.like(f"%{query_text}%"),
                sa.func.lower(Certificate.course_id).like(pattern),
                Certificate.code == query_text.upper(),
            )
        )
    found = paginate(query.order_by(Certificate.issued_at.desc(), Certificate.id.desc()), page)
    return render_template(
        "certificates/manage.html",
        certificates=[(c, certificate_status(c)) for c in found.items],
        q=query_text,
        status=status,
        pages=found,
        Status=Status,
    )


@bp.route("/manage/<code>")
@role_required(*MANAGER_ROLES)
def detail(code: str):
    certificate = _manageable_or_404(code)
    return render_template(
        "certificates/detail.html",
        certificate=certificate,
        status=certificate_status(certificate),
        Status=Status,
        reason_min=REASON_MIN,
        reason_max=REASON_MAX,
    )


@bp.route("/manage/<code>/revoke", methods=["POST"])
@role_required(*MANAGER_ROLES)
def revoke(code: str):
    certificate = _manageable_or_404(code)
    try:
        revoke_certificate(
            certificate,
            actor=current_user,
            reason=request.form.get("reason", ""),
            ip=client_address(),
        )
    except CertificateError as refusal:
        db.session.rollback()
        flash(_refusal(refusal.reason), "error")
        return redirect(url_for("certificates.detail", code=certificate.code))
    db.session.commit()
    flash(_("Certificate %(code)s revoked.", code=certificate.code), "success")
    return redirect(url_for("certificates.detail", code=certificate.code))


@bp.route("/<code>/renew", methods=["POST"])
@login_required
def renew(code: str):
    certificate = _viewable_or_404(code)
    manager = can_manage_certificate(current_user, certificate)
    if not manager and certificate.user_id != current_user.id:
        abort(403)
    try:
        open_renewal(certificate, actor=current_user, ip=client_address())
    except CertificateError as refusal:
        db.session.rollback()
        flash(_refusal(refusal.reason), "error")
    else:
        db.session.commit()
        if manager and certificate.user_id != current_user.id:
            flash(_("Renewal opened: the learner completes the course again."), "success")
        else:
            flash(_("Complete the course again to receive a new certificate."), "success")
            return redirect(url_for("catalog.course", course_id=certificate.course_id))
    if manager:
        return redirect(url_for("certificates.detail", code=certificate.code))
    return redirect(url_for("certificates.mine"))
