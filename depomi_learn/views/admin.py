"""Administration: accounts (within the acting person's rights), bulk import, the audit log.

Coordinators manage the learners of their region here; admins manage everyone, import CSV
files, erase people on request and read the audit log. Every account is reached through
`users_manageable_by` or `can_manage_user`, so another region's people answer 404.
"""

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from .. import audit
from ..accounts import demographics, two_factor
from ..accounts.administration import account_target, create_account, set_active, update_account
from ..accounts.directory import (
    AuditSearch,
    audit_table,
    recorded_actions,
    search_audit,
    search_users,
    target_names,
)
from ..accounts.mail import MailError, mail_configured, send_mail
from ..accounts.privacy import erase_user
from ..accounts.resets import create_reset_link, reset_message
from ..accounts.users import AccountError, UserFields, find_user_by_email, import_users_csv
from ..audit import action_labels
from ..extensions import db
from ..i18n import LANGUAGE_NAMES, current_language
from ..models import AuditEvent, Province, Region, Role, User
from ..permissions import (
    MANAGER_ROLES,
    assignable_roles,
    can_manage_user,
    may_place_in_region,
    role_required,
)
from ..reports.exports import CSV_TYPE, csv_chunks, csv_separator
from .forms import AccountForm, EraseForm, ImportForm
from .inputs import date_arg, page_arg
from .security import client_address

bp = Blueprint("admin", __name__, url_prefix="/admin")
STATUSES = ("active", "inactive", "erased")
FORM_FIELDS = frozenset(
    {
        "email",
        "name_latin",
        "name_arabic",
        "role",
        "region",
        "province",
        "preferred_language",
        *demographics.LISTS,
    }
)


def _actor() -> User:
    return current_user._get_current_object()


def _manageable_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not can_manage_user(_actor(), user):
        abort(404)
    return user


def _regions_for(actor: User) -> list[Region]:
    regions = db.session.scalars(sa.select(Region).order_by(Region.number)).all()
    return [region for region in regions if may_place_in_region(actor, region.id)]


@bp.route("/users")
@role_required(*MANAGER_ROLES)
def users():
    actor = _actor()
    args = {name: request.args.get(name, "").strip()[:100] for name in ("q", "role", "region")}
    args["status"] = request.args.get("status", "")
    found = search_users(actor, args, page_arg())
    return render_template(
        "admin/users.html",
        users=found.items,
        args=args,
        pages=found,
        roles=assignable_roles(actor),
        regions=_regions_for(actor),
        national=may_place_in_region(actor, None),
    )


def _account_form(actor: User, user: User | None = None) -> AccountForm:
    defaults = None
    if user is not None and request.method == "GET":
        defaults = {
            "email": user.email,
            "name_latin": user.name_latin,
            "name_arabic": user.name_arabic,
            "role": user.role.value,
            "region": user.region.code if user.region else "",
            "province": user.province.code if user.province else "",
            "institution": user.institution.name if user.institution else "",
            "job_function": user.job_function,
            "preferred_language": user.preferred_language,
            "sex": user.sex,
            "institution_type": user.institution_type or "",
            "post_category": user.post_category or "",
        }
    form = AccountForm(data=defaults)
    language = current_language()
    form.role.choices = [(role.value, _role_name(role)) for role in assignable_roles(actor)]
    regions = _regions_for(actor)
    national = [("", _("National (no region)"))] if may_place_in_region(actor, None) else []
    form.region.choices = national + [(r.code, r.name(language)) for r in regions]
    # Grouped by region and tagged with it, so static/js/provinces.js can offer only the
    # chosen region's; the server checks it again (accounts.users.check_fields).
    form.province.choices = [SelectChoice("", "—")] + [
        SelectChoice(p.code, p.name(language), {"data-region": r.code}, r.name(language))
        for r in regions
        for p in r.provinces
    ]
    form.province.render_kw = {"data-region-select": form.region.id}
    form.preferred_language.choices = list(LANGUAGE_NAMES.items())
    form.sex.choices = demographics.choices("sex", blank=None)
    form.institution_type.choices = demographics.choices("institution_type")
    form.post_category.choices = demographics.choices("post_category")
    return form


def _role_name(role: Role) -> str:
    return {
        Role.LEARNER: _("Learner"),
        Role.TRAINER: _("Trainer"),
        Role.COORDINATOR: _("Coordinator"),
        Role.ADMIN: _("Administrator"),
    }[role]


def _fields_from(form: AccountForm) -> UserFields:
    region = db.session.scalar(sa.select(Region).where(Region.code == form.region.data))
    province = db.session.scalar(sa.select(Province).where(Province.code == form.province.data))
    return UserFields(
        email=form.email.data or "",
        name_latin=form.name_latin.data or "",
        name_arabic=form.name_arabic.data or "",
        role=Role(form.role.data),
        region=region,
        province=province,
        institution_name=form.institution.data or "",
        job_function=form.job_function.data or "",
        preferred_language=form.preferred_language.data,
        sex=form.sex.data or "",
        institution_type=form.institution_type.data or "",
        post_category=form.post_category.data or "",
    )


