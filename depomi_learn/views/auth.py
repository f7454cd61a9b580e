"""Signing in (password, then a two-factor code when enrolled) and out, password reset links
(handed over, or asked for by email), changing one's password, and the language switcher."""

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user

from .. import audit
from ..accounts import ratelimit, two_factor
from ..accounts.administration import account_target
from ..accounts.mail import mail_configured
from ..accounts.passwords import hash_password, password_problem, verify_password
from ..accounts.resets import find_reset, request_reset_link, send_reset_link, use_reset
from ..accounts.sign_in import check_password, check_second_factor, record_sign_in
from ..accounts.users import AccountError, normalise_email
from ..extensions import db
from ..models import User
from .forms import (
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    ResetPasswordForm,
    TwoFactorCodeForm,
)
from .security import (
    client_address,
    end_session,
    limit_hits,
    open_before_two_factor,
    pick_language,
    safe_next_url,
    start_session,
)

bp = Blueprint("auth", __name__)
PENDING = "two_factor"  # session key: password checked, code still to come
PENDING_SECONDS = 300


def _too_many(template: str, form, retry_after: int):
    response = make_response(
        render_template(
            template, form=form, retry_after=retry_after, throttled=True, mail=mail_configured()
        ),
        429,
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def _throttled_attempt(account: str) -> tuple[ratelimit.Hits, int | None]:
    """Record a sign-in attempt, in flight from its address and against its account, and count
    it with every worker's; the address's failures are watched (see `ratelimit`)."""
    return limit_hits(
        [
            (ratelimit.SIGN_IN_IN_FLIGHT, client_address()),
            (ratelimit.SIGN_IN_PER_ACCOUNT, account),
        ],
        watched=[(ratelimit.SIGN_IN_PER_ADDRESS, client_address())],
    )


def _complete_sign_in(user: User, method: str) -> None:
    start_session(user)
    record_sign_in(user, method, ip=client_address())


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, mail=mail_configured())
    email = normalise_email(form.email.data)
    attempt, retry_after = _throttled_attempt(email)
    if retry_after is not None:
        return _too_many("auth/login.html", form, retry_after)
    user = check_password(email, form.password.data, ip=client_address())
    if user is None:
        ratelimit.count_failure(attempt, ratelimit.SIGN_IN_PER_ADDRESS)
        db.session.commit()
        flash(_("Email or password is incorrect."), "error")
        return render_template("auth/login.html", form=form, mail=mail_configured())
    ratelimit.forget(attempt)
    next_url = safe_next_url(request.args.get("next"), url_for("catalog.home"))
    if user.totp_enabled:
        end_session(keep_pick=True)  # only the language just picked survives into the code step
        session[PENDING] = {
            "user": user.id,
            "version": user.session_version,
            "at": int(time.time()),
            "next": next_url,
        }
        db.session.commit()
        return redirect(url_for("auth.enter_code"))
    _complete_sign_in(user, "password")
    db.session.commit()
    return redirect(next_url)


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or not user.totp_enabled:
        return None
    return user if user.session_version == pending.get("version") else None


@bp.route("/login/code", methods=["GET", "POST"])
def enter_code():
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        attempt, retry_after = _throttled_attempt(user.email)
        if retry_after is not None:
            return _too_many("auth/two_factor.html", form, retry_after)
        method = check_second_factor(user, form.code.data, ip=client_address())
        if method is None:
            ratelimit.count_failure(attempt, ratelimit.SIGN_IN_PER_ADDRESS)
            db.session.commit()
            form.code.errors.append(_("This code is not correct, or it was already used."))
            return render_template("auth/two_factor.html", form=form)
        ratelimit.forget(attempt)
        next_url = safe_next_url(session[PENDING].get("next"), url_for("catalog.home"))
        _complete_sign_in(user, method)
        db.session.commit()
        if method == "recovery_code":
            flash(
                ngettext(
                    "You signed in with a recovery code; %(num)d left. Make new ones on "
                    "your two-factor page.",
                    "You signed in with a recovery code; %(num)d left. Make new ones on "
                    "your two-factor page.",
                    two_factor.recovery_codes_left(user),
                ),
                "info",
            )
        return redirect(next_url)
    return render_template("auth/two_factor.html", form=form)


@bp.route("/logout", methods=["POST"])
@open_before_two_factor
@login_required
def logout():
    user = current_user._get_current_object()
    user.session_version += 1  # every copy of this user's session cookies stops working
    audit.record("sign_out", actor=user, target=account_target(user), ip=client_address())
    db.session.commit()
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset = find_reset(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = use_reset(reset, form.new_password.data)
        except AccountError as error:
            if error.field == "token":
                return render_template("auth/reset_invalid.html"), 404
            form.new_password.errors.append(error.message)
        else:
            audit.record(
                "password_reset", actor=user, target=account_target(user), ip=client_address()
            )
            db.session.commit()
            if current_user.is_authenticated:
                end_session()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=reset.user)


@bp.route("/reset", methods=["GET", "POST"])
def forgot_password():
    if not mail_configured():  # without mail, links are handed over by coordinators and admins
        abort(404)
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form)
    email = normalise_email(form.email.data)
    _hits, retry_after = limit_hits(
        [
            (ratelimit.RESET_REQUESTS_PER_ADDRESS, client_address()),
            (ratelimit.RESET_REQUESTS_PER_ACCOUNT, email),
        ]
    )
    if retry_after is not None:
        return _too_many("auth/forgot.html", form, retry_after)
    found = request_reset_link(email, ip=client_address())
    if found is not None:
        db.session.commit()  # the link exists before the (slow) mail that carries it
        send_reset_link(*found)  # a failure is logged, never told: the answer stays the same
    flash(
        _(
            "If an account uses this address, a link to choose a new password is on its way. "
            "It works once, for a limited time."
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@open_before_two_factor
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    pick_language(language)
    if current_user.is_authenticated:
        current_user.preferred_language = language
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next"), url_for("catalog.home")))


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm(prefix="pw")
    if not form.validate_on_submit():
        abort(400)
    # A refused new password is no sign-in attempt: only a wrong current password counts.
    problem = password_problem(form.new_password.data)
    if problem:
        flash(_("New password: %(problem)s", problem=problem), "error")
        return redirect(url_for("profile.profile"))
    attempt, retry_after = _throttled_attempt(user.email)
    if retry_after is not None:
        flash(_("Too many attempts. Wait a moment and try again."), "error")
        return redirect(url_for("profile.profile"))
    if not verify_password(user.password_hash, form.current_password.data):
        ratelimit.count_failure(attempt, ratelimit.SIGN_IN_PER_ADDRESS)
        db.session.commit()
        flash(_("The current password is not correct."), "error")
        return redirect(url_for("profile.profile"))
    ratelimit.forget(attempt)
    user.password_hash = hash_password(form.new_password.data)
    user.session_version += 1  # other devices are signed out
    audit.record("password_changed", actor=user, target=account_target(user), ip=client_address())
    db.session.commit()
    login_user(user)  # keep this device signed in with the new session version
    flash(_("Your password is changed; other devices are signed out."), "success")
    return redirect(url_for("profile.profile"))
