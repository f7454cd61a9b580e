"""Error pages for people: a clear message, a reference to quote (the request id), no traceback."""

import sqlalchemy as sa
from flask import Flask, Response, g, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from .extensions import db
from .logs import request_id

KEPT_HEADERS = frozenset({"Allow", "Retry-After", "WWW-Authenticate"})
RETRY_AFTER_SECONDS = 30


READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: read_only_sql_transaction (a standby, or read-only)


def _is_unavailable(error: sa.exc.DBAPIError) -> bool:
    """Return whether `error` says the database cannot serve now, rather than a bug of ours."""
    if isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return True
    return getattr(error.orig, "sqlstate", None) == READ_ONLY_SQLSTATE


def register(app: Flask) -> None:
    """Render HTTP errors with our templates; roll back and log unexpected errors."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        reference = request_id()
        app.logger.info(
            "%s %s %s, reference %s", error.code, request.method, request.path, reference
        )
        kept = {
            name: value
            for name, value in error.get_response().headers.items()
            if name in KEPT_HEADERS
        }
        if request_ctx.url_adapter is None:  # an untrusted Host: no URL can be built for a page
            text = f"{error.code} {error.name}. Reference: {reference}\n"
            return Response(text, error.code, mimetype="text/plain")
        # abort(code, description=...) gives a message for people; the default one is for logs.
        message = error.description if error.description != type(error).description else None
        page = render_template(
            "errors/error.html", error=error, message=message, reference=reference
        )
        return page, error.code, kept

    @app.errorhandler(sa.exc.DBAPIError)
    def database_error(error: sa.exc.DBAPIError):
        """The database is down, read-only or busy: 503 and "try again in a moment", not 500."""
        if not _is_unavailable(error):
            return unexpected_error(error)
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.close()
        reference = request_id()
        app.logger.error("database unavailable (%s), reference %s", error.orig, reference)
        # The page is rendered for nobody in particular: loading the person needs the database.
        g._login_user = app.login_manager.anonymous_user()
        page = render_template("errors/error.html", error=ServiceUnavailable(), reference=reference)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        reference = request_id()
        app.logger.exception("unhandled error, reference %s", reference)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_template("errors/error.html", error=None, reference=reference), 500
