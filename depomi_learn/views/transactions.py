"""Which requests may write: the rule the database layer asks before it begins a SQLite
transaction (`database.decide_writes_with`). GET pages read; a POST view marked `reads_only`
reads; a GET that records something calls `writes_on_get` first; a POST view marked
`reads_first` reads until it calls `start_writing` (it does its slow work before the write lock)."""

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request

from ..database import decide_writes_with

F = TypeVar("F", bound=Callable)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """Tell the database layer how to recognise the requests that write."""
    decide_writes_with(_transaction_may_write)


def _transaction_may_write() -> bool:
    if not has_request_context():
        return True  # command line and background work
    if request.method in SAFE_METHODS:
        return g.get("writes_on_get", False)
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "reads_first", False):
        return g.get("writing", False)
    return not getattr(view, "reads_only", False)


def writes_on_get() -> None:
    """Mark the current GET request as one that writes (call before the first query).

    GET requests change no state that matters: the two that write are bookkeeping, idempotent,
    and give another site nothing to forge. The module page remembers where the learner is
    ("continue where you left off"; a forged visit only moves that pointer, and the SameSite=Lax
    cookie is not sent with another site's images or scripts), and public verification counts
    lookups for its rate limit. Both stay on GET so that pages work without JavaScript.
    """
    g.writes_on_get = True


def reads_only(view: F) -> F:
    """Mark a POST view that only computes an answer (the editor's live preview), so that it
    never queues for the SQLite write lock."""
    view.reads_only = True
    return view


def reads_first(view: F) -> F:
    """Mark a POST view whose first transaction only reads: it ends it, calls `start_writing`,
    and writes in a second one, so that SQLite's write lock is held for the write alone."""
    view.reads_first = True
    return view


def start_writing() -> None:
    """Let the transactions that begin from now on in a `reads_first` view write."""
    g.writing = True
