"""Account forms: provinces grouped by and tagged with their region, the server refusing a
province outside the chosen region, and errors summarised at the top with links to fields."""

import re

from depomi_learn.models import Role
from tests.helpers.admin import ACCOUNT, _users
from tests.helpers.people import csrf_token


def _post_new(client, data):
    token = csrf_token(client, "/admin/users/new")
    return client.post("/admin/users/new", data={**data, "csrf_token": token})


def test_provinces_are_grouped_and_tagged_with_their_region(app, auth):
    auth.as_role(Role.ADMIN, region=None)
    html = auth.client.get("/admin/users/new").get_data(as_text=True)
    assert 'data-region-select="region"' in html
    assert re.search(r'<option data-region="souss-massa"[^>]*value="tiznit"', html)
    assert re.search(r'<option data-region="oriental"[^>]*value="oujda-angad"', html)
    assert "<optgroup label=" in html
    assert "js/provinces.js" in html


def test_a_province_outside_the_chosen_region_is_refused(app, auth):
    auth.as_role(Role.ADMIN, region=None)
    response = _post_new(auth.client, {**ACCOUNT, "region": "oriental", "province": "tiznit"})
    assert response.status_code == 200
    assert "new@example.ma" not in _users(app)
    html = response.get_data(as_text=True)
    assert "is not in the chosen region" in html


def _summary(html: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert found, "no error summary"
    return found.group(0)


def test_errors_are_summarised_at_the_top_with_links_to_their_fields(app, auth):
    auth.as_role(Role.ADMIN, region=None)
    wrong_place = {**ACCOUNT, "region": "oriental", "province": "tiznit"}
    html = _post_new(auth.client, wrong_place).get_data(as_text=True)
    assert html.index("error-summary") < html.index('id="email"')
    assert re.findall(r'<a href="#(\w+)">', _summary(html)) == ["province"]
    assert re.search(r'<select [^>]*id="province"', html)
    html = _post_new(auth.client, {**ACCOUNT, "email": "not an email"}).get_data(as_text=True)
    assert '<a href="#email">Email: is not a valid email address</a>' in _summary(html)


def test_a_form_without_errors_has_no_summary(app, auth):
    auth.as_role(Role.ADMIN, region=None)
    assert "error-summary" not in auth.client.get("/admin/users/new").get_data(as_text=True)
