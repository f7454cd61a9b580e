"""A course's authors: owners choose co-authors; admins may name owners of any course."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.users import find_user_by_email
from ..extensions import db
from ..models import Course, CourseAuthor, Role, User
from ..permissions import AUTHOR_ROLES
from . import AuthoringError


def authors_of(course: Course) -> list[CourseAuthor]:
    """Return a course's authors, owners first."""
    return list(
        db.session.scalars(
            sa.select(CourseAuthor)
            .join(User, User.id == CourseAuthor.user_id)
            .where(CourseAuthor.course_id == course.id)
            .order_by(CourseAuthor.is_owner.desc(), User.name_latin)
        )
    )


def add_author(course: Course, email: str, by: User, *, owner: bool = False) -> CourseAuthor:
    """Add a trainer as a co-author (or, for admins, as an owner) of `course`."""
    if owner and by.role != Role.ADMIN:
        raise AuthoringError(_("Only an administrator can name an owner."))
    user = find_user_by_email(email)
    if user is None or not user.active:
        raise AuthoringError(_("No active account has this email address."))
    if user.role not in AUTHOR_ROLES:
        raise AuthoringError(_("Only trainers can be authors of a course."))
    row = db.session.scalars(
        sa.select(CourseAuthor).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user.id
        )
    ).first()
    if row is not None:
        if owner and not row.is_owner:
            row.is_owner = True
            db.session.flush()
            return row
        raise AuthoringError(_("%(name)s is already an author.", name=user.name_latin))
    row = CourseAuthor(course_id=course.id, user_id=user.id, is_owner=owner, added_by_id=by.id)
    db.session.add(row)
    db.session.flush()
    return row


def remove_author(course: Course, user_id: int, by: User) -> CourseAuthor:
    """Remove an author; owners can only be removed by an admin, and never the last one."""
    row = db.session.scalars(
        sa.select(CourseAuthor).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user_id
        )
    ).first()
    if row is None:
        raise AuthoringError(_("This person is not an author of the course."))
    if row.is_owner:
        if by.role != Role.ADMIN:
            raise AuthoringError(_("Only an administrator can remove an owner."))
        owners = db.session.scalar(
            sa.select(sa.func.count()).where(
                CourseAuthor.course_id == course.id, CourseAuthor.is_owner.is_(True)
            )
        )
        if (owners or 0) <= 1:
            raise AuthoringError(_("A course keeps at least one owner: name another one first."))
    db.session.delete(row)
    db.session.flush()
    return row
