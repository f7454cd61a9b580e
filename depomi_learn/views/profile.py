"""The profile page: a person's own names, language, demographics and place; staff never change
their scope here, and a learner's move to another region waits for that region's coordinator."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit
from ..accounts import demographics
from ..accounts.administration import account_target
from ..accounts.profile_changes import (
    OwnProfile,
    Place,
    ScopeError,
    latest_request,
    pending_request,
    save_own_profile,
)
from ..accounts.users import AccountError
from ..extensions import db
from ..i18n import LANGUAGE_NAMES, current_language
from ..models import Province, Region, User
from ..permissions import own_profile_fields
from .forms import PasswordChangeForm, ProfileForm
from .security import client_address

bp = Blueprint("profile", __name__)


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
            return redirect(url_for("profile.profile"))
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