def _show_error(form: AccountForm, error: AccountError) -> None:
    if error.field in FORM_FIELDS:
        getattr(form, error.field).errors.append(error.message)
    else:
        flash(error.message, "error")


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(*MANAGER_ROLES)
def new_user():
    actor = _actor()
    form = _account_form(actor)
    if form.validate_on_submit():
        try:
            user = create_account(actor, _fields_from(form), ip=client_address())
        except AccountError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The account is created. Give the person a link to set their password."))
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(*MANAGER_ROLES)
def user(user_id: int):
    actor = _actor()
    target = _manageable_or_404(user_id)
    form = _account_form(actor, target)
    if form.validate_on_submit():
        try:
            changed = update_account(actor, target, _fields_from(form), ip=client_address())
        except AccountError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            sa.or_(AuditEvent.target == account_target(target), AuditEvent.actor_id == target.id)
        )
        .order_by(AuditEvent.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "admin/user.html",
        target=target,
        form=form,
        erase_form=EraseForm(prefix="erase"),
        events=events,
        role_name=_role_name,
    )


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(*MANAGER_ROLES)
def toggle_active(user_id: int):
    target = _manageable_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        set_active(_actor(), target, active, ip=client_address())
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The account is active.") if active else _("The account is deactivated."))
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
@role_required(*MANAGER_ROLES)
def reset_link(user_id: int):
    actor = _actor()
    target = _manageable_or_404(user_id)
    if not target.active:
        flash(_("Reactivate the account first."), "error")
        return redirect(url_for("admin.user", user_id=target.id))
    link = create_reset_link(target, actor=actor)
    audit.record(
        "password_reset_link_created",
        actor=actor,
        target=account_target(target),
        ip=client_address(),
    )
    db.session.commit()
    emailed = None
    if mail_configured():
        try:
            send_mail(target.email, *reset_message(target, link))
            emailed = True
        except MailError:
            emailed = False
    return render_template("admin/reset_link.html", target=target, link=link, emailed=emailed)


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@role_required(*MANAGER_ROLES)
def reset_two_factor(user_id: int):
    target = _manageable_or_404(user_id)
    two_factor.turn_off(target)
    audit.record(
        "two_factor_reset", actor=_actor(), target=account_target(target), ip=client_address()
    )
    db.session.commit()
    flash(_("Two-factor authentication is removed; the person sets it up again at sign-in."))
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/erase", methods=["POST"])
@role_required(Role.ADMIN)
def erase(user_id: int):
    target = _manageable_or_404(user_id)
    form = EraseForm(prefix="erase")
    if not form.validate_on_submit() or find_user_by_email(form.confirm_email.data) != target:
        flash(_("Type the person's email address exactly to confirm the erasure."), "error")
        return redirect(url_for("admin.user", user_id=target.id))
    try:
        erase_user(target, actor=_actor(), ip=client_address())
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.user", user_id=target.id))
    db.session.commit()
    flash(_("The person is erased. Their statistics and certificates remain, without their name."))
    return redirect(url_for("admin.users"))


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_users():
    form = ImportForm()
    report, dry_run, problem = None, request.form.get("action") == "check", None
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8")
        except UnicodeDecodeError as error:
            problem = _(
                "The file is not UTF-8 (byte %(position)d). Save it as “CSV UTF-8” and try again.",
                position=error.start,
            )
        else:
            report = import_users_csv(
                text,
                dry_run=dry_run,
                actor=_actor(),
                source=form.file.data.filename or "",
                ip=client_address(),
            )
            if report.errors or dry_run:
                db.session.rollback()
            else:
                db.session.commit()
    status = 422 if problem or (report and report.errors) else 200
    return (
        render_template(
            "admin/import.html",
            form=form,
            report=report,
            dry_run=dry_run,
            problem=problem,
            codes=demographics.codes,
        ),
        status,
    )


def _audit_search(values: Mapping[str, str]) -> AuditSearch:
    return AuditSearch(
        text=values.get("q", "").strip()[:100],
        action=values.get("action", "").strip()[:64],
        first_day=date_arg("from", values),
        last_day=date_arg("to", values),
    )


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    search = _audit_search(request.args)
    found = search_audit(search, page_arg())
    return render_template(
        "admin/audit.html",
        rows=found.items,
        targets=target_names([event.target for event, _email in found.items]),
        actions=recorded_actions(),
        labels=action_labels(),
        search=search,
        args=search.query_args(),
        pages=found,
    )


@bp.route("/audit.csv", methods=["POST"])  # it records the download: never on a GET
@role_required(Role.ADMIN)
def audit_export():
    search = _audit_search(request.form)
    audit.record(
        "audit_log_exported",
        actor=_actor(),
        ip=client_address(),
        **{f"filter_{key}": value for key, value in search.query_args().items() if value},
    )
    db.session.commit()  # recorded before the file leaves, whatever happens while it streams
    filename = f"depomi-audit-{date.today().isoformat()}.csv"
    separator = csv_separator(request.form.get("sep"))
    return Response(
        stream_with_context(csv_chunks(audit_table(search), separator)),
        content_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
