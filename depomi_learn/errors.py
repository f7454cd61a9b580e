"""Error pages for people: a clear message, a reference to quote (the request id), no traceback."""

from flask import Flask, Response, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from .extensions import db
from .logs import request_id

KEPT_HEADERS = frozenset({"Allow", "Retry-After", "WWW-Authenticate"})


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
        page = render_template("errors/error.html", error=error, reference=reference)
        return page, error.code, kept

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        reference = request_id()
        app.logger.exception("unhandled error, reference %s", reference)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_template("errors/error.html", error=None, reference=reference), 500
