"""A person's own profile: what changes at once, and a learner's move to another place, which
waits for a coordinator of the region asked for (or national staff) to accept it.

Staff never change their own scope here: a region or province that differs from theirs is
refused. Every change is one audit event with the before and after of the fields it touched.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from .. import audit
from ..database import rows_changed
from ..extensions import db
from ..learning.assignments import apply_open_assignments
from ..models import (
    ProfileChangeRequest,
    Province,
    Region,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from ..permissions import STAFF_ROLES, can_decide_change_request, change_requests_visible_to
from .administration import account_target
from .users import AccountError, changes_of, institution_named, list_value

REASON_MAX = 500


class ScopeError(AccountError):
    """A person tried to change their own scope (region, province): refused, never applied."""


@dataclass
class Place:
    """Where a person works: region (None = national), province, institution and its type."""

    region: Region | None
    province: Province | None
    institution_name: str = ""
    institution_type: str | None = None

    def normalised(self) -> tuple:
        region = self.region or (self.province.region if self.province else None)
        return (
            region.id if region else None,
            self.province.id if self.province else None,
            " ".join(self.institution_name.split()),
            self.institution_type or None,
        )


@dataclass
class OwnProfile:
    """What a person submits about themselves on their profile page."""

    name_latin: str
    place: Place
    name_arabic: str = ""
    job_function: str = ""
    preferred_language: str = "fr"
    sex: str = ""
    post_category: str = ""


def current_place(user: User) -> Place:
    return Place(
        region=user.region,
        province=user.province,
        institution_name=user.institution.name if user.institution else "",
        institution_type=user.institution_type,
    )


def pending_request(user: User) -> ProfileChangeRequest | None:
    return db.session.scalar(
        sa.select(ProfileChangeRequest).where(
            ProfileChangeRequest.user_id == user.id,
            ProfileChangeRequest.status == RequestStatus.PENDING,
        )
    )


def latest_request(user: User) -> ProfileChangeRequest | None:
    """Return the person's most recent request, whatever its status."""
    return db.session.scalars(
        sa.select(ProfileChangeRequest)
        .where(ProfileChangeRequest.user_id == user.id)
        .order_by(ProfileChangeRequest.id.desc())
        .limit(1)
    ).first()


def _check(profile: OwnProfile) -> dict[str, object]:
    """Validate the directly changed values and return them by field name."""
    if not profile.name_latin.strip():
        raise AccountError("name_latin", _("is required"))
    if profile.preferred_language not in current_app.config["LANGUAGES"]:
        raise AccountError("preferred_language", _("must be one of fr, ar, en"))
    place = profile.place
    if place.province and place.region and place.province.region_id != place.region.id:
        raise AccountError("province", _("This province is not in the chosen region."))
    place.institution_type = list_value("institution_type", place.institution_type or "")
    return {
        "name_latin": profile.name_latin.strip(),
        "name_arabic": profile.name_arabic.strip(),
        "job_function": profile.job_function.strip(),
        "preferred_language": profile.preferred_language,
        "sex": list_value("sex", profile.sex) or "not_stated",
        "post_category": list_value("post_category", profile.post_category),
    }


def save_own_profile(
    user: User, profile: OwnProfile, *, ip: str = ""
) -> ProfileChangeRequest | None:
    """Apply a person's own changes; a learner's new place becomes a pending request.

    Returns the pending request, if any. Raises ScopeError when staff name another region or
    province than theirs, AccountError for an invalid value. Flushes, never commits.
    """
    values = _check(profile)
    place = profile.place
    if user.role in STAFF_ROLES:
        if place.normalised()[:2] != current_place(user).normalised()[:2]:
            raise ScopeError("region", _("staff cannot change their own region or province"))
        values["institution"] = institution_named(place.institution_name)
        values["institution_type"] = place.institution_type
        pending = None
    else:
        pending = _request_place(user, place, ip=ip)
    changes = changes_of(user, values)
    for name in changes:
        setattr(user, name, values[name])
    if changes:
        audit.record(
            "profile_updated", actor=user, target=account_target(user), ip=ip, changes=changes
        )
    return pending


def _place_changes(user: User, place: Place) -> dict[str, dict[str, object]]:
    region = place.region or (place.province.region if place.province else None)
    return {
        name: {"before": before, "after": after}
        for name, before, after in zip(
            ("region", "province", "institution", "institution_type"),
            (
                user.region.code if user.region else None,
                user.province.code if user.province else None,
                user.institution.name if user.institution else "",
                user.institution_type,
            ),
            (
                region.code if region else None,
                place.province.code if place.province else None,
                place.normalised()[2],
                place.institution_type,
            ),
            strict=True,
        )
        if before != after
    }


