"""Administration: the list of accounts."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from ..extensions import db
from ..models import Role, User
from ..permissions import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    query_text = request.args.get("q", "").strip()[:100]
    page = max(request.args.get("page", 1, type=int), 1)
    query = sa.select(User)
    if query_text:
        pattern = f"%{query_text.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(User.email).like(pattern),
                sa.func.lower(User.name_latin).like(pattern),
                User.name_arabic.like(f"%{query_text}%"),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    users = db.session.scalars(
        query.order_by(User.email).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "admin/users.html", users=users, q=query_text, page=page, total=total, page_size=PAGE_SIZE
    )
