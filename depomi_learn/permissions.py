"""Who may see and do what. Each rule has two faces: a check for one object, a filter for lists."""

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from .models import Course, Role, User

STAFF_ROLES = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


def role_required(*roles: Role) -> Callable:
    """Let signed-in users with one of `roles` through; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: object, **kwargs: object) -> object:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def learners_visible_to(user: User) -> sa.Select:
    """Return a select of the users `user` may see as learners (the filter face)."""
    query = sa.select(User)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.COORDINATOR:
        if user.region_id is None:  # a national coordinator
            return query
        return query.where(User.region_id == user.region_id)
    return query.where(User.id == user.id)


def can_view_learner(user: User, learner: User) -> bool:
    """Return whether `user` may see `learner`'s profile and progress (the check face)."""
    if user.id == learner.id or user.role == Role.ADMIN:
        return True
    if user.role == Role.COORDINATOR:
        return user.region_id is None or user.region_id == learner.region_id
    return False


def courses_visible_to(user: User | None) -> sa.Select:
    """Return a select of the courses `user` may find in the catalogue."""
    query = sa.select(Course).where(Course.current_version_id.is_not(None))
    if user is None or not user.is_authenticated or user.role not in STAFF_ROLES:
        query = query.where(Course.archived.is_(False))
    return query


def can_view_course(user: User | None, course: Course) -> bool:
    """Return whether `user` may open `course`."""
    if course.current_version_id is None:
        return False
    if course.archived:
        return user is not None and user.is_authenticated and user.role in STAFF_ROLES
    return True
