"""Who may open which page, and the two faces of the learner-visibility rule."""

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import Role, User
from depomi_learn.permissions import can_view_learner, learners_visible_to
from tests.conftest import make_user

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
