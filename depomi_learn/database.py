"""Engine settings: SQLite in WAL mode with a busy timeout, and write transactions that lock first.

SQLite upgrades a read transaction to a write transaction only if no other process wrote in
between; otherwise it fails at once with "database is locked", whatever the busy timeout. So on
SQLite every transaction that may write starts with BEGIN IMMEDIATE: it waits its turn for the
write lock (up to the busy timeout) before reading anything. Safe reads (GET pages) keep plain
deferred transactions so readers never wait. PostgreSQL needs none of this.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .extensions import db

F = TypeVar("F", bound=Callable)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 30_000


def _transaction_may_write() -> bool:
    if not has_request_context():
        return True  # command line and background work
    if request.method in SAFE_METHODS:
        return g.get("writes_on_get", False)
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "reads_only", False)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.split(".")[0] not in {"sqlite3", "pysqlite2"}:
        return
    # Let SQLAlchemy's begin event below decide how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "connect")
def _configure_postgresql(dbapi_connection, _record) -> None:
    """Turn PostgreSQL's JIT off: on report aggregates over 100,000 learners it spent 0.6 s
    compiling a plan that then ran in 0.15 s, and this application has no query that gains."""
    if type(dbapi_connection).__module__.split(".")[0] != "psycopg":
        return
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _transaction_may_write() else "BEGIN")


def writes_on_get() -> None:
    """Mark the current GET request as one that writes (call before the first query).

    GET requests change no state that matters: the two that write are bookkeeping, idempotent,
    and give another site nothing to forge. The module page remembers where the learner is
    ("continue where you left off"; a forged visit only moves that pointer, and the SameSite=Lax
    cookie is not sent with another site's images or scripts), and public verification counts
    lookups for its rate limit. Both stay on GET so that pages work without JavaScript.
    """
    g.writes_on_get = True


def commit_keeping_objects() -> None:
    """Commit without expiring what the session loaded, so nothing is read again afterwards.

    For a request that ends a read transaction before writing (a module page remembering where
    the learner is) or that has finished its work: what it read is what it shows.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def reads_only(view: F) -> F:
    """Mark a POST view that only computes an answer (the editor's live preview), so that it
    never queues for the SQLite write lock."""
    view.reads_only = True
    return view
