"""Operations: the health check a load balancer polls."""

import sqlalchemy as sa
from flask import Blueprint, jsonify

from ..extensions import db
from .transactions import writes_on_get

bp = Blueprint("ops", __name__)

# PostgreSQL refuses writes on a standby or when transactions default to read-only.
PG_WRITABLE = sa.text(
    "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'"
)
# A write that changes no row: SQLite still opens a write transaction, which a file it may not
# write refuses ("attempt to write a readonly database").
SQLITE_WRITE = sa.text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0")


def _database_state() -> str:
    """Return "ok", "read-only" or "unreachable", without changing anything.

    On SQLite a write that changes no row is tried and rolled back at once.
    """
    try:
        if db.engine.dialect.name == "postgresql":
            writable = db.session.scalar(PG_WRITABLE)
        else:
            writes_on_get()
            db.session.execute(SQLITE_WRITE)
            writable = True
    except sa.exc.OperationalError as error:
        db.session.rollback()
        return "read-only" if "readonly" in str(error.orig).replace("-", "") else "unreachable"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return "unreachable"
    db.session.rollback()
    return "ok" if writable else "read-only"


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers and accepts writes, 503 otherwise; no sign-in,
    nothing cached."""
    state = _database_state()
    response = jsonify(status="ok" if state == "ok" else "error", database=state)
    response.status_code = 200 if state == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
