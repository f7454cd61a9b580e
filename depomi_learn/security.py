"""Sessions, safe redirects and the security headers every response carries."""

from urllib.parse import urlsplit

from flask import Flask, Response, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from .extensions import db
from .models import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Load users from the session; a stale session version means a revoked session."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_version != int(version) or not user.active:
            return None
        return user


def init_headers(app: Flask) -> None:
    """Add security headers; signed-in pages are never stored by shared caches."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config["ENV_NAME"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user.is_authenticated or "_user_id" in session:
            headers["Cache-Control"] = "no-store"
            headers.add("Vary", "Cookie")
        return response


def safe_next_url(target: str | None, fallback: str) -> str:
    """Return `target` when it is a path on this site, else `fallback`."""
    if not target:
        return fallback
    target = target.strip()
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")) or not target.startswith("/"):
        return fallback
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return fallback
    return target


def client_address() -> str:
    return request.remote_addr or ""
