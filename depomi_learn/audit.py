"""Recording audit events."""

from .extensions import db
from .models import AuditEvent, User


def record(
    action: str, *, actor: User | None, target: str = "", ip: str = "", **details: object
) -> None:
    """Add an audit event to the session (committed with the change it describes)."""
    db.session.add(
        AuditEvent(
            action=action,
            actor_id=actor.id if actor is not None else None,
            target=target,
            ip_address=ip,
            details=details,
        )
    )
