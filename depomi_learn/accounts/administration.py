"""Account administration: create, edit, (de)activate, within the acting person's own rights.

The rights rule lives in permissions (`can_manage_user`, `assignable_roles`,
`may_place_in_region`); every function here checks it again, so a tampered form cannot go
around the choices the page offered. Audit events name accounts as "user:<id>", which survives
email changes and erasure.
"""

from flask_babel import gettext as _

from .. import audit
from ..learning.assignments import apply_open_assignments
from ..models import User
from ..permissions import assignable_roles, can_manage_user, may_place_in_region
from .users import (
    PROFILE_FIELDS,
    AccountError,
    UserFields,
    changes_of,
    check_fields,
    create_user,
    find_user_by_email,
    institution_named,
    normalise_email,
)


def account_target(user: User) -> str:
    return f"user:{user.id}"


def check_rights(actor: User, fields: UserFields, target: User | None = None) -> None:
    """Raise AccountError unless `actor` may give these values (to `target`, when editing)."""
    if target is not None and not can_manage_user(actor, target):
        raise AccountError("account", _("is outside your rights"))
    if fields.role not in assignable_roles(actor):
        raise AccountError("role", _("is above your own rights"))
    region = fields.region or (fields.province.region if fields.province else None)
    if not may_place_in_region(actor, region.id if region else None):
        raise AccountError("region", _("is outside your own region"))
    if target is not None and target.id == actor.id and fields.role != actor.role:
        raise AccountError("role", _("you cannot change your own role"))


def create_account(actor: User, fields: UserFields, *, ip: str = "") -> User:
    """Create an account without a password (the person sets it through a reset link)."""
    fields.password = None
    check_rights(actor, fields)
    user = create_user(fields)
    audit.record(
        "user_created", actor=actor, target=account_target(user), ip=ip, role=user.role.value
    )
    return user


def create_account_from_command_line(fields: UserFields) -> User:
    """Create an account for the operator of `flask users create`, who has every right."""
    user = create_user(fields)
    audit.record("user_created", actor=None, target=account_target(user), role=user.role.value)
    return user


def update_account(actor: User, user: User, fields: UserFields, *, ip: str = "") -> list[str]:
    """Apply the edited values to `user`; return the names of the fields that changed."""
    fields.email = normalise_email(fields.email)
    check_rights(actor, fields, user)
    check_fields(fields, new=False)
    if fields.email != user.email and find_user_by_email(fields.email) is not None:
        raise AccountError("email", _("an account with this email already exists"))
    values = {
        "email": fields.email,
        "name_latin": fields.name_latin.strip(),
        "name_arabic": fields.name_arabic.strip(),
        "role": fields.role,
        "region": fields.region or (fields.province.region if fields.province else None),
        "province": fields.province,
        "institution": institution_named(fields.institution_name),
        "job_function": fields.job_function.strip(),
        "preferred_language": fields.preferred_language,
        "sex": fields.sex,
        "institution_type": fields.institution_type,
        "post_category": fields.post_category,
    }
    changes = changes_of(user, {name: values[name] for name in PROFILE_FIELDS})
    changed = list(changes)
    if "role" in changed:
        audit.record(
            "role_changed",
            actor=actor,
            target=account_target(user),
            ip=ip,
            before=user.role.value,
            after=fields.role.value,
        )
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        audit.record(
            "user_updated",
            actor=actor,
            target=account_target(user),
            ip=ip,
            fields=changed,
            changes=changes,
        )
        apply_open_assignments(user)
    return changed


def set_active(actor: User, user: User, active: bool, *, ip: str = "") -> None:
    """Deactivate (signing the person out on their next request) or reactivate an account."""
    if not can_manage_user(actor, user):
        raise AccountError("account", _("is outside your rights"))
    if user.id == actor.id:
        raise AccountError("active", _("you cannot deactivate your own account"))
    if user.erased_at is not None:
        raise AccountError("active", _("an erased account cannot be reactivated"))
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_version += 1
    audit.record(
        "user_reactivated" if active else "user_deactivated",
        actor=actor,
        target=account_target(user),
        ip=ip,
    )
