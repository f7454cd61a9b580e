"""Two-factor enrolment and the password step, through the pages."""

import re

import pyotp

from tests.helpers.people import (
    PASSWORD,
    csrf_token,
)


def _password_step(client, email="learner@example.ma", next_url=None):
    return client.post(
        "/login",
        query_string={"next": next_url} if next_url else None,
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )


def _enrol_through_pages(client) -> tuple[str, list[str]]:
    """Set up two-factor as a person does: start, read the key, type a code; return both."""
    token = csrf_token(client, "/account/two-factor")
    client.post("/account/two-factor/start", data={"csrf_token": token})
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, inline (CSP img-src data:)
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page).group(1)
    response = client.post(
        "/account/two-factor/confirm",
        data={
            "code": pyotp.TOTP(secret).now(),
            "csrf_token": csrf_token(client, "/account/two-factor"),
        },
    )
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    return secret, codes
