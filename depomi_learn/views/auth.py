"""Signing in (password, then a two-factor code when enrolled) and out, password reset links
(handed over, or asked for by email), the profile page, and the language switcher."""

import time

import sqlalchemy as sa
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
from flask_login import current_user, login_required, login_user

from .. import audit
from ..accounts import demographics, ratelimit, two_factor
from ..accounts.administration import account_target
from ..accounts.mail import mail_configured
from ..accounts.passwords import hash_password, password_problem, verify_password
from ..accounts.profile_changes import (
    OwnProfile,
    Place,
    ScopeError,
    latest_request,
    pending_request,
    save_own_profile,
)
from ..accounts.resets import find_reset, request_reset_link, send_reset_link, use_reset
from ..accounts.sign_in import check_password, check_second_factor, record_sign_in
from ..accounts.users import AccountError, normalise_email
from ..extensions import db
from ..i18n import LANGUAGE_NAMES, current_language
from ..models import Province, Region, User
from ..permissions import own_profile_fields
from .forms import (
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
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
                _(
                    "You signed in with a recovery code; %(count)d left. Make new ones on "
                    "your two-factor page.",
                    count=two_factor.recovery_codes_left(user),
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


def _profile_form(user: User, allowed: frozenset[str], pending) -> ProfileForm:
    """The profile form with its choices; staff get no region or province field."""
    form = ProfileForm(data=None if request.method == "POST" else _profile_defaults(user, pending))
    language = current_language()
    if "region" in allowed:
        regions = db.session.scalars(sa.select(Region).order_by(Region.number)).all()
        form.region.choices = [("", _("National (no region)"))] + [
            (r.code, r.name(language)) for r in regions
        ]
        provinces = db.session.scalars(sa.select(Province).order_by(Province.name_fr)).all()
        form.province.choices = [("", "—")] + [(p.code, p.name(language)) for p in provinces]
    else:
        del form.region
        del form.province
    form.preferred_language.choices = list(LANGUAGE_NAMES.items())
    form.sex.choices = demographics.choices("sex", blank=None)
    form.institution_type.choices = demographics.choices("institution_type")
    form.post_category.choices = demographics.choices("post_category")
    return form


def _own_profile(form: ProfileForm, user: User) -> OwnProfile:
    if "region" in form:
        region = db.session.scalar(sa.select(Region).where(Region.code == form.region.data))
        province = db.session.scalar(sa.select(Province).where(Province.code == form.province.data))
    else:  # staff: their scope stays what it is
        region, province = user.region, user.province
    return OwnProfile(
        name_latin=form.name_latin.data or "",
        name_arabic=form.name_arabic.data or "",
        job_function=form.job_function.data or "",
        preferred_language=form.preferred_language.data,
        sex=form.sex.data or "",
        post_category=form.post_category.data or "",
        place=Place(region, province, form.institution.data or "", form.institution_type.data),
    )


def _refuse_scope_change(user: User, fields: list[str], form: ProfileForm, pending):
    """Answer 400, change nothing, and keep a trace of the attempt."""
    db.session.rollback()
    audit.record(
        "profile_change_blocked",
        actor=user,
        target=account_target(user),
        ip=client_address(),
        fields=fields,
    )
    db.session.commit()
    flash(
        _(
            "Your role, region, province and account are managed by administrators: "
            "nothing was changed."
        ),
        "error",
    )
    return _profile_page(form, pending), 400


def _profile_page(form: ProfileForm, pending):
    user = current_user._get_current_object()
    return render_template(
        "auth/profile.html",
        form=form,
        password_form=PasswordChangeForm(prefix="pw"),
        pending=pending,
        latest=latest_request(user),
        label=demographics.label,
        language=current_language(),
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    allowed = own_profile_fields(user)
    pending = pending_request(user)
    form = _profile_form(user, allowed, pending)
    if request.method == "POST":
        if any("\x00" in value for value in request.form.values()):
            abort(400)  # no browser sends a NUL byte; PostgreSQL would refuse to store it
        refused = sorted(set(request.form) - allowed - {"csrf_token"})
        if refused:
            return _refuse_scope_change(user, refused, form, pending)
    if form.validate_on_submit():
        try:
            pending = save_own_profile(user, _own_profile(form, user), ip=client_address())
        except ScopeError as error:
            return _refuse_scope_change(user, [error.field], form, pending)
        except AccountError as error:
            db.session.rollback()
            form._fields.get(error.field, form.name_latin).errors.append(error.message)
        else:
            session["language"] = user.preferred_language
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(form, pending)


def _profile_defaults(user: User, pending) -> dict:
    place = pending or user  # a pending request shows what was asked for
    return {
        "name_latin": user.name_latin,
        "name_arabic": user.name_arabic,
        "region": place.region.code if place.region else "",
        "province": place.province.code if place.province else "",
        "institution": pending.institution_name
        if pending
        else (user.institution.name if user.institution else ""),
        "institution_type": place.institution_type or "",
        "job_function": user.job_function,
        "post_category": user.post_category or "",
        "sex": user.sex,
        "preferred_language": user.preferred_language,
    }


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
        return redirect(url_for("auth.profile"))
    attempt, retry_after = _throttled_attempt(user.email)
    if retry_after is not None:
        flash(_("Too many attempts. Wait a moment and try again."), "error")
        return redirect(url_for("auth.profile"))
    if not verify_password(user.password_hash, form.current_password.data):
        ratelimit.count_failure(attempt, ratelimit.SIGN_IN_PER_ADDRESS)
        db.session.commit()
        flash(_("The current password is not correct."), "error")
        return redirect(url_for("auth.profile"))
    ratelimit.forget(attempt)
    user.password_hash = hash_password(form.new_password.data)
    user.session_version += 1  # other devices are signed out
    audit.record("password_changed", actor=user, target=account_target(user), ip=client_address())
    db.session.commit()
    login_user(user)  # keep this device signed in with the new session version
    flash(_("Your password is changed; other devices are signed out."), "success")
    return redirect(url_for("auth.profile"))
