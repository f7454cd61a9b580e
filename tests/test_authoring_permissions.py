"""Who may author what: a course's authors and admins only, at every door, with both faces."""

import io

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Course, CourseAuthor, CourseVersion, Role, User
from depomi_learn.permissions import can_edit_course, can_manage_authors, courses_editable_by
from tests.helpers.authoring import (
    COURSE,
    QUIZ_COURSE,
    draft_files,
    folder_entries,
    import_course,
    make_author,
    picture,
    post,
    zip_of,
)
from tests.helpers.people import PASSWORD, csrf_token, make_user

OWNER = "owner@example.ma"
PATH = "fr/01-lecture.md"


def _zip() -> tuple:
    return (io.BytesIO(zip_of(folder_entries(QUIZ_COURSE))), "c.zip")


# Every authoring URL of one course: (method, rule, concrete path, form data).
DOORS = [
    ("GET", "/author/<course_id>/", "/", None),
    ("GET", "/author/<course_id>/settings", "/settings", None),
    ("POST", "/author/<course_id>/settings", "/settings", {"label": "x", "languages": "fr"}),
    ("POST", "/author/<course_id>/draft", "/draft", {}),
    ("POST", "/author/<course_id>/draft/discard", "/draft/discard", {}),
    ("POST", "/author/<course_id>/modules", "/modules", {"module_id": "x", "title": "X"}),
    ("POST", "/author/<course_id>/modules/<module_id>/move", "/modules/evaluation/move", {}),
    ("GET", "/author/<course_id>/modules/<module_id>/remove", "/modules/evaluation/remove", None),
    ("POST", "/author/<course_id>/modules/<module_id>/remove", "/modules/evaluation/remove",
     {"confirm": "yes"}),
    ("POST", "/author/<course_id>/modules/<module_id>/translations",
     "/modules/lecture/translations", {"language": "ar"}),
    ("GET", "/author/<course_id>/authors", "/authors", None),
    ("POST", "/author/<course_id>/authors", "/authors", {"email": "intruder@example.ma"}),
    ("POST", "/author/<course_id>/authors/<int:user_id>/remove", "/authors/{owner}/remove", {}),
    ("GET", "/author/<course_id>/files/<path:path>", f"/files/{PATH}", None),
    ("POST", "/author/<course_id>/files/<path:path>", f"/files/{PATH}", {"text": "x"}),
    ("POST", "/author/<course_id>/preview", "/preview", {"path": PATH, "text": "x"}),
    ("POST", "/author/<course_id>/assets", "/assets", "image"),
    ("POST", "/author/<course_id>/editor-images", "/editor-images", "image"),
    ("POST", "/author/<course_id>/assets/<path:name>/delete", "/assets/map.png/delete", {}),
    ("GET", "/author/<course_id>/draft-assets/<path:name>", "/draft-assets/map.png", None),
    ("POST", "/author/<course_id>/publish", "/publish", {"confirm_removals": "yes"}),
    ("POST", "/author/<course_id>/versions/<int:number>/republish", "/versions/1/republish", {}),
    ("GET", "/author/<course_id>/versions", "/versions", None),
    ("GET", "/author/<course_id>/diff", "/diff?from=0&to=1", None),
    ("GET", "/author/<course_id>/export.zip", "/export.zip?draft=1", None),
    ("POST", "/author/<course_id>/upload", "/upload", "zip"),
    ("GET", "/author/<course_id>/statistics", "/statistics", None),
]  # fmt: skip


LEARNER_PROBES = [
    door
    for door in DOORS
    if door[2] in ("/", "/preview", f"/files/{PATH}", "/publish", "/draft-assets/map.png")
    or door[2].startswith(("/export.zip", "/statistics", "/upload"))
]


@pytest.fixture
def world(app, client, auth) -> dict:
    """A course owned by someone else, with a draft holding an image; `client` is signed out."""
    import_course(app)
    owner = make_user(app, email=OWNER, role=Role.TRAINER)
    make_author(app, COURSE, owner)
    auth.login(OWNER)
    post(client, f"/author/{COURSE}/draft")
    post(
        client,
        f"/author/{COURSE}/assets",
        {"image": (io.BytesIO(picture("PNG")), "map.png")},
        content_type="multipart/form-data",
    )
    assert "assets/map.png" in draft_files(app)
    auth.logout()
    return {"owner": owner}


def snapshot(app) -> tuple:
    with app.app_context():
        return (
            draft_files(app),
            db.session.scalars(sa.select(CourseVersion.content_hash)).all(),
            db.session.execute(sa.select(CourseAuthor.user_id, CourseAuthor.is_owner)).all(),
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.target == COURSE)
            ),
            db.session.get(Course, COURSE).current_version_id,
        )


