"""Pages that carry a password, a reset token or a two-factor secret are never stored by a cache."""

from urllib.parse import urlsplit

import sqlalchemy as sa

from depomi_learn.accounts.resets import create_reset_link
from depomi_learn.extensions import db
from depomi_learn.models import User
from tests.helpers.people import csrf_token, make_user


def test_sign_in_page_is_not_stored_when_signed_out(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_reset_page_is_not_stored(app, client):
    make_user(app)
    with app.test_request_context():
        user = db.session.scalar(sa.select(User))
        link = create_reset_link(user, actor=None)
        db.session.commit()
    response = client.get(urlsplit(link).path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_two_factor_setup_page_with_its_secret_is_not_stored(app, client, auth):
    make_user(app)
    auth.login()
    client.post(
        "/account/two-factor/start", data={"csrf_token": csrf_token(client, "/account/two-factor")}
    )
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    with app.app_context():
        secret = db.session.scalar(sa.select(User)).totp_secret
    assert secret is not None
    assert page.headers["Cache-Control"] == "no-store"
