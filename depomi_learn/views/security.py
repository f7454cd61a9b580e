"""Sessions, safe redirects, and the security headers every response carries.

A session is valid while its user is active, its session version matches the user's (sign-out,
a password change or a deactivation raises it, killing every copy of the cookie), it has been
used in the last SESSION_IDLE_MINUTES, and it is younger than PERMANENT_SESSION_LIFETIME. The
timestamps live in the signed session cookie, so a copied cookie cannot be made younger.
"""

import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ..accounts import ratelimit
from ..extensions import db
from ..models import Role, User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
F = TypeVar("F", bound=Callable)
SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"
LANGUAGE, LANGUAGE_PICKED = "language", "language_picked"


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


def start_session(user: User) -> None:
    """Sign `user` in on a fresh session. A language picked on the way in (the sign-in page's
    switcher) is kept and becomes the account's; otherwise the account's own language applies,
    not the one a previous person left on a shared computer."""
    picked = session.get(LANGUAGE) if session.get(LANGUAGE_PICKED) else None
    session.clear()
    if picked:
        session[LANGUAGE] = picked
        user.preferred_language = picked
    login_user(user)
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())


def end_session(*, keep_pick: bool = False) -> None:
    """Sign out this browser, keeping only its language choice (for the sign-in page).

    `keep_pick`: the person signing in now picked it (see `start_session`)."""
    logout_user()
    kept = {key: session[key] for key in (LANGUAGE, LANGUAGE_PICKED) if key in session}
    session.clear()
    if not keep_pick:
        kept.pop(LANGUAGE_PICKED, None)
    session.update(kept)


def pick_language(language: str) -> None:
    """Remember this browser's interface language; picked before signing in, it is the person's
    who signs in next."""
    session[LANGUAGE] = language
    if not current_user.is_authenticated:
        session[LANGUAGE_PICKED] = True


def open_before_two_factor(view: F) -> F:
    """Mark a page that a staff member who still has to enrol a two-factor app may open."""
    view.open_before_two_factor = True
    return view


def keeps_on_session_end(keep: Callable[[], None]) -> Callable[[F], F]:
    """Mark a POST view whose data `keep` saves when it arrives after the session ended."""

    def mark(view: F) -> F:
        view.keep_on_session_end = keep
        return view

    return mark


def idle_minutes(app: Flask, user: User) -> int:
    """Staff sessions end sooner when idle; learners read long modules and answer long quizzes."""
    if user.role == Role.LEARNER:
        return app.config["LEARNER_SESSION_IDLE_MINUTES"]
    return app.config["SESSION_IDLE_MINUTES"]


def init_sessions(app: Flask) -> None:
    """Enforce idle and absolute timeouts, and two-factor enrolment for the roles that need it."""
    from ..accounts.two_factor import is_required_for

    @app.before_request
    def check_session():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = int(time.time())
        idle = idle_minutes(app, current_user) * 60
        lifetime = int(app.permanent_session_lifetime.total_seconds())
        if now - session.get(SEEN_AT, 0) > idle or now - session.get(SIGNED_IN_AT, 0) > lifetime:
            keep = getattr(
                app.view_functions.get(request.endpoint or ""), "keep_on_session_end", None
            )
            if keep is not None and request.method == "POST":
                keep()  # e.g. quiz answers: what a learner submitted is never lost
            end_session()
            flash(_("Your session has ended. Please sign in again."), "info")
            target = None
            if request.method == "GET":
                target = request.full_path if request.query_string else request.path
            return redirect(url_for("auth.login", next=target))
        if now - session.get(SEEN_AT, 0) >= 60:  # refresh the cookie at most once a minute
            session[SEEN_AT] = now
        if (
            is_required_for(current_user)
            and not current_user.totp_enabled
            and request.endpoint != "static"
            and not getattr(
                app.view_functions.get(request.endpoint or ""), "open_before_two_factor", False
            )
        ):
            flash(_("Your role requires two-factor authentication. Set it up to continue."), "info")
            return redirect(url_for("account.two_factor_page"))
        return None


def _current_view(app: Flask) -> Callable | None:
    return app.view_functions.get(request.endpoint or "")


def init_proxy(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto from PROXY_HOPS reverse proxies (nginx), no more."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


# Pages that carry a password, a reset token, a two-factor secret or recovery codes: never stored,
# whoever asks (the sign-in and reset pages are seen signed out).
SECRET_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.enter_code",
        "auth.reset_password",
        "account.two_factor_page",
        "account.two_factor_start",
        "account.two_factor_confirm",
        "account.new_recovery_codes",
    }
)


def init_headers(app: Flask) -> None:
    """Add security headers; signed-in pages are never stored by any cache."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin keeps the Referer that Flask-WTF checks on HTTPS, and sends none elsewhere.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["ENV_NAME"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint in SECRET_ENDPOINTS or (
            request.endpoint != "static"
            and (current_user.is_authenticated or "_user_id" in session or "two_factor" in session)
        ):
            headers["Cache-Control"] = "no-store"
            headers.add("Vary", "Cookie")
        return response


def safe_next_url(target: str | None, fallback: str) -> str:
    """Return `target` when it is a path on this site, else `fallback`."""
    if not target:
        return fallback
    if any(ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F or ch.isspace() for ch in target):
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def client_address() -> str:
    return request.remote_addr or ""


def limit_hits(
    checks: list[tuple[ratelimit.Limit, str]],
    watched: list[tuple[ratelimit.Limit, str]] | None = None,
) -> tuple[ratelimit.Hits, int | None]:
    """Record hits and count them with every worker's (a commit in between); return them and
    the seconds to wait (None: allowed). Refused hits are forgotten: they do not extend a wait."""
    hits = ratelimit.record(checks, watched or [])
    db.session.commit()
    wait = ratelimit.retry_after(hits)
    if wait is not None:
        ratelimit.forget(hits)
        db.session.commit()
    return hits, wait
