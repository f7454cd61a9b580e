"""Recording audit events, and the one list of the actions they name."""

from flask_babel import lazy_gettext as _l

from .extensions import db
from .models import AuditEvent, User

# Every action an audit event may name, with its label in the audit log (None: shown as is).
ACTIONS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Failed sign-in"),
    "two_factor_failed": _l("Wrong two-factor code"),
    "sign_out": _l("Signed out"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password set from a link"),
    "password_reset_link_created": _l("Password link made"),
    "two_factor_enabled": _l("Two-factor turned on"),
    "two_factor_disabled": _l("Two-factor turned off"),
    "two_factor_reset": _l("Two-factor removed by an administrator"),
    "recovery_codes_renewed": _l("Recovery codes replaced"),
    "user_created": _l("Account created"),
    "user_updated": _l("Account edited"),
    "role_changed": _l("Role changed"),
    "user_deactivated": _l("Account deactivated"),
    "user_reactivated": _l("Account reactivated"),
    "user_erased": _l("Person erased"),
    "users_imported": _l("Accounts imported"),
    "data_exported": _l("Personal data downloaded"),
    "audit_log_exported": _l("Audit log downloaded"),
    "course_imported": _l("Course imported"),
    "course_created": _l("Course created"),
    "course_published": _l("Course published"),
    "course_rolled_back": _l("Course rolled back"),
    "course_author_added": _l("Course author added"),
    "course_author_removed": _l("Course author removed"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.renewal_open": _l("Certificate renewal opened"),
    "profile_updated": None,
    "profile_change_requested": None,
    "profile_change_withdrawn": None,
    "profile_change_accepted": None,
    "profile_change_refused": None,
    "profile_change_blocked": None,
    "course_draft_uploaded": None,
    "course_draft_discarded": None,
    "course_image_uploaded": None,
    "course_module_removed": None,
    "assignment_created": None,
    "assignment_due_date_changed": None,
    "assignment_cancelled": None,
    "course_upload_refused": None,
    "practical_work_reviewed": _l("Practical work reviewed"),
    "session.create": _l("Session planned"),
    "session.update": _l("Session changed"),
    "session.cancel": _l("Session cancelled"),
    "session.close": _l("Session closed"),
    "session.register": _l("Registered in a session"),
    "session.unregister": _l("Registration in a session cancelled"),
    "session.attendance_correct": _l("Attendance of a closed session corrected"),
}


def record(
    action: str, *, actor: User | None, target: str = "", ip: str = "", **details: object
) -> None:
    """Add an audit event to the session (committed with the change it describes)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.ACTIONS")
    db.session.add(
        AuditEvent(
            action=action,
            actor_id=actor.id if actor is not None else None,
            target=target,
            ip_address=ip,
            details=details,
        )
    )


def action_labels() -> dict[str, str]:
    """Return the label of each action that has one, in the current language."""
    return {name: str(label) for name, label in ACTIONS.items() if label is not None}
