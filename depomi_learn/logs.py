"""Structured logs: every request has an id, echoed in the response and in every log line.

The id comes from the X-Request-ID header a load balancer sets (when it looks like an id), or is
made here. Error pages show it as the reference people quote. In production (or with
DEPOMI_LOG_FORMAT=json) each line is one JSON object; gunicorn.conf.py uses the same formatter.
"""

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request, session

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")  # no spaces or quotes: safe in any log line
_EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "remote_addr", "user_id")


def request_id() -> str:
    """Return the current request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _ACCEPTED_ID.fullmatch(incoming) else secrets.token_hex(8)
    return g.request_id


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id(),
        }
        entry.update({key: getattr(record, key) for key in _EXTRA_FIELDS if hasattr(record, key)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for development, with the request id."""

    def __init__(self) -> None:
        super().__init__("[%(asctime)s] %(levelname)s %(request_id)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id()
        return super().format(record)


def init_app(app: Flask) -> None:
    """Give every request an id, log one line per request, and format the application's logs."""
    from flask.logging import default_handler

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if app.config["LOG_FORMAT"] == "json" else TextFormatter())
    handler.set_name("depomi")
    # Every app of the process shares the "depomi_learn" logger: one handler, the last app's.
    for existing in list(app.logger.handlers):
        if existing is default_handler or existing.get_name() == "depomi":
            app.logger.removeHandler(existing)
    app.logger.addHandler(handler)
    if not app.debug:
        app.logger.setLevel(logging.INFO)
    app.extensions["depomi_log_handler"] = handler

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        if request.endpoint in ("ops.healthz", "static") and response.status_code < 400:
            return response  # load balancer polls and assets would drown the rest
        started = g.get("request_started")
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        app.logger.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)
                if started
                else None,
                "remote_addr": request.remote_addr,
                # From the session cookie as sent, without loading the account again.
                "user_id": str(session.get("_user_id") or "").partition(":")[0] or None,
            },
        )
        return response