def _request_place(user: User, place: Place, *, ip: str) -> ProfileChangeRequest | None:
    """Open, keep, replace or withdraw the learner's request for `place`."""
    pending = pending_request(user)
    if pending is not None and _requested_place(pending).normalised() == place.normalised():
        return pending
    if pending is not None:
        _close(pending, RequestStatus.WITHDRAWN, decided_by=user)
        audit.record(
            "profile_change_withdrawn",
            actor=user,
            target=account_target(user),
            ip=ip,
            request=pending.id,
        )
    if place.normalised() == current_place(user).normalised():
        return None
    region = place.region or (place.province.region if place.province else None)
    request = ProfileChangeRequest(
        user_id=user.id,
        region=region,
        province=place.province,
        institution_name=place.normalised()[2],
        institution_type=place.institution_type,
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "profile_change_requested",
        actor=user,
        target=account_target(user),
        ip=ip,
        request=request.id,
        changes=_place_changes(user, place),
    )
    return request


def _requested_place(request: ProfileChangeRequest) -> Place:
    return Place(
        region=request.region,
        province=request.province,
        institution_name=request.institution_name,
        institution_type=request.institution_type,
    )


def _close(request: ProfileChangeRequest, status: RequestStatus, *, decided_by: User) -> None:
    request.status = status.value
    request.decided_by_id = decided_by.id
    request.decided_at = utcnow()
    db.session.flush()


def _claim(
    actor: User, request: ProfileChangeRequest, status: RequestStatus, reason: str = ""
) -> None:
    """Decide `request` once: a second decision, even in a parallel transaction, is refused."""
    if not can_decide_change_request(actor, request):
        raise AccountError("request", _("is outside your rights"))
    claimed = rows_changed(
        sa.update(ProfileChangeRequest)
        .where(
            ProfileChangeRequest.id == request.id,
            ProfileChangeRequest.status == RequestStatus.PENDING,
        )
        .values(status=status.value, decided_by_id=actor.id, decided_at=utcnow(), reason=reason)
        .execution_options(synchronize_session=False)
    )
    if claimed != 1:
        raise AccountError("request", _("This request was already decided."))
    db.session.expire(request)


def accept_request(actor: User, request: ProfileChangeRequest, *, ip: str = "") -> None:
    """Move the person to the place they asked for, in the caller's transaction."""
    user = request.user
    if user.role != Role.LEARNER or user.erased_at is not None:
        raise AccountError("request", _("This person's place is now managed by administrators."))
    _claim(actor, request, RequestStatus.ACCEPTED)
    place = _requested_place(request)
    changes = _place_changes(user, place)
    user.region = place.region
    user.province = place.province
    user.institution = institution_named(place.institution_name)
    user.institution_type = place.institution_type
    db.session.flush()
    apply_open_assignments(user)  # a learner who moved gets the new place's assignments
    audit.record(
        "profile_change_accepted",
        actor=actor,
        target=account_target(user),
        ip=ip,
        request=request.id,
        changes=changes,
    )


def refuse_request(
    actor: User, request: ProfileChangeRequest, reason: str, *, ip: str = ""
) -> None:
    """Refuse `request` with a reason the person will read; nothing about them changes."""
    reason = " ".join(reason.split())[:REASON_MAX]
    _claim(actor, request, RequestStatus.REFUSED, reason)
    audit.record(
        "profile_change_refused",
        actor=actor,
        target=account_target(request.user),
        ip=ip,
        request=request.id,
        reason=reason,
    )


def pending_requests_for(user: User) -> list[ProfileChangeRequest]:
    """Return the pending requests `user` may decide, oldest first, with what the page shows."""
    return list(
        db.session.scalars(
            change_requests_visible_to(user)
            .where(ProfileChangeRequest.status == RequestStatus.PENDING)
            .options(
                selectinload(ProfileChangeRequest.user).selectinload(User.region),
                selectinload(ProfileChangeRequest.user).selectinload(User.province),
                selectinload(ProfileChangeRequest.user).selectinload(User.institution),
                selectinload(ProfileChangeRequest.region),
                selectinload(ProfileChangeRequest.province),
            )
            .order_by(ProfileChangeRequest.created_at, ProfileChangeRequest.id)
        )
    )


def pending_count_for(user: User) -> int:
    """Return how many pending requests `user` may decide (one query)."""
    visible = change_requests_visible_to(user).where(
        ProfileChangeRequest.status == RequestStatus.PENDING
    )
    return db.session.execute(
        sa.select(sa.func.count()).select_from(visible.subquery())
    ).scalar_one()
