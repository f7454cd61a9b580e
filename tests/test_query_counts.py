"""SQL queries per main page: a small constant, however many courses, modules or learners.

Each page is requested with a statement counter on the engine. The count must stay under a
budget and must not change when the world grows (no N+1 query hidden in a loop or a template).
Transaction control (BEGIN, SAVEPOINT...) is not counted: only what the database has to answer.
"""

import pytest
from flask import Flask

from depomi_learn.models import Role
from tests.helpers.courses import make_course
from tests.helpers.database import delete_rows
from tests.helpers.people import Auth, csrf_token, make_user
from tests.helpers.queries import enrol, queries_for


def make_courses(app: Flask, count: int, modules: int) -> list[str]:
    keys = tuple(f"m{n}" for n in range(modules))
    return [
        make_course(app, f"course-{n}", modules=keys, quiz_modules=("m3",)) for n in range(count)
    ]


def learner_pages(course_id: str) -> dict[str, str]:
    return {
        "home": "/",
        "catalogue": "/courses",
        "course": f"/courses/{course_id}",
        "module": f"/courses/{course_id}/modules/m1",
        "quiz module": f"/courses/{course_id}/modules/m3",
    }


# Budgets: the signed-in user (1), then the page's own reads. What hangs off a course version
# (its modules, titles, settings, module bodies) is kept per process (learning/outlines.py), so a
# page reads the course row with its current version's key, then only what is the learner's:
# the module page the enrolment and progress (a quiz module also the attempts and any renewal);
# the course page the enrolment, progress and upcoming sessions; home the enrolments, progress,
# the visible courses and upcoming sessions; the catalogue the visible courses and the learner's
# enrolments with their completed modules.
BUDGETS = {"home": 5, "catalogue": 4, "course": 5, "module": 4, "quiz module": 6}


def count_learner_pages(app: Flask, auth: Auth, courses: int, modules: int) -> dict[str, int]:
    course_ids = make_courses(app, courses, modules)
    auth.as_role(Role.LEARNER)
    for course_id in course_ids:
        enrol(auth.client, course_id)
    return {
        name: queries_for(app, auth.client, path)
        for name, path in learner_pages(course_ids[0]).items()
    }


def test_learner_pages_stay_within_their_query_budget(app, auth):
    counts = count_learner_pages(app, auth, courses=2, modules=4)
    over = {name: (count, BUDGETS[name]) for name, count in counts.items() if count > BUDGETS[name]}
    assert not over, f"queries (count, budget): {over}"


def test_learner_page_queries_do_not_grow_with_courses_and_modules(app, auth):
    small = count_learner_pages(app, auth, courses=1, modules=4)
    auth.logout()
    delete_rows(app)
    large = count_learner_pages(app, auth, courses=5, modules=12)
    assert large == small


def test_quiz_attempt_and_result_pages_are_constant(app, auth):
    make_course(app, "quiz", modules=("intro", "test"), quiz_modules=("test",))
    auth.as_role(Role.LEARNER)
    enrol(auth.client, "quiz")
    token = csrf_token(auth.client, "/courses/quiz/modules/test")
    started = auth.client.post("/courses/quiz/modules/test/quiz", data={"csrf_token": token})
    attempt = started.headers["Location"]
    assert queries_for(app, auth.client, attempt) <= 5
    submitted = auth.client.post(
        f"{attempt}/submit", data={"csrf_token": token, "q-test-q1": "true"}
    )
    assert submitted.status_code == 302
    assert queries_for(app, auth.client, attempt) <= 5


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.ADMIN, "/admin/users"),
        (Role.COORDINATOR, "/coordinate/"),
        (Role.COORDINATOR, "/coordinate/learners?metric=learners"),
    ],
)
def test_staff_pages_do_not_grow_with_learners(app, auth, role, path):
    make_courses(app, 2, 3)
    for number in range(3):
        make_user(app, email=f"few{number}@example.ma")
    auth.as_role(role)
    few = queries_for(app, auth.client, path)
    for number in range(12):
        make_user(app, email=f"many{number}@example.ma", region="oriental" if number % 2 else None)
    assert queries_for(app, auth.client, path) == few
