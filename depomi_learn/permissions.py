"""Who may see and do what. Each rule has two faces: a check for one object, a filter for lists."""

from collections.abc import Callable
from functools import wraps
from typing import Protocol

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from .extensions import db
from .models import (
    Assignment,
    Course,
    CourseAuthor,
    ProfileChangeRequest,
    Role,
    Submission,
    TrainingSession,
    User,
    session_trainer,
)

# Role groups, defined here once.
STAFF_ROLES = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)
MANAGER_ROLES = (Role.COORDINATOR, Role.ADMIN)  # reports, accounts, assignments, certificates
AUTHOR_ROLES = (Role.TRAINER, Role.ADMIN)  # write and publish courses
# What anyone may say about themselves on their profile page. Role, email and account state are
# never among them; a place (region, province) is a learner's only, and goes through a request.
OWN_PROFILE_FIELDS = frozenset(
    {
        "name_latin",
        "name_arabic",
        "institution",
        "institution_type",
        "job_function",
        "preferred_language",
        "sex",
        "post_category",
    }
)
SCOPE_FIELDS = frozenset({"region", "province"})


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


def _coordinated(user: User) -> sa.ColumnElement[bool]:
    """Return the condition on people that coordinator `user` follows: learners only (never
    trainers, coordinators or admins), of their region, or of every region when national."""
    condition = User.role == Role.LEARNER
    if user.region_id is not None:
        condition = sa.and_(condition, User.region_id == user.region_id)
    return condition


def _coordinates(user: User, person: User) -> bool:
    """Return whether coordinator `user` follows `person` (the check twin of `_coordinated`)."""
    return person.role == Role.LEARNER and (
        user.region_id is None or person.region_id == user.region_id
    )


def learners_visible_to(user: User) -> sa.Select:
    """Return a select of the users `user` may see as learners (the filter face).

    Admins see everyone; coordinators the learners they follow (and themselves); others
    themselves only. Staff of a coordinator's region are not theirs to see.
    """
    query = sa.select(User)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.COORDINATOR:
        return query.where(sa.or_(User.id == user.id, _coordinated(user)))
    return query.where(User.id == user.id)


def can_view_learner(user: User, learner: User) -> bool:
    """Return whether `user` may see `learner`'s profile and progress (the check face)."""
    if user.id == learner.id or user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and _coordinates(user, learner)


def users_manageable_by(user: User) -> sa.Select:
    """Return a select of the accounts `user` may administer (the filter face).

    Admins manage every account; coordinators manage the learners they follow, never staff,
    themselves nor erased accounts.
    """
    query = sa.select(User)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.COORDINATOR:
        return query.where(_coordinated(user), User.erased_at.is_(None))
    return query.where(sa.false())


def can_manage_user(user: User, target: User) -> bool:
    """Return whether `user` may administer `target`'s account (the check face)."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and target.erased_at is None and _coordinates(user, target)


def assignable_roles(user: User) -> tuple[Role, ...]:
    """Return the roles `user` may give: never one with rights that `user` does not have."""
    if user.role == Role.ADMIN:
        return tuple(Role)
    if user.role == Role.COORDINATOR:
        return (Role.LEARNER,)
    return ()


def may_place_in_region(user: User, region_id: int | None) -> bool:
    """Return whether `user` may give an account this region (None: national)."""
    if user.role == Role.ADMIN or (user.role == Role.COORDINATOR and user.region_id is None):
        return True
    return user.role == Role.COORDINATOR and region_id == user.region_id


def is_national(user: User) -> bool:
    """Return whether `user` follows every region (an admin or a coordinator without one)."""
    return user.role == Role.ADMIN or (user.role == Role.COORDINATOR and user.region_id is None)


def own_profile_fields(user: User) -> frozenset[str]:
    """Return the fields `user` may submit about themselves: staff never their scope."""
    return OWN_PROFILE_FIELDS if user.role in STAFF_ROLES else OWN_PROFILE_FIELDS | SCOPE_FIELDS


def change_requests_visible_to(user: User) -> sa.Select:
    """Return a select of the profile change requests `user` may see and decide (filter face).

    A request belongs to the region it asks for: its coordinators decide, national staff too.
    """
    query = sa.select(ProfileChangeRequest)
    if is_national(user):
        return query
    if user.role == Role.COORDINATOR:
        return query.where(ProfileChangeRequest.region_id == user.region_id)
    return query.where(sa.false())


def can_decide_change_request(user: User, request: ProfileChangeRequest) -> bool:
    """Return whether `user` may see and accept or refuse `request` (the check face)."""
    if is_national(user):
        return True
    return (
        user.role == Role.COORDINATOR
        and request.region_id is not None
        and request.region_id == user.region_id
    )


def assignments_visible_to(user: User) -> sa.Select:
    """Return a select of the assignments `user` may see and follow (the filter face)."""
    query = sa.select(Assignment)
    if is_national(user):
        return query
    if user.role == Role.COORDINATOR:
        return query.where(Assignment.region_id == user.region_id)
    return query.where(sa.false())


def can_view_assignment(user: User, assignment: Assignment) -> bool:
    """Return whether `user` may see `assignment` and its learners (the check face)."""
    if is_national(user):
        return True
    return user.role == Role.COORDINATOR and assignment.region_id == user.region_id


def courses_visible_to(user: User | None) -> sa.Select:
    """Return a select of the courses `user` may find in the catalogue."""
    query = sa.select(Course).where(Course.current_version_id.is_not(None))
    if user is None or not user.is_authenticated or user.role not in STAFF_ROLES:
        query = query.where(Course.archived.is_(False))
    return query


class _CourseState(Protocol):  # a Course, or the outline cache's head of one
    @property
    def current_version_id(self) -> int | None: ...

    @property
    def archived(self) -> bool: ...


def can_view_course(user: User | None, course: _CourseState) -> bool:
    """Return whether `user` may open `course`."""
    if course.current_version_id is None:
        return False
    if course.archived:
        return user is not None and user.is_authenticated and user.role in STAFF_ROLES
    return True


def courses_editable_by(user: User) -> sa.Select:
    """Return a select of the courses `user` may author: all for admins, a trainer's own."""
    query = sa.select(Course)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.TRAINER:
        authored = sa.select(CourseAuthor.course_id).where(CourseAuthor.user_id == user.id)
        return query.where(Course.id.in_(authored))
    return query.where(sa.false())


