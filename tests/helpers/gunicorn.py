"""Real gunicorn servers on a prepared database, for tests that need several worker processes.

The database is a file SQLite (WAL, BEGIN IMMEDIATE) or, when the suite runs on PostgreSQL, the
suite's own database.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from depomi_learn import create_app
from depomi_learn.extensions import db
from tests.helpers.database import ROOT, delete_rows, reset_schema

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
APP = 'depomi_learn:create_app("testing", PROPAGATE_TEST_ERRORS=False)'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepared_app(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[Flask, str]:
    """Return an app on a freshly migrated database that gunicorn processes can share."""
    url = os.environ.get("DEPOMI_TEST_DATABASE_URL", "")
    if not url or url == "sqlite://":  # an in-memory database cannot be shared
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'db.sqlite3'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    reset_schema(app)
    return app, url


def start_gunicorn(
    url: str, *, workers: int, threads: int = 1, app: str = APP
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on `url`; return the process and its base URL once it accepts connections."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers)]
    command += ["--threads", str(threads), "--bind", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "--no-control-socket", app]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "DEPOMI_TEST_DATABASE_URL": url},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    return process, f"http://127.0.0.1:{port}"


def stop_gunicorn(process: subprocess.Popen) -> str:
    """Stop gunicorn and return what it wrote on stderr."""
    process.terminate()
    _out, errors = process.communicate(timeout=30)
    return errors


def clean_up(app: Flask) -> None:
    """Leave the database empty (on PostgreSQL it is the suite's) and close the connections."""
    delete_rows(app)
    with app.app_context():
        db.engine.dispose()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A minimal cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def token(self, path: str = "/courses") -> str:
        return CSRF.search(self.request(path)[2]).group(1)

    def post(self, path: str, data: dict, token_from: str = "/courses") -> tuple[int, str, str]:
        return self.request(path, {**data, "csrf_token": self.token(token_from)})
