"""Signing in and out, the profile page, and the language switcher."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..accounts import find_user_by_email, institution_named
from ..extensions import db
from ..forms import LoginForm, PasswordChangeForm, ProfileForm
from ..i18n import LANGUAGE_NAMES, current_language
from ..models import Province, Region, utcnow
from ..passwords import hash_password, needs_rehash, password_problem, verify_password
from ..security import client_address, safe_next_url

bp = Blueprint("auth", __name__)

# Verifying against this when the email is unknown makes both failures take the same time.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    if "value" not in _DUMMY_HASH:
        _DUMMY_HASH["value"] = hash_password("not-a-real-password")
    return _DUMMY_HASH["value"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        password_ok = verify_password(
            user.password_hash if user else _dummy_hash(), form.password.data
        )
        if user and password_ok and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(user)
            user.last_login_at = utcnow()
            audit.record("sign_in", actor=user, target=user.email, ip=client_address())
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next"), url_for("catalog.home")))
        audit.record(
            "sign_in_failed", actor=None, target=form.email.data[:200], ip=client_address()
        )
        db.session.commit()
        flash(_("Email or password is incorrect."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = current_user._get_current_object()
    user.session_version += 1  # every copy of this user's session cookies stops working
    audit.record("sign_out", actor=user, target=user.email, ip=client_address())
    db.session.commit()
    logout_user()
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["language"] = language
    if current_user.is_authenticated:
        current_user.preferred_language = language
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next"), url_for("catalog.home")))


def _profile_choices(form: ProfileForm) -> None:
    language = current_language()
    regions = db.session.scalars(sa.select(Region).order_by(Region.number)).all()
    form.region.choices = [("", _("National (no region)"))] + [
        (r.code, r.name(language)) for r in regions
    ]
    provinces = db.session.scalars(sa.select(Province).order_by(Province.name_fr)).all()
    form.province.choices = [("", "—")] + [(p.code, p.name(language)) for p in provinces]
    form.preferred_language.choices = list(LANGUAGE_NAMES.items())


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=None if request.method == "POST" else _profile_defaults(user))
    _profile_choices(form)
    password_form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        region = db.session.scalar(sa.select(Region).where(Region.code == form.region.data))
        province = db.session.scalar(sa.select(Province).where(Province.code == form.province.data))
        if province and region and province.region_id != region.id:
            form.province.errors.append(_("This province is not in the chosen region."))
        else:
            user.name_latin = form.name_latin.data.strip()
            user.name_arabic = (form.name_arabic.data or "").strip()
            user.region = region or (province.region if province else None)
            user.province = province
            user.institution = institution_named(form.institution.data or "")
            user.job_function = (form.job_function.data or "").strip()
            user.preferred_language = form.preferred_language.data
            session["language"] = user.preferred_language
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=password_form)


def _profile_defaults(user):
    class Defaults:
        name_latin = user.name_latin
        name_arabic = user.name_arabic
        region = user.region.code if user.region else ""
        province = user.province.code if user.province else ""
        institution = user.institution.name if user.institution else ""
        job_function = user.job_function
        preferred_language = user.preferred_language

    return Defaults


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm(prefix="pw")
    if not form.validate_on_submit() or not verify_password(
        user.password_hash, form.current_password.data
    ):
        flash(_("The current password is not correct."), "error")
        return redirect(url_for("auth.profile"))
    problem = password_problem(form.new_password.data)
    if problem:
        flash(_("New password: %(problem)s", problem=problem), "error")
        return redirect(url_for("auth.profile"))
    user.password_hash = hash_password(form.new_password.data)
    user.session_version += 1  # other devices are signed out
    audit.record("password_changed", actor=user, target=user.email, ip=client_address())
    db.session.commit()
    login_user(user)  # keep this device signed in with the new session version
    flash(_("Your password is changed; other devices are signed out."), "success")
    return redirect(url_for("auth.profile"))
