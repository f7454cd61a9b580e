"""Who may open which page, and the two faces of the learner-visibility rule."""

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import Role, User
from depomi_learn.permissions import can_view_learner, learners_visible_to
from tests.helpers.people import csrf_token, make_user

STAFF_PAGES = {
    "/coordinate/": (Role.COORDINATOR, Role.ADMIN),
    "/admin/users": (Role.COORDINATOR, Role.ADMIN),  # coordinators manage their learners
    "/admin/import": (Role.ADMIN,),
    "/admin/audit": (Role.ADMIN,),
}
SIGNED_IN_PAGES = ["/profile", "/coordinate/", "/admin/users"]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", sorted(STAFF_PAGES))
def test_staff_pages_open_only_for_their_roles(auth, client, role, path):
    auth.as_role(role)
    expected = 200 if role in STAFF_PAGES[path] else 403
    response = client.get(path)
    assert response.status_code == expected
    if expected == 403:
        assert "You do not have access to this page." in response.get_data(as_text=True)


def _people(app):
    ids = {
        "souss": make_user(app, email="a@souss.ma", region="souss-massa"),
        "oriental": make_user(app, email="b@oriental.ma", region="oriental"),
        "coord_souss": make_user(
            app, email="c@souss.ma", role=Role.COORDINATOR, region="souss-massa"
        ),
        "national": make_user(app, email="n@rabat.ma", role=Role.COORDINATOR, region=None),
        "trainer": make_user(app, email="t@souss.ma", role=Role.TRAINER, region="souss-massa"),
    }
    return ids


def test_regional_coordinator_sees_only_their_region_both_faces(app):
    ids = _people(app)
    with app.app_context():
        coordinator = db.session.get(User, ids["coord_souss"])
        visible = set(
            db.session.scalars(learners_visible_to(coordinator).with_only_columns(User.id))
        )
        everyone = db.session.scalars(sa.select(User)).all()
        for person in everyone:
            assert can_view_learner(coordinator, person) == (person.id in visible)
        assert ids["souss"] in visible
        assert ids["oriental"] not in visible


def test_national_coordinator_and_trainer(app):
    ids = _people(app)
    with app.app_context():
        national = db.session.get(User, ids["national"])
        trainer = db.session.get(User, ids["trainer"])
        souss = db.session.get(User, ids["souss"])
        oriental = db.session.get(User, ids["oriental"])
        assert can_view_learner(national, oriental)
        assert can_view_learner(national, souss)
        assert not can_view_learner(trainer, souss)
        assert db.session.scalars(learners_visible_to(trainer)).all() == [trainer]


def test_coordinator_cannot_open_learner_of_other_region(app, client, auth):
    ids = _people(app)
    auth.login("c@souss.ma")
    assert client.get(f"/coordinate/learners/{ids['souss']}").status_code == 200
    assert client.get(f"/coordinate/learners/{ids['oriental']}").status_code == 404
    listing = client.get("/coordinate/learners").get_data(as_text=True)
    assert "a@souss.ma" in listing
    assert "b@oriental.ma" not in listing


def test_regional_coordinator_cannot_reach_staff_of_their_region(app, client, auth):
    ids = _people(app)
    ids["peer"] = make_user(app, email="p@souss.ma", role=Role.COORDINATOR, region="souss-massa")
    auth.login("c@souss.ma")
    for staff in ("trainer", "peer"):
        assert client.get(f"/coordinate/learners/{ids[staff]}").status_code == 404
        assert client.get(f"/admin/users/{ids[staff]}").status_code == 404
        token = csrf_token(client, "/coordinate/learners")
        link = client.post(f"/admin/users/{ids[staff]}/reset-link", data={"csrf_token": token})
        assert link.status_code == 404
        off = client.post(f"/admin/users/{ids[staff]}/active", data={"csrf_token": token})
        assert off.status_code == 404
    assert client.get(f"/coordinate/learners/{ids['souss']}").status_code == 200
    listing = client.get("/coordinate/learners").get_data(as_text=True)
    users = client.get("/admin/users").get_data(as_text=True)
    export = client.get("/coordinate/export/learners.csv").get_data(as_text=True)
    assert "a@souss.ma" in listing
    assert "a@souss.ma" in users
    for text in (listing, users, export):
        assert "t@souss.ma" not in text
        assert "p@souss.ma" not in text
    with app.app_context():
        assert get_user_active(ids["peer"])
        assert get_user_active(ids["trainer"])


def get_user_active(user_id: int) -> bool:
    return db.session.get(User, user_id).active


def test_national_coordinator_sees_learners_only_admin_sees_everyone(app):
    ids = _people(app)
    admin_id = make_user(app, email="ad@x.ma", role=Role.ADMIN, region=None)
    with app.app_context():
        national = db.session.get(User, ids["national"])
        admin = db.session.get(User, admin_id)
        for key in ("souss", "oriental"):
            assert can_view_learner(national, db.session.get(User, ids[key]))
        for key in ("trainer", "coord_souss"):
            person = db.session.get(User, ids[key])
            assert not can_view_learner(national, person)
            assert can_view_learner(admin, person)
        visible = set(db.session.scalars(learners_visible_to(national).with_only_columns(User.id)))
        assert {ids["souss"], ids["oriental"]} <= visible
        assert ids["trainer"] not in visible
        assert ids["coord_souss"] not in visible
