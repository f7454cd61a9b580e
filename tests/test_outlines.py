"""Course outlines and module bodies kept per process (learning/outlines.py): what changes is
seen at the next request, what is kept stays bounded."""

import shutil

import sqlalchemy as sa

from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.learning.outlines import BoundedCache, kept_counts
from depomi_learn.models import Course, Role
from tests.helpers.database import FIXTURES
from tests.helpers.people import csrf_token

MODULE = "/courses/quiz-course/modules/lecture"


def _import(app, folder) -> None:
    with app.app_context():
        results, findings = import_tree(folder)
        assert results, findings
        db.session.commit()


def _enrolled_learner(app, auth) -> None:
    _import(app, FIXTURES / "quiz-course")
    auth.as_role(Role.LEARNER)
    token = csrf_token(auth.client, "/courses")
    enrolled = auth.client.post("/courses/quiz-course/enrol", data={"csrf_token": token})
    assert enrolled.status_code == 302


def test_a_newly_published_versions_module_text_is_served_at_once(app, auth, tmp_path):
    _enrolled_learner(app, auth)
    assert "Un module à lire." in auth.client.get(MODULE).text
    assert "Un module à lire." in auth.client.get(MODULE).text  # now served from what is kept
    folder = tmp_path / "quiz-course"
    shutil.copytree(FIXTURES / "quiz-course", folder)
    manifest = folder / "course.yaml"
    text = manifest.read_text("utf-8").replace('version: "2026.1"', 'version: "2026.2"')
    manifest.write_text(text.replace("fr: Cours de quiz,", "fr: Cours de quiz revu,"), "utf-8")
    lesson = folder / "fr" / "01-lecture.md"
    lesson.write_text(
        lesson.read_text("utf-8")
        .replace("Un module à lire.", "Un module réécrit.")
        .replace("title: Lecture", "title: Lecture revue"),
        "utf-8",
    )
    _import(app, folder)
    page = auth.client.get(MODULE).text
    assert "Un module réécrit." in page
    assert "Un module à lire." not in page
    assert "Lecture revue" in page
    assert "Cours de quiz revu" in auth.client.get("/courses/quiz-course").text
    assert "Cours de quiz revu" in auth.client.get("/courses").text
    assert "Cours de quiz revu" in auth.client.get("/").text


def test_an_archived_course_is_hidden_at_the_next_request(app, auth):
    _enrolled_learner(app, auth)
    assert auth.client.get(MODULE).status_code == 200
    with app.app_context():
        db.session.execute(sa.update(Course).values(archived=True))
        db.session.commit()
    assert auth.client.get(MODULE).status_code == 404
    assert auth.client.get("/courses/quiz-course").status_code == 404
    assert "quiz-course" not in auth.client.get("/courses").text


def test_outlines_and_bodies_are_kept_once_per_version(app, auth):
    _enrolled_learner(app, auth)
    with app.test_request_context():
        outlines_before, bodies_before = kept_counts()
    for _ in range(3):
        auth.client.get(MODULE)
    with app.test_request_context():
        outlines, bodies = kept_counts()
    assert outlines - outlines_before <= 1  # the version was already kept by the enrolment pages
    assert bodies - bodies_before == 1


def test_the_cache_forgets_the_least_recently_used_beyond_its_size():
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2
