"""A person's own security and data: two-factor authentication, recovery codes, data download."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from .. import audit
from ..accounts import two_factor
from ..accounts.administration import account_target
from ..accounts.passwords import verify_password
from ..accounts.privacy import personal_data
from ..extensions import db
from ..models import utcnow
from .forms import TwoFactorCodeForm, TwoFactorEnrolForm, TwoFactorOffForm
from .security import client_address, open_before_two_factor

bp = Blueprint("account", __name__, url_prefix="/account")


def _me():
    return current_user._get_current_object()


@bp.route("/two-factor")
@open_before_two_factor
@login_required
def two_factor_page():
    user = _me()
    # A pending secret the key no longer opens counts as none: the person starts again.
    secret = None if user.totp_enabled else two_factor.secret_of(user)
    return render_template(
        "account/two_factor.html",
        required=two_factor.is_required_for(user),
        enrolling=secret is not None,
        secret=secret,
        qr_code=two_factor.qr_code_data_uri(user) if secret else None,
        codes_left=two_factor.recovery_codes_left(user) if user.totp_enabled else 0,
        form=TwoFactorCodeForm(),
        enrol_form=TwoFactorEnrolForm(),
        off_form=TwoFactorOffForm(prefix="off"),
    )


@bp.route("/two-factor/start", methods=["POST"])
@open_before_two_factor
@login_required
def two_factor_start():
    user = _me()
    if not user.totp_enabled:
        two_factor.start_enrolment(user)
        db.session.commit()
    return redirect(url_for("account.two_factor_page"))


@bp.route("/two-factor/confirm", methods=["POST"])
@open_before_two_factor
@login_required
def two_factor_confirm():
    user = _me()
    form = TwoFactorEnrolForm()
    codes = (
        two_factor.confirm_enrolment(user, form.code.data) if form.validate_on_submit() else None
    )
    if not codes:
        db.session.rollback()
        flash(_("This code is not correct. Check the time on your phone and try again."), "error")
        return redirect(url_for("account.two_factor_page"))
    audit.record("two_factor_enabled", actor=user, target=account_target(user), ip=client_address())
    db.session.commit()
    login_user(user)  # this device stays signed in under the new session version
    return render_template("account/recovery_codes.html", codes=codes)


@bp.route("/two-factor/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes():
    user = _me()
    form = TwoFactorCodeForm()
    if not (form.validate_on_submit() and two_factor.accept_code(user, form.code.data)):
        db.session.rollback()
        flash(_("This code is not correct, or it was already used."), "error")
        return redirect(url_for("account.two_factor_page"))
    codes = two_factor.new_recovery_codes(user)
    audit.record(
        "recovery_codes_renewed", actor=user, target=account_target(user), ip=client_address()
    )
    db.session.commit()
    return render_template("account/recovery_codes.html", codes=codes)


@bp.route("/two-factor/off", methods=["POST"])
@login_required
def two_factor_off():
    user = _me()
    form = TwoFactorOffForm(prefix="off")
    if two_factor.is_required_for(user):
        flash(_("Your role requires two-factor authentication: it cannot be turned off."), "error")
        return redirect(url_for("account.two_factor_page"))
    valid = (
        form.validate_on_submit()
        and verify_password(user.password_hash, form.password.data)
        and two_factor.accept_code(user, form.code.data)
    )
    if not valid:
        db.session.rollback()
        flash(_("The password or the code is not correct."), "error")
        return redirect(url_for("account.two_factor_page"))
    two_factor.turn_off(user)
    audit.record(
        "two_factor_disabled", actor=user, target=account_target(user), ip=client_address()
    )
    db.session.commit()
    login_user(user)
    flash(_("Two-factor authentication is off."), "success")
    return redirect(url_for("account.two_factor_page"))


@bp.route("/data", methods=["POST"])
@login_required
def download_data():
    """Everything stored about the signed-in person, as a JSON file (POST: it is audited)."""
    user = _me()
    data = personal_data(user)
    audit.record("data_exported", actor=user, target=account_target(user), ip=client_address())
    db.session.commit()
    filename = f"depomi-learn-data-{utcnow():%Y-%m-%d}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
