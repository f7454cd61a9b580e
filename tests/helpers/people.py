"""People in tests: accounts, sign-in through the real forms, CSRF tokens."""

import re

import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from depomi_learn.accounts.two_factor import is_required_for, seal_secret, secret_of
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.extensions import db
from depomi_learn.models import Region, Role, User, utcnow

PASSWORD = "correct horse battery staple"


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the two-factor secret staff get in tests


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def region_id(app: Flask, code: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Region.id).where(Region.code == code))


def make_user(
    app: Flask,
    *,
    email: str = "learner@example.ma",
    role: Role = Role.LEARNER,
    region: str | None = "souss-massa",
    password: str = PASSWORD,
    language: str = "en",
    name: str = "Fatima Zahra Alaoui",
    name_ar: str = "فاطمة الزهراء العلوي",
) -> int:
    """Create a user in its own transaction and return its id."""
    with app.app_context():
        region_row = (
            db.session.scalar(sa.select(Region).where(Region.code == region)) if region else None
        )
        user = create_user(
            UserFields(
                email=email,
                name_latin=name,
                name_arabic=name_ar,
                role=role,
                region=region_row,
                password=password,
                preferred_language=language,
            )
        )
        db.session.commit()
        return user.id


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Return the CSRF token of the form on `path`."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def totp_code(app: Flask, email: str) -> str:
    """Return a code that the account's two-factor app would show now (and may be used now)."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.totp_last_counter = None  # helpers sign in repeatedly within one 30-second step
        db.session.commit()
        return pyotp.TOTP(secret_of(user)).now()


def enrol_two_factor(app: Flask, email: str, secret: str = TOTP_SECRET) -> None:
    """Turn two-factor on for `email` with a known secret, as if scanned and confirmed."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.totp_secret, user.totp_enabled_at = seal_secret(secret), utcnow()
        db.session.commit()


class Auth:
    """Sign in and out through the real forms, CSRF tokens and two-factor codes included.

    Staff whose role requires two-factor authentication are enrolled with TOTP_SECRET first, and
    the code step is passed with a current code, so `login` ends signed in for every role.
    """

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app, self.client = app, client

    def login(self, email: str = "learner@example.ma", password: str = PASSWORD):
        with self.app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email.lower()))
            must_enrol = user is not None and is_required_for(user) and not user.totp_enabled
        if must_enrol:
            enrol_two_factor(self.app, email.lower())
        token = csrf_token(self.client)
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        if response.status_code == 302 and response.headers["Location"] == "/login/code":
            response = self.client.post(
                "/login/code",
                data={
                    "code": totp_code(self.app, email.lower()),
                    "csrf_token": csrf_token(self.client, "/login/code"),
                },
            )
        return response

    def as_role(self, role: Role, region: str | None = "souss-massa", **kwargs: object) -> int:
        email = f"{role.value}-{region or 'national'}@example.ma"
        user_id = make_user(self.app, email=email, role=role, region=region, **kwargs)
        response = self.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_id

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client, "/")})


def get_user(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user
