"""Where a learner is on a module page: its place in the course and the course's progress."""

import pytest

from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user


def read_module(client, course_id: str, key: str) -> str:
    return client.get(f"/courses/{course_id}/modules/{key}").get_data(as_text=True)


def enrol_in(client, course_id: str) -> None:
    client.post(f"/courses/{course_id}/enrol", data={"csrf_token": csrf_token(client, "/courses")})


def test_module_page_shows_its_place_and_the_progress_bar(app, client, auth):
    make_course(app)
    make_user(app)
    auth.login()
    enrol_in(client, "demo-course")
    client.post(
        "/courses/demo-course/modules/intro/read",
        data={"csrf_token": csrf_token(client, "/courses")},
    )
    html = read_module(client, "demo-course", "acteurs")
    assert "Module 2 of 3" in html
    assert '<progress class="progress" max="100" value="33"' in html
    assert html.count("1 of 3 modules complete") == 1


@pytest.mark.parametrize(
    ("modules", "expected"),
    [
        (("a", "b"), "الوحدة 2 من أصل وحدتين"),
        (("a", "b", "c"), "الوحدة 2 من أصل 3 وحدات"),
        (tuple(f"m{n}" for n in range(12)), "الوحدة 2 من أصل 12 وحدة"),
    ],
)
def test_module_place_counts_in_arabic_plurals(app, client, auth, modules, expected):
    make_course(app, modules=modules)
    make_user(app, language="ar")
    auth.login()
    enrol_in(client, "demo-course")
    assert expected in read_module(client, "demo-course", modules[1])
