"""One-time, expiring password reset links that an admin hands over, that are emailed, or that
a person asks for themselves ("forgot my password", when mail is set up).

Only the SHA-256 of a link's token is stored, so a copy of the database cannot be used to reset
anyone's password. A new link cancels the older ones; using a link signs the account out
everywhere. Spending a link is a conditional UPDATE: two tabs cannot both use it.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from .. import audit
from ..database import rows_changed
from ..extensions import db
from ..models import PasswordResetToken, User, utcnow
from .administration import account_target
from .mail import MailError, send_mail
from .passwords import hash_password, password_problem
from .users import AccountError, find_user_by_email


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_reset_link(user: User, *, actor: User | None) -> str:
    """Cancel `user`'s earlier links and return the address of a new one."""
    db.session.execute(sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["RESET_LINK_HOURS"]),
            created_by_id=actor.id if actor is not None else None,
        )
    )
    db.session.flush()
    return current_app.config["PUBLIC_URL"] + url_for("auth.reset_password", token=token)


def find_reset(token: str) -> PasswordResetToken | None:
    """Return the unused, unexpired link for `token` of an active account, else None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset if reset.user.active else None


def use_reset(reset: PasswordResetToken, password: str) -> User:
    """Set the account's password from a reset link, spending the link; raise AccountError."""
    problem = password_problem(password)
    if problem:
        raise AccountError("password", problem)
    spent = rows_changed(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.id == reset.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if spent != 1:
        raise AccountError("token", _("This link has already been used."))
    user = reset.user
    user.password_hash = hash_password(password)
    user.session_version += 1
    return user


def reset_message(user: User, link: str) -> tuple[str, str]:
    """Return the subject and body of the email that carries `link`, in the user's language."""
    with force_locale(user.preferred_language):
        subject = _("DEPOMI Learn: set your password")
        body = ngettext(
            "Hello %(name)s,\n\n"
            "Open this link to choose your DEPOMI Learn password. It works once, for "
            "%(num)d hour:\n\n%(link)s\n\n"
            "If you did not expect this message, ignore it and tell your coordinator.",
            "Hello %(name)s,\n\n"
            "Open this link to choose your DEPOMI Learn password. It works once, for "
            "%(num)d hours:\n\n%(link)s\n\n"
            "If you did not expect this message, ignore it and tell your coordinator.",
            current_app.config["RESET_LINK_HOURS"],
            name=user.name_latin,
            link=link,
        )
    return subject, body


def request_reset_link(email: str, *, ip: str) -> tuple[User, str] | None:
    """Make a link for the active account using `email` ("forgot my password"); None when there
    is none. The caller answers the same either way, so the page never tells who has an account;
    it commits the link and only then sends it (`send_reset_link`: mail is slow)."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    link = create_reset_link(user, actor=None)
    audit.record(
        "password_reset_link_created",
        actor=None,
        target=account_target(user),
        ip=ip,
        requested_by="self",
    )
    return user, link


def send_reset_link(user: User, link: str) -> bool:
    """Email `link` to `user` in their language; False when the mail server refused (logged)."""
    try:
        send_mail(user.email, *reset_message(user, link))
    except MailError:
        return False
    return True
