"""Catalogue, enrolment, reading modules, progress and continuing where one left off."""

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.learning.progress import continue_points, enrol, mark_read, record_visit
from depomi_learn.models import Course, Enrolment, ModuleProgress, User
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user


def _enrol(client, course_id="demo-course"):
    return client.post(
        f"/courses/{course_id}/enrol",
        data={"csrf_token": csrf_token(client, f"/courses/{course_id}")},
    )


def _mark_read(client, module_key, course_id="demo-course"):
    page = f"/courses/{course_id}/modules/{module_key}"
    return client.post(f"{page}/read", data={"csrf_token": csrf_token(client, page)})


def test_catalogue_lists_courses_for_anonymous_visitors(app, client):
    make_course(app)
    html = client.get("/courses").get_data(as_text=True)
    assert "demo-course title fr" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"language": "en"}, {"english-only"}),
        ({"language": "ar"}, {"demo-course"}),
        ({"level": "advanced"}, {"english-only"}),
        ({"audience": "commune"}, {"demo-course"}),
        ({"q": "ENGLISH-only"}, {"english-only"}),
        ({"q": "summary"}, {"demo-course", "english-only"}),
        ({"q": "absent"}, set()),
    ],
)
def test_catalogue_search_and_filters(app, client, query, expected):
    make_course(app)
    make_course(app, "english-only", languages=("en",), level="advanced", audience=("ministry",))
    make_course(app, "archived-course", archived=True)
    html = client.get("/courses", query_string=query).get_data(as_text=True)
    shown = {
        cid
        for cid in ("demo-course", "english-only", "archived-course")
        if f'/courses/{cid}"' in html
    }
    assert shown == expected


def test_catalogue_search_ignores_arabic_vowels_and_alef_forms(app, client):
    make_course(app)
    with app.app_context():
        course = db.session.get(Course, "demo-course")
        course.current_version.title = {"fr": "Intégration", "ar": "إدماج المهاجرين"}
        db.session.commit()
    html = client.get("/courses", query_string={"q": "ادماج"}).get_data(as_text=True)
    assert '/courses/demo-course"' in html
    html = client.get("/courses", query_string={"q": "integration"}).get_data(as_text=True)
    assert '/courses/demo-course"' in html


def test_archived_and_unknown_courses_are_404(app, client):
    make_course(app, "archived-course", archived=True)
    assert client.get("/courses/archived-course").status_code == 404
    assert client.get("/courses/nothing-here").status_code == 404


def test_module_pages_need_sign_in_and_enrolment(app, client, auth):
    make_course(app)
    response = client.get("/courses/demo-course/modules/intro")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    make_user(app)
    auth.login()
    response = client.get("/courses/demo-course/modules/intro")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/courses/demo-course")


def test_enrol_twice_keeps_one_enrolment(app, client, auth):
    make_course(app)
    make_user(app)
    auth.login()
    first = _enrol(client)
    assert first.headers["Location"].endswith("/courses/demo-course/modules/intro")
    _enrol(client)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1


def test_reading_a_module_and_marking_it_read(app, client, auth):
    make_course(app)
    make_user(app)
    auth.login()
    _enrol(client)
    html = client.get("/courses/demo-course/modules/intro").get_data(as_text=True)
    assert "Body of intro in fr" in html
    assert "Mark as read" in html
    response = _mark_read(client, "intro")
    assert response.headers["Location"].endswith("/courses/demo-course/modules/acteurs")
    course_page = client.get("/courses/demo-course").get_data(as_text=True)
    assert 'value="33"' in course_page  # the progress bar: 1 of 3


def test_marking_read_twice_is_harmless(app, client, auth):
    make_course(app)
    make_user(app)
    auth.login()
    _enrol(client)
    _mark_read(client, "intro")
    _mark_read(client, "intro")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ModuleProgress.id))) == 1


def test_quiz_module_cannot_be_marked_read(app, client, auth):
    make_course(app, quiz_modules=("acteurs",))
    make_user(app)
    auth.login()
    _enrol(client)
    assert _mark_read(client, "acteurs").status_code == 400


def test_module_in_arabic_is_rtl_inside_french_interface(app, client, auth):
    make_course(app)
    make_user(app, language="fr")
    auth.login()
    _enrol(client)
    html = client.get("/courses/demo-course/modules/intro?lang=ar").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    assert '<article class="module-text" lang="ar" dir="rtl">' in html
    assert "Body of intro in ar" in html


def test_module_in_french_is_ltr_inside_arabic_interface(app, client, auth):
    make_course(app)
    make_user(app, language="ar")
    auth.login()
    _enrol(client)
    html = client.get("/courses/demo-course/modules/intro?lang=fr").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article class="module-text" lang="fr" dir="ltr">' in html


def test_missing_translation_falls_back_with_notice(app, client, auth):
    make_course(app, languages=("fr",))
    make_user(app, language="ar")
    auth.login()
    _enrol(client)
    html = client.get("/courses/demo-course/modules/intro").get_data(as_text=True)
    assert "Body of intro in fr" in html
    assert '<article class="module-text" lang="fr" dir="ltr">' in html


def test_unknown_module_is_404(app, client, auth):
    make_course(app)
    make_user(app)
    auth.login()
    _enrol(client)
    assert client.get("/courses/demo-course/modules/nope").status_code == 404


def test_course_completes_when_every_lesson_is_read(app, ctx):
    make_course(app)
    make_user(app)
    user = db.session.scalar(sa.select(User))
    course = db.session.get(Course, "demo-course")
    enrolment = enrol(user, course)
    for module in course.current_version.modules:
        assert enrolment.completed_at is None
        mark_read(user, enrolment, module)
    assert enrolment.completed_at is not None


def test_continue_points_resume_at_next_unfinished_module(app, ctx):
    make_course(app)
    make_user(app)
    user = db.session.scalar(sa.select(User))
    course = db.session.get(Course, "demo-course")
    intro, acteurs, _pratique = course.current_version.modules
    enrolment = enrol(user, course)
    assert continue_points(user)[0].module.key == "intro"
    record_visit(user, enrolment, intro)
    mark_read(user, enrolment, intro)
    assert continue_points(user)[0].module.key == "acteurs"
    record_visit(user, enrolment, acteurs)  # opened but not finished: come back to it
    assert continue_points(user)[0].module.key == "acteurs"


def test_home_offers_to_continue_after_signing_in_again(app, client, auth):
    make_course(app)
    make_user(app)
    auth.login()
    _enrol(client)
    client.get("/courses/demo-course/modules/intro")
    _mark_read(client, "intro")
    auth.logout()
    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert "Continue where you left off" in html
    assert "/courses/demo-course/modules/acteurs" in html


def test_home_suggests_courses_not_yet_started(app, client, auth):
    make_course(app)
    make_course(app, "second-course")
    make_user(app)
    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert "Courses you can start" in html
    assert "/courses/demo-course" in html
    assert "/courses/second-course" in html
    _enrol(client)
    html = client.get("/").get_data(as_text=True)
    assert "Other courses of the programme" in html
    suggestions = html.split("Other courses of the programme")[1]
    assert "/courses/second-course" in suggestions
    assert "/courses/demo-course" not in suggestions
