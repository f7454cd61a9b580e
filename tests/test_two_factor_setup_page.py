"""The forced two-factor set-up page: no menu that only leads back to it, and no mention of
recovery codes before they exist."""

import re

import pytest

from depomi_learn.models import Role
from tests.helpers.people import csrf_token, make_user
from tests.helpers.two_factor import _enrol_through_pages, _password_step

MENU_PATHS = ("/courses", "/coordinate/", "/admin/users", "/profile", "/certificates")


def _menu(html: str) -> str:
    return re.search(r'<nav aria-label="Main menu">.*?</nav>', html, re.S).group(0)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_the_forced_set_up_shows_only_signing_out(app, client, role):
    make_user(app, email="staff@example.ma", role=role, region=None)
    _password_step(client, "staff@example.ma")
    for step in ("offer", "enrol"):
        html = client.get("/account/two-factor").get_data(as_text=True)
        menu = _menu(html)
        assert not [path for path in MENU_PATHS if f'href="{path}' in menu], step
        assert 'class="brand" href=' not in html, step  # the home page would lead back here
        assert "Sign out" in menu
        assert "recovery" not in html.lower(), step
        if step == "offer":
            token = csrf_token(client, "/account/two-factor")
            client.post("/account/two-factor/start", data={"csrf_token": token})
    assert 'id="totp-secret"' in html
    _secret, codes = _enrol_through_pages(client)
    assert len(codes) >= 5
    html = client.get("/account/two-factor").get_data(as_text=True)
    assert 'href="/coordinate/' in _menu(html)
    assert "recovery codes left" in html


def test_a_learner_setting_up_by_choice_keeps_the_menu(app, client):
    make_user(app, email="learner@example.ma", role=Role.LEARNER)
    _password_step(client, "learner@example.ma")
    assert 'href="/profile"' in _menu(client.get("/account/two-factor").get_data(as_text=True))
