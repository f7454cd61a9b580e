"""Finding people and what was done: the account list of the administration pages and the
audit log, each filtered by what the searcher may see and counted for paging."""

from collections.abc import Mapping

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from ..database import paginate, paginate_rows
from ..extensions import db
from ..models import AuditEvent, Region, Role, User
from ..models.types import parse_id
from ..permissions import users_manageable_by
from .administration import account_target
from .users import find_user_by_email


def search_users(actor: User, args: Mapping[str, str], page: int) -> Pagination:
    """Return one page of the accounts `actor` may manage that match `args` (q, role, region,
    status: active, inactive or erased; others: everyone not erased). Items are users."""
    query = users_manageable_by(actor)
    if args.get("q"):
        pattern = f"%{args['q'].lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(User.email).like(pattern),
                sa.func.lower(User.name_latin).like(pattern),
                User.name_arabic.like(f"%{args['q']}%"),
            )
        )
    if args.get("role") in {role.value for role in Role}:
        query = query.where(User.role == Role(args["role"]))
    if args.get("region") == "national":
        query = query.where(User.region_id.is_(None))
    elif args.get("region"):
        query = query.join(Region, User.region_id == Region.id).where(Region.code == args["region"])
    query = {
        "active": query.where(User.active.is_(True), User.erased_at.is_(None)),
        "inactive": query.where(User.active.is_(False), User.erased_at.is_(None)),
        "erased": query.where(User.erased_at.is_not(None)),
    }.get(args.get("status", ""), query.where(User.erased_at.is_(None)))
    return paginate(query.order_by(User.email), page)


def search_audit(text: str, action: str, page: int) -> Pagination:
    """Return one page of audit events, newest first, of `action` (any when empty) whose person,
    target or address matches `text`. Items are rows (event, actor's email)."""
    query = sa.select(AuditEvent, User.email).outerjoin(User, AuditEvent.actor_id == User.id)
    if action:
        query = query.where(AuditEvent.action == action)
    if text:
        pattern = f"%{text.lower()}%"
        matches = [
            sa.func.lower(AuditEvent.target).like(pattern),
            sa.func.lower(User.email).like(pattern),
            AuditEvent.ip_address == text,
        ]
        named = find_user_by_email(text)
        if named is not None:
            matches.append(AuditEvent.target == account_target(named))
        query = query.where(sa.or_(*matches))
    return paginate_rows(query.order_by(AuditEvent.id.desc()), page)


def recorded_actions() -> list[str]:
    """Return the actions the audit log holds, for its filter."""
    return list(
        db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def target_names(targets: list[str]) -> dict[str, str]:
    """Map "user:<id>" targets to the account's current email address."""
    ids = {parse_id(t[5:]) for t in targets if t.startswith("user:")} - {None}
    if not ids:
        return {}
    found = db.session.execute(sa.select(User.id, User.email).where(User.id.in_(ids))).all()
    return {f"user:{user_id}": email for user_id, email in found}