def knock(client, method: str, path: str, data: object, owner: int):
    url = f"/author/{COURSE}{path.format(owner=owner)}"
    if method == "GET":
        return client.get(url)
    if data == "image":
        payload = {"image": (io.BytesIO(picture("PNG")), "x.png")}
    elif data == "zip":
        payload = {"archive": _zip()}
    else:
        payload = dict(data)
    return post(client, url, payload, content_type="multipart/form-data")


def test_the_list_of_doors_covers_every_authoring_url_of_a_course(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("author.") and "<course_id>" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert rules == {(method, rule) for method, rule, _path, _data in DOORS}


@pytest.mark.parametrize(
    ("method", "rule", "path", "data"), DOORS, ids=[f"{d[0]} {d[1]}" for d in DOORS]
)
def test_a_trainer_cannot_read_or_change_a_course_they_do_not_author(
    app, client, auth, world, method, rule, path, data
):
    before = snapshot(app)
    auth.as_role(Role.TRAINER, region=None)
    response = knock(client, method, path, data, world["owner"])
    assert response.status_code == 404, response.get_data(as_text=True)[:500]
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("method", "rule", "path", "data"), DOORS, ids=[f"{d[0]} {d[1]}" for d in DOORS]
)
def test_every_door_opens_for_the_courses_owner(app, client, auth, world, method, rule, path, data):
    auth.login(OWNER)
    response = knock(client, method, path, data, world["owner"])
    assert response.status_code not in (403, 404), response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.COORDINATOR])
@pytest.mark.parametrize(("method", "rule", "path", "data"), LEARNER_PROBES)
def test_learners_and_coordinators_never_enter_authoring(
    app, client, auth, world, role, method, rule, path, data
):
    before = snapshot(app)
    auth.as_role(role)
    response = knock(client, method, path, data, world["owner"])
    assert response.status_code == 403
    assert snapshot(app) == before


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(f"/author/{COURSE}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_workspace_lists_only_the_trainers_courses_but_every_course_for_admins(
    app, client, auth, world
):
    auth.as_role(Role.TRAINER, region=None)
    assert f"/author/{COURSE}/" not in client.get("/author/").get_data(as_text=True)
    auth.logout()
    auth.as_role(Role.ADMIN, region=None)
    assert f"/author/{COURSE}/" in client.get("/author/").get_data(as_text=True)
    assert client.get(f"/author/{COURSE}/statistics").status_code == 200


def test_a_zip_cannot_take_over_another_trainers_course(app, client, auth, world):
    before = snapshot(app)
    auth.as_role(Role.TRAINER, region=None)
    response = post(
        client, "/author/upload", {"archive": _zip()}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert snapshot(app) == before


def test_admins_name_owners_of_courses_imported_from_files(app, client, auth):
    import_course(app)
    make_user(app, email="trainer@example.ma", role=Role.TRAINER)
    auth.as_role(Role.ADMIN, region=None)
    assert "only administrators edit it" in client.get(f"/author/{COURSE}/authors").get_data(
        as_text=True
    )
    response = post(
        client, f"/author/{COURSE}/authors", {"email": "trainer@example.ma", "owner": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        trainer = db.session.scalar(sa.select(User).where(User.email == "trainer@example.ma"))
        course = db.session.get(Course, COURSE)
        assert can_edit_course(trainer, course)
        assert can_manage_authors(trainer, course)
        assert db.session.scalars(courses_editable_by(trainer)).all() == [course]


def test_the_two_faces_of_the_rule_agree(app):
    import_course(app)
    ids = {
        "owner": make_user(app, email="o@example.ma", role=Role.TRAINER),
        "co": make_user(app, email="c@example.ma", role=Role.TRAINER),
        "other": make_user(app, email="t@example.ma", role=Role.TRAINER),
        "admin": make_user(app, email="a@example.ma", role=Role.ADMIN),
        "coordinator": make_user(app, email="k@example.ma", role=Role.COORDINATOR),
        "learner": make_user(app, email="l@example.ma"),
    }
    make_author(app, COURSE, ids["owner"])
    make_author(app, COURSE, ids["co"], owner=False)
    with app.app_context():
        course = db.session.get(Course, COURSE)
        for name, user_id in ids.items():
            user = db.session.get(User, user_id)
            listed = course in db.session.scalars(courses_editable_by(user)).all()
            assert listed == can_edit_course(user, course) == (name in ("owner", "co", "admin"))
            assert can_manage_authors(user, course) == (name in ("owner", "admin"))


def test_a_co_author_cannot_remove_the_owner(app, client, auth, world):
    make_user(app, email="co@example.ma", role=Role.TRAINER)
    with app.app_context():
        co = db.session.scalar(sa.select(User.id).where(User.email == "co@example.ma"))
    make_author(app, COURSE, co, owner=False)
    auth.login("co@example.ma", PASSWORD)
    response = client.post(
        f"/author/{COURSE}/authors/{world['owner']}/remove",
        data={"csrf_token": csrf_token(client, "/author/")},
    )
    assert response.status_code == 403
