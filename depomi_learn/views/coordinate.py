"""Coordinators: the learners of their region (or of the country) and their progress."""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..extensions import db
from ..models import Enrolment, Role, User
from ..permissions import can_view_learner, learners_visible_to, role_required

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")
PAGE_SIZE = 50


@bp.route("/")
@role_required(Role.COORDINATOR, Role.ADMIN)
def learners():
    page = max(request.args.get("page", 1, type=int), 1)
    visible = learners_visible_to(current_user).where(User.role == Role.LEARNER).subquery()
    counts = (
        sa.select(
            visible.c.id,
            visible.c.name_latin,
            visible.c.name_arabic,
            visible.c.email,
            sa.func.count(Enrolment.id).label("enrolled"),
            sa.func.count(Enrolment.completed_at).label("completed"),
        )
        .outerjoin(Enrolment, Enrolment.user_id == visible.c.id)
        .group_by(visible.c.id, visible.c.name_latin, visible.c.name_arabic, visible.c.email)
        .order_by(visible.c.name_latin, visible.c.id)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(visible))
    rows = db.session.execute(counts.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "coordinate/learners.html", rows=rows, page=page, total=total, page_size=PAGE_SIZE
    )


@bp.route("/learners/<int:user_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def learner(user_id: int):
    learner = db.session.get(User, user_id)
    if learner is None or not can_view_learner(current_user, learner):
        abort(404)  # never confirm that someone exists in another region
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.user_id == learner.id).order_by(Enrolment.enrolled_at)
    ).all()
    return render_template("coordinate/learner.html", learner=learner, enrolments=enrolments)