def can_edit_course(user: User, course: Course) -> bool:
    """Return whether `user` may read and change `course`'s drafts, versions and statistics."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.TRAINER and _author_row(user, course) is not None


def can_manage_authors(user: User, course: Course) -> bool:
    """Return whether `user` may add and remove `course`'s authors: its owners and admins."""
    if user.role == Role.ADMIN:
        return True
    row = _author_row(user, course) if user.role == Role.TRAINER else None
    return row is not None and row.is_owner


def _author_row(user: User, course: Course) -> CourseAuthor | None:
    return db.session.scalars(
        sa.select(CourseAuthor).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user.id
        )
    ).first()


def submissions_reviewable_by(user: User) -> sa.Select:
    """Return a select of the submissions `user` may review (the filter face).

    A submission is reviewed by the trainers of its course, or, when the assignment says
    `reviewers: region`, by the trainers of the learner's region; admins review everything.
    """
    query = sa.select(Submission)
    if user.role == Role.ADMIN:
        return query
    if user.role != Role.TRAINER:
        return query.where(sa.false())
    authored = sa.select(CourseAuthor.course_id).where(CourseAuthor.user_id == user.id)
    same_region = sa.select(User.id).where(
        User.region_id.is_not(None), User.region_id == user.region_id
    )
    return query.where(
        sa.or_(
            sa.and_(Submission.reviewers == "course", Submission.course_id.in_(authored)),
            sa.and_(Submission.reviewers == "region", Submission.user_id.in_(same_region)),
        )
    )


def can_review_submission(user: User, submission: Submission) -> bool:
    """Return whether `user` may review `submission` (the check face)."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.TRAINER:
        return False
    if submission.reviewers == "region":
        region_id = submission.user.region_id
        return region_id is not None and region_id == user.region_id
    course = db.session.get(Course, submission.course_id)
    return course is not None and _author_row(user, course) is not None


def submissions_visible_to(user: User) -> sa.Select:
    """Return a select of the submissions `user` may see and count (the filter face).

    Learners see their own; reviewers what they review; coordinators their region's learners'.
    """
    if user.role in (Role.ADMIN, Role.TRAINER):
        return submissions_reviewable_by(user)
    query = sa.select(Submission)
    if user.role == Role.COORDINATOR:
        if user.region_id is None:
            return query
        in_region = sa.select(User.id).where(User.region_id == user.region_id)
        return query.where(Submission.user_id.in_(in_region))
    return query.where(Submission.user_id == user.id)


def can_view_submission(user: User, submission: Submission) -> bool:
    """Return whether `user` may see `submission` and its files (the check face)."""
    if user.role in (Role.ADMIN, Role.TRAINER):
        return can_review_submission(user, submission)
    if user.role == Role.COORDINATOR:
        return user.region_id is None or user.region_id == submission.user.region_id
    return submission.user_id == user.id


def sessions_manageable_by(user: User) -> sa.Select:
    """Return a select of the sessions `user` may edit, move, cancel and take attendance of.

    Admins and national coordinators: all; a regional coordinator: their region's; a trainer:
    the sessions of the courses they author and those they are a trainer of.
    """
    query = sa.select(TrainingSession)
    if is_national(user):
        return query
    if user.role == Role.COORDINATOR:
        return query.where(TrainingSession.region_id == user.region_id)
    if user.role == Role.TRAINER:
        authored = sa.select(CourseAuthor.course_id).where(CourseAuthor.user_id == user.id)
        training = sa.select(session_trainer.c.session_id).where(
            session_trainer.c.user_id == user.id
        )
        return query.where(
            sa.or_(TrainingSession.course_id.in_(authored), TrainingSession.id.in_(training))
        )
    return query.where(sa.false())


def can_manage_session(user: User, session: TrainingSession) -> bool:
    """Return whether `user` may change `session` and its attendance (the check face)."""
    if is_national(user):
        return True
    if user.role == Role.COORDINATOR:
        return session.region_id == user.region_id
    if user.role == Role.TRAINER:
        return _author_row(user, session.course) is not None or any(
            trainer.id == user.id for trainer in session.trainers
        )
    return False


def can_create_session(user: User, course: Course, region_id: int) -> bool:
    """Return whether `user` may open a session of `course` in the region `region_id`."""
    if is_national(user):
        return True
    if user.role == Role.COORDINATOR:
        return region_id == user.region_id
    return user.role == Role.TRAINER and _author_row(user, course) is not None


def sessions_visible_to(user: User) -> sa.Select:
    """Return a select of the sessions `user` may see: their region's, or those they manage."""
    if user.role == Role.LEARNER:
        return sa.select(TrainingSession).where(TrainingSession.region_id == user.region_id)
    return sessions_manageable_by(user)


def can_view_session(user: User, session: TrainingSession) -> bool:
    """Return whether `user` may see `session` (the check face of sessions_visible_to)."""
    if user.role == Role.LEARNER:
        return user.region_id is not None and session.region_id == user.region_id
    return can_manage_session(user, session)
