"""The quiz result page: the learner's choice and the right answer marked in text, and a course
that keeps the right answers until the last attempt."""

import re
import shutil
from pathlib import Path

import pytest

from tests.helpers.people import csrf_token, make_user
from tests.helpers.quizzes import QUIZ_COURSE, RIGHT, import_course, start, submit

WRONG_SINGLE = {**RIGHT, "q-q-single": "b", "q-q-true-false": "true"}


def option_item(html: str, text: str) -> str:
    """Return the visible text of the result's list item holding the option `text`."""
    match = re.search(r'<li class="([^"]*)">((?:(?!</li>).)*' + text + r".*?)</li>", html, re.S)
    assert match, text
    hidden = re.sub(r'<span class="visually-hidden".*?</span>', "", match.group(2), flags=re.S)
    return [*match.group(1).split(), " ".join(re.sub(r"<[^>]+>", " ", hidden).split())]


@pytest.fixture
def enrolled(app, client, auth):
    def enrol(folder: Path = QUIZ_COURSE) -> None:
        import_course(app, folder)
        make_user(app)
        auth.login()
        client.post(
            "/courses/quiz-course/enrol",
            data={"csrf_token": csrf_token(client, "/courses/quiz-course")},
        )

    return enrol


def test_result_marks_the_wrong_choice_and_the_right_option_in_words(client, enrolled):
    enrolled()
    attempt_id = start(client)
    submit(client, attempt_id, WRONG_SINGLE)
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    *classes, text = option_item(html, "Option B fr")
    assert {"chosen", "wrong"} <= set(classes)
    assert "Your choice" in text
    assert "Not right" in text
    assert "✔" not in text
    *classes, text = option_item(html, "Option A fr")
    assert "right" in classes
    assert "Right answer" in text
    assert "Your choice" not in text
    *classes, text = option_item(html, "Option C fr")
    assert classes == []
    assert "Right answer" not in text
    assert "Your choice" not in text
    # A true/false question names its right answer too.
    assert re.search(r"Right answer</span>\s*<span[^>]*>False</span>", html)


def test_right_choice_is_marked_as_the_learners_and_right(client, enrolled):
    enrolled()
    attempt_id = start(client)
    submit(client, attempt_id, RIGHT)
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    *classes, text = option_item(html, "Option A fr")
    assert {"chosen", "right"} <= set(classes)
    assert "Your choice" in text
    assert "Right answer" in text


def test_course_can_keep_right_answers_until_the_last_attempt(client, enrolled, tmp_path):
    folder = tmp_path / "quiz-course"
    shutil.copytree(QUIZ_COURSE, folder)
    course_yaml = folder / "course.yaml"
    course_yaml.write_text(course_yaml.read_text() + "show_answers: after_last_attempt\n")
    enrolled(folder)
    first = start(client)
    submit(client, first, WRONG_SINGLE)
    html = client.get(f"/quiz/attempts/{first}").get_data(as_text=True)
    assert "Right answer" not in html
    assert "once you have used your last attempt" in html
    *classes, text = option_item(html, "Option B fr")
    assert "chosen" in classes
    assert "Your choice" in text
    assert "wrong" not in classes
    for _attempt in range(2):  # max_attempts: 3
        last = start(client)
        submit(client, last, WRONG_SINGLE)
    for attempt_id in (last, first):  # every result shows them once no attempt is left
        html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
        assert "Right answer" in option_item(html, "Option A fr")[-1]
        assert "once you have used your last attempt" not in html


def test_a_numeric_right_answer_is_written_with_the_interface_decimal_sign(app, client, enrolled):
    enrolled()
    attempt_id = start(client)
    submit(client, attempt_id, {**RIGHT, "q-q-numeric": "9"})
    client.post("/language", data={"language": "fr", "csrf_token": csrf_token(client, "/")})
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "3,5 ± 0,01" in html
    assert "3.5 ± 0.01" not in html
