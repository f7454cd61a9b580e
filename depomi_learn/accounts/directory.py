"""Finding people and what was done: the account list of the administration pages and the
audit log, each filtered by what the searcher may see and counted for paging; the audit log also
as a table for its CSV export."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased

from ..audit import action_labels
from ..database import paginate, paginate_rows
from ..extensions import db
from ..models import AuditEvent, Region, Role, User
from ..models.types import parse_id
from ..permissions import users_manageable_by
from ..reports.tables import Column, Table, stream_rows
from .administration import account_target
from .users import find_user_by_email

AUDIT_COLUMNS = (
    Column("at", _l("When")),
    Column("actor", _l("Who")),
    Column("action", _l("What")),
    Column("target", _l("Whom or what")),
    Column("ip_address", _l("From")),
    Column("details", _l("Details")),
)


@dataclass(frozen=True)
class AuditSearch:
    """What the audit log is filtered by: text, action, and days (Casablanca), all optional."""

    text: str = ""
    action: str = ""
    first_day: date | None = None
    last_day: date | None = None

    def query_args(self) -> dict[str, str]:
        """Return the search as the audit page's query arguments (pager, export links)."""
        days = {"from": self.first_day, "to": self.last_day}
        return {
            "q": self.text,
            "action": self.action,
            **{name: day.isoformat() for name, day in days.items() if day},
        }


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


def _day_start(day: date) -> datetime:
    """The first instant of `day` where the programme works (the interface's time zone)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


def _audit_query(search: AuditSearch) -> sa.Select:
    """Events matching `search`, newest first, as rows (event, actor's email)."""
    query = sa.select(AuditEvent, User.email).outerjoin(User, AuditEvent.actor_id == User.id)
    if search.action:
        query = query.where(AuditEvent.action == search.action)
    if search.first_day:
        query = query.where(AuditEvent.at >= _day_start(search.first_day))
    if search.last_day:
        query = query.where(AuditEvent.at < _day_start(search.last_day + timedelta(days=1)))
    if search.text:
        pattern = f"%{search.text.lower()}%"
        matches = [
            sa.func.lower(AuditEvent.target).like(pattern),
            sa.func.lower(User.email).like(pattern),
            AuditEvent.ip_address == search.text,
        ]
        named = find_user_by_email(search.text)
        if named is not None:
            matches.append(AuditEvent.target == account_target(named))
        query = query.where(sa.or_(*matches))
    return query.order_by(AuditEvent.id.desc())


def search_audit(search: AuditSearch, page: int) -> Pagination:
    """Return one page of audit events, newest first, of `search.action` (any when empty), in
    its days, whose person, target or address matches its text. Items are rows (event, actor's
    email)."""
    return paginate_rows(_audit_query(search), page)


def audit_table(search: AuditSearch) -> Table:
    """Return every event matching `search` as a table, streamed (the CSV export)."""
    target_user = aliased(User)
    query = (
        _audit_query(search)
        .with_only_columns(
            AuditEvent.at,
            User.email.label("actor"),
            AuditEvent.action,
            AuditEvent.target,
            AuditEvent.ip_address,
            AuditEvent.details,
            target_user.email.label("target_email"),
        )
        .outerjoin(
            target_user,
            AuditEvent.target == sa.literal("user:") + sa.cast(target_user.id, sa.String),
        )
    )
    return Table("audit", AUDIT_COLUMNS, _audit_rows(stream_rows(query)))


def _audit_rows(rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, object]]:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    labels = action_labels()
    for row in rows:
        details = row["details"] or {}
        yield {
            "at": row["at"].astimezone(zone).isoformat(timespec="seconds"),
            "actor": row["actor"] or "",
            "action": labels.get(row["action"], row["action"]),
            "target": row["target_email"] or row["target"],
            "ip_address": row["ip_address"],
            "details": "; ".join(f"{key}={value}" for key, value in sorted(details.items())),
        }


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
