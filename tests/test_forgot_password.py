"""Self-service "forgot my password": offered only with SMTP, the same answer for any address,
throttled, and a one-time expiring link sent by email."""

import re

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, PasswordResetToken
from tests.helpers.people import csrf_token, make_user

ANSWER = "If an account uses this address, a link to choose a new password is on its way."


@pytest.fixture
def mail(app, smtp_server):
    port, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
    yield inbox
    app.config.update(SMTP_HOST="", SMTP_PORT=587, SMTP_SECURITY="starttls")


def ask(client, email: str):
    token = csrf_token(client, "/reset")
    return client.post("/reset", data={"email": email, "csrf_token": token})


def link_in(message) -> str:
    return re.search(r"http://\S+(/reset/\S+)", message.content.decode()).group(1)


def test_without_smtp_there_is_no_self_service(client):
    assert "Forgot your password?" not in client.get("/login").get_data(as_text=True)
    assert client.get("/reset").status_code == 404


def test_a_link_is_emailed_and_sets_the_password_once(app, client, mail):
    make_user(app, email="l@example.ma", language="fr")
    assert 'href="/reset"' in client.get("/login").get_data(as_text=True)
    response = ask(client, " L@Example.ma ")
    assert response.headers["Location"] == "/login"
    assert ANSWER in client.get("/login").get_data(as_text=True)
    assert [m.rcpt_tos for m in mail.messages] == [["l@example.ma"]]
    path = link_in(mail.messages[0])
    new = "a brand new long passphrase"
    data = {"new_password": new, "confirm": new, "csrf_token": csrf_token(client, path)}
    assert client.post(path, data=data).headers["Location"] == "/login"
    assert client.get(path).status_code == 404  # spent
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "password_reset_link_created")
        )
        assert event.actor_id is None
        assert event.details == {"requested_by": "self"}


def test_the_answer_is_the_same_whether_the_address_exists_or_not(app, client, mail):
    make_user(app, email="l@example.ma")
    make_user(app, email="gone@example.ma")
    with app.app_context():
        from depomi_learn.models import User

        db.session.scalar(sa.select(User).where(User.email == "gone@example.ma")).active = False
        db.session.commit()
    answers = []
    for email in ("l@example.ma", "nobody@example.ma", "gone@example.ma"):
        response = ask(client, email)
        answers.append((response.status_code, response.headers["Location"]))
        assert ANSWER in client.get("/login").get_data(as_text=True)
    assert len(set(answers)) == 1
    assert [m.rcpt_tos for m in mail.messages] == [["l@example.ma"]]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PasswordResetToken.id))) == 1


def test_requests_are_throttled_per_address_asked_for(app, client, mail):
    make_user(app, email="l@example.ma")
    limit = app.config["RESET_REQUESTS_PER_ACCOUNT"]
    for _request in range(limit):
        assert ask(client, "l@example.ma").status_code == 302
    refused = ask(client, "l@example.ma")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert len(mail.messages) == limit
    assert ask(client, "other@example.ma").status_code == 302  # another address is not blocked


def test_requests_are_throttled_per_client_address(app, client, mail):
    limit = app.config["RESET_REQUESTS_PER_ADDRESS"]
    for number in range(limit):
        assert ask(client, f"n{number}@example.ma").status_code == 302
    assert ask(client, "one-more@example.ma").status_code == 429
