"""Error pages for people: a clear message, a reference id, never a traceback."""

import secrets

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from .extensions import db


def register(app: Flask) -> None:
    """Render HTTP errors with our templates; roll back and log unexpected errors."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("errors/error.html", error=error, reference=None), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        reference = secrets.token_hex(4)
        app.logger.exception("unhandled error, reference %s", reference)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_template("errors/error.html", error=None, reference=reference), 500
