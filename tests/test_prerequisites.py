"""Prerequisites between courses: shown on the course page and the catalogue, enforced when a
learner enrols, and a warning (not a refusal) when a coordinator assigns the course."""

from datetime import date, timedelta

import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import Course, Enrolment, utcnow
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user
from tests.helpers.reports import build_world

BASICS, ADVANCED = "snia-foundations", "acces-droits-services"


def require(app, course_id: str, *prerequisites: str) -> None:
    with app.app_context():
        db.session.get(Course, course_id).current_version.prerequisites = list(prerequisites)
        db.session.commit()


def complete(app, user_id: int, course_id: str) -> None:
    with app.app_context():
        db.session.add(Enrolment(user_id=user_id, course_id=course_id, completed_at=utcnow()))
        db.session.commit()


def enrolled_in(app, course_id: str) -> set[int]:
    with app.app_context():
        query = sa.select(Enrolment.user_id).where(Enrolment.course_id == course_id)
        return set(db.session.scalars(query))


def two_courses(app) -> None:
    make_course(app, BASICS)
    make_course(app, ADVANCED)
    require(app, ADVANCED, BASICS)


def enrol(client, course_id: str = ADVANCED, lang: str = ""):
    query = f"?lang={lang}" if lang else ""
    token = csrf_token(client, "/courses")
    return client.post(f"/courses/{course_id}/enrol{query}", data={"csrf_token": token})


def test_enrolment_is_refused_until_the_prerequisite_is_complete(app, client, auth):
    two_courses(app)
    make_user(app)
    auth.login()
    page = client.get(f"/courses/{ADVANCED}").get_data(as_text=True)
    assert 'id="prerequisites"' in page
    assert f'href="/courses/{BASICS}"' in page
    assert "Not completed yet" in page
    assert f'action="/courses/{ADVANCED}/enrol' not in page  # no button that leads nowhere
    response = enrol(client, lang="fr")
    assert response.headers["Location"] == f"/courses/{ADVANCED}?lang=fr#prerequisites"
    refused = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot enrol yet: first complete the prerequisite course" in refused
    assert f"{BASICS} title fr" in refused
    assert enrolled_in(app, ADVANCED) == set()


def test_a_learner_who_completed_the_prerequisite_enrols(app, client, auth):
    two_courses(app)
    user_id = make_user(app)
    complete(app, user_id, BASICS)
    auth.login()
    page = client.get(f"/courses/{ADVANCED}").get_data(as_text=True)
    assert "Not completed yet" not in page
    assert f'action="/courses/{ADVANCED}/enrol' in page
    assert enrol(client).headers["Location"].endswith(f"/courses/{ADVANCED}/modules/intro")
    assert enrolled_in(app, ADVANCED) == {user_id}


def test_an_archived_prerequisite_locks_nothing(app, client, auth):
    make_course(app, BASICS, archived=True)
    make_course(app, ADVANCED)
    require(app, ADVANCED, BASICS)
    user_id = make_user(app)
    auth.login()
    assert "prerequisites" not in client.get(f"/courses/{ADVANCED}").get_data(as_text=True)
    enrol(client)
    assert enrolled_in(app, ADVANCED) == {user_id}


def test_visitors_see_the_prerequisites_on_the_course_page_and_the_catalogue(app, client):
    two_courses(app)
    page = client.get(f"/courses/{ADVANCED}").get_data(as_text=True)
    assert f'href="/courses/{BASICS}"' in page
    assert "Not completed yet" not in page  # nothing to say about nobody
    catalogue = client.get("/courses").get_data(as_text=True)
    card = catalogue[catalogue.index(f"{ADVANCED} title") :]
    assert "Prerequisites:" in card[: card.index("</li>")]
    assert f"{BASICS} title" in card[: card.index("</li>")]


def test_catalogue_cards_show_the_learners_standing(app, client, auth):
    make_course(app, "done-course")
    make_course(app, "started-course")
    make_course(app, "other-course")
    user_id = make_user(app)
    complete(app, user_id, "done-course")
    auth.login()
    enrol(client, "started-course")
    page = client.get("/courses/started-course/modules/intro")
    assert page.status_code == 200
    client.post(
        "/courses/started-course/modules/intro/read",
        data={"csrf_token": csrf_token(client, "/courses")},
    )
    catalogue = client.get("/courses").get_data(as_text=True)

    def card(course_id: str) -> str:
        start = catalogue.index(f"{course_id} title")
        return catalogue[start : catalogue.index("</li>", start)]

    assert "Course complete" in card("done-course")
    assert "Enrolled" in card("started-course")
    assert 'value="33"' in card("started-course")  # 1 of 3 modules
    assert "1 of 3 modules complete" in card("started-course")
    assert "Enrolled" not in card("other-course")
    assert "Course complete" not in card("other-course")
    assert 'class="summary"' in card("other-course")  # cut to a few lines by the stylesheet


def test_assigning_warns_how_many_lack_the_prerequisite_and_enrols_them(app, client, auth):
    world = build_world(app)
    two_courses(app)
    complete(app, world["s_agadir"], BASICS)
    auth.login("c@souss.ma")
    response = client.post(
        "/coordinate/assignments",
        data={
            "course": ADVANCED,
            "due_on": (date.today() + timedelta(days=30)).isoformat(),
            "learners": "s1@souss.ma\ns3@souss.ma",
            "csrf_token": csrf_token(client, "/coordinate/assignments"),
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Assigned to 2 learners" in page
    assert "1 of these learners has not completed the prerequisites of this course" in page
    assert "The assignment enrols them all the same" in page
    assert enrolled_in(app, ADVANCED) == {world["s_agadir"], world["s_none"]}


def test_assigning_a_course_whose_prerequisites_everyone_has_warns_of_nothing(app, client, auth):
    world = build_world(app)
    two_courses(app)
    complete(app, world["s_agadir"], BASICS)
    auth.login("c@souss.ma")
    response = client.post(
        "/coordinate/assignments",
        data={
            "course": ADVANCED,
            "due_on": (date.today() + timedelta(days=30)).isoformat(),
            "learners": "s1@souss.ma",
            "csrf_token": csrf_token(client, "/coordinate/assignments"),
        },
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Assigned to 1 learner" in page
    assert "prerequisites" not in page
