"""No page renders an attribute whose value is Python's None (dir="None", autocomplete="None")."""

import pytest

from depomi_learn.models import Role
from tests.helpers.people import csrf_token


def _pages_without_arguments(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.startswith(("/static", "/api", "/ops", "/offline"))
        and "." not in rule.rule.rsplit("/", 1)[-1]
    )


def _none_attributes(client, paths: list[str]) -> dict[str, int]:
    found = {}
    for path in paths:
        response = client.get(path)
        if response.mimetype == "text/html" and '="None"' in response.get_data(as_text=True):
            found[path] = response.status_code
    return found


def test_signed_out_pages_have_no_none_attribute(app, client):
    assert _none_attributes(client, ["/login", "/verify", "/reset"]) == {}


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.COORDINATOR, Role.ADMIN])
def test_pages_of_each_role_have_no_none_attribute(app, auth, role):
    auth.as_role(role, region=None if role in (Role.ADMIN, Role.TRAINER) else "souss-massa")
    paths = _pages_without_arguments(app)
    assert "/profile" in paths
    assert _none_attributes(auth.client, paths) == {}


def test_a_form_shown_again_with_errors_has_no_none_attribute(app, auth):
    auth.as_role(Role.ADMIN, region=None)
    data = {"csrf_token": csrf_token(auth.client, "/admin/users/new"), "email": "not an email"}
    html = auth.client.post("/admin/users/new", data=data).get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert '="None"' not in html
