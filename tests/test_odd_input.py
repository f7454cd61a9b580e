"""Odd input answers 4xx and changes nothing: huge integers in paths and pages, NUL bytes."""

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import RateLimitHit, Role, User
from tests.helpers.authoring import COURSE, import_course
from tests.helpers.people import csrf_token, get_user, make_user

HUGE = ["9" * 25, str(2**31), str(2**63), "1" + "0" * 40]

ID_PATHS = [
    "/quiz/attempts/{n}",
    "/coordinate/learners/{n}",
    "/admin/users/{n}",
    "/author/" + COURSE + "/versions/{n}/republish",
    "/coordinate/requests/{n}/accept",
    "/coordinate/assignments/{n}/cancel",
]
PAGE_PATHS = [
    "/coordinate/learners?page={n}",
    "/admin/users?page={n}",
    "/admin/audit?page={n}",
    "/certificates/manage?page={n}",
    "/author/" + COURSE + "/statistics?version={n}",
    "/coordinate/learners?institution={n}",
    "/coordinate/learners?assignment={n}",
]


@pytest.fixture
def admin(app, auth, client):
    import_course(app)
    auth.as_role(Role.ADMIN, region=None)
    return client


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", ID_PATHS)
def test_huge_ids_in_paths_are_not_found(admin, path, number):
    url = path.format(n=number)
    if url.endswith(("/republish", "/accept", "/cancel")):
        response = admin.post(url, data={"csrf_token": csrf_token(admin, "/author/")})
    else:
        response = admin.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", PAGE_PATHS)
def test_huge_numbers_in_query_arguments_are_refused(admin, path, number):
    response = admin.get(path.format(n=number))
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/admin/users?page=0", "/admin/audit?page=abc", "/admin/audit"])
def test_ordinary_pages_still_work(admin, path):
    assert admin.get(path).status_code == 200


def test_huge_version_in_an_export_is_not_found(admin):
    response = admin.get(f"/author/{COURSE}/export.zip?version={'9' * 25}")
    assert response.status_code == 404


def attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitHit))


@pytest.mark.parametrize("email", ["a\x00@example.ma", "learner@example.ma\x00"])
def test_nul_in_the_sign_in_email_is_refused_without_a_trace(app, client, email):
    make_user(app)
    before = attempts(app)
    response = client.post(
        "/login",
        data={"email": email, "password": "x", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert attempts(app) == before


@pytest.mark.parametrize("field", ["name_latin", "name_arabic", "institution", "job_function"])
def test_nul_in_a_profile_field_is_refused_and_changes_nothing(app, client, auth, field):
    user_id = make_user(app)
    auth.login()
    data = {
        "csrf_token": csrf_token(client, "/profile"),
        "name_latin": "Fatima Z. Alaoui",
        "name_arabic": "",
        "region": "souss-massa",
        "province": "",
        "institution": "Commune d'Agadir",
        "job_function": "Juriste",
        "preferred_language": "fr",
    }
    data[field] = "Ali\x00Baba"
    response = client.post("/profile", data=data)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    user = get_user(app, user_id)
    assert user.name_latin == "Fatima Zahra Alaoui"
    assert user.preferred_language == "en"
    with app.app_context():
        assert db.session.get(User, user_id).institution is None


@pytest.mark.parametrize("path", ["/certificates/manage?q=a%00b", "/catalog/%00", "/verify/a%00"])
def test_nul_in_a_query_or_path_is_refused(admin, path):
    assert admin.get(path).status_code == 400
