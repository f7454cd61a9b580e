"""A course with quizzes, and taking them through the pages."""

import re
from pathlib import Path

from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from tests.helpers.database import FIXTURES
from tests.helpers.people import csrf_token

QUIZ_COURSE = FIXTURES / "quiz-course"


MODULE = "/courses/quiz-course/modules/evaluation"


RIGHT = {
    "q-q-single": "a",
    "q-q-multiple": ["a", "b"],
    "q-q-true-false": "false",
    "q-q-short": "  sniax ",
    "q-q-numeric": "٣٫٥",
}


def import_course(app, folder: Path = QUIZ_COURSE) -> None:
    with app.app_context():
        results, findings = import_tree(folder)
        assert results, findings
        db.session.commit()


def start(client, module=MODULE, lang=None) -> int:
    query = f"?lang={lang}" if lang else ""
    response = client.post(f"{module}/quiz{query}", data={"csrf_token": csrf_token(client, module)})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/quiz/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def submit(client, attempt_id: int, answers: dict):
    page = f"/quiz/attempts/{attempt_id}"
    data = {"csrf_token": csrf_token(client, "/courses"), "q-q-multiple-shown": "1", **answers}
    return client.post(f"{page}/submit", data=data)
