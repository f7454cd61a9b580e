"""Finding people and what was done: the account list of the administration pages and the
audit log, each filtered by what the searcher may see and counted for paging."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEvent, Region, Role, User
from ..models.types import parse_id
from ..permissions import users_manageable_by
from .administration import account_target
from .users import find_user_by_email

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    rows: Sequence
    total: int
    page: int


def _page_of(query: sa.Select, page: int, *order: sa.ColumnElement) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(rows, total, page)


def search_users(actor: User, args: Mapping[str, str], page: int) -> Page:
    """Return one page of the accounts `actor` may manage that match `args` (q, role, region,
    status: active, inactive or erased; others: everyone not erased). Rows are users."""
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
    found = _page_of(query, page, User.email)
    return Page([user for (user,) in found.rows], found.total, page)


def search_audit(text: str, action: str, page: int) -> Page:
    """Return one page of audit events, newest first, of `action` (any when empty) whose person,
    target or address matches `text`. Rows are (event, actor's email)."""
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
    return _page_of(query, page, AuditEvent.id.desc())


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
