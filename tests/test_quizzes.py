"""Taking quizzes: attempts, grading on the server, exactly-once submission, history, completion."""

import re
import shutil
from datetime import timedelta

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.learning.quizzes import grade_submission, record_submission, save_answers
from depomi_learn.models import Course, Enrolment, ModuleProgress, QuizAttempt, utcnow
from tests.helpers.people import csrf_token, make_user
from tests.helpers.quizzes import MODULE, QUIZ_COURSE, RIGHT, import_course, start, submit

SECRETS = re.compile(r"SECRET|correct|answer_key|accept")


@pytest.fixture
def learner(app, client, auth):
    import_course(app)
    user_id = make_user(app)
    auth.login()
    client.post(
        "/courses/quiz-course/enrol",
        data={"csrf_token": csrf_token(client, "/courses/quiz-course")},
    )
    return user_id


def attempt_row(app, attempt_id: int) -> QuizAttempt:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def test_right_answers_pass_and_complete_the_module(app, client, learner):
    attempt_id = start(client)
    response = submit(client, attempt_id, RIGHT)
    assert response.headers["Location"].endswith(f"/quiz/attempts/{attempt_id}")
    attempt = attempt_row(app, attempt_id)
    assert (attempt.points, attempt.max_points, attempt.percent, attempt.passed) == (
        6,
        6,
        100,
        True,
    )
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Score: 100%" in html
    assert "Passed: this module is complete." in html
    assert "SECRET-EXPLANATION-SINGLE-fr" in html  # explanations after submission
    assert "SECRET-FEEDBACK-A-fr" in html  # feedback of the chosen option
    assert "SECRET-FEEDBACK-B-fr" not in html  # not of options the learner did not choose
    with app.app_context():
        keys = set(
            db.session.scalars(
                sa.select(ModuleProgress.module_key).where(ModuleProgress.completed_at.is_not(None))
            )
        )
    assert keys == {"evaluation"}


def test_wrong_answers_fail_with_partial_credit(app, client, learner):
    attempt_id = start(client)
    submit(client, attempt_id, {"q-q-single": "b", "q-q-multiple": ["a", "c"], "q-q-short": "x"})
    attempt = attempt_row(app, attempt_id)
    # multiple partial: (1 right - 1 wrong) / 2 = 0; nothing else right
    assert (attempt.points, attempt.passed) == (0, False)
    results = {r["key"]: r for r in attempt.results}
    assert results["q-multiple"]["chosen"] == ["a", "c"]
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "SECRET-FEEDBACK-MULTI-C-fr" in html
    assert "Incorrect" in html


def test_partial_scoring_counts(app, client, learner):
    attempt_id = start(client)
    submit(client, attempt_id, {**RIGHT, "q-q-multiple": ["a"]})
    attempt = attempt_row(app, attempt_id)
    assert attempt.points == 5.5
    assert attempt.percent == pytest.approx(91.67)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_nothing_secret_reaches_the_browser_before_submission(app, client, learner, lang):
    module_html = client.get(f"{MODULE}?lang={lang}").get_data(as_text=True)
    attempt_id = start(client, lang=lang)
    page = f"/quiz/attempts/{attempt_id}"
    attempt_html = client.get(page).get_data(as_text=True)
    save = client.post(
        f"{page}/save",
        data={"csrf_token": csrf_token(client, page), "q-q-single": "b"},
        headers={"Accept": "application/json"},
    )
    for body in (module_html, attempt_html, save.get_data(as_text=True)):
        assert not SECRETS.search(body), SECRETS.search(body).group(0)
    assert "Option A " + lang in attempt_html  # the texts are there, only the key is not


def test_arabic_attempt_shows_arabic_texts_and_accepts_arabic_answers(app, client, learner):
    attempt_id = start(client, lang="ar")
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html
    assert "Option A ar" in html
    submit(client, attempt_id, {**RIGHT, "q-q-short": "الإستراتيجيةُ السرية"})
    attempt = attempt_row(app, attempt_id)
    assert {r["key"]: r["correct"] for r in attempt.results}["q-short"] is True


def test_double_submit_grades_once_and_answers_the_same(app, client, learner):
    attempt_id = start(client)
    first = submit(client, attempt_id, RIGHT)
    second = submit(client, attempt_id, {"q-q-single": "b"})  # a resubmit with other answers
    assert first.headers["Location"] == second.headers["Location"]
    attempt = attempt_row(app, attempt_id)
    assert attempt.percent == 100
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 1


def test_two_tabs_share_one_open_attempt(app, client, learner):
    assert start(client) == start(client)


def test_attempt_limit_cannot_be_bypassed(app, client, learner):
    for _ in range(3):
        submit(client, start(client), {"q-q-single": "b"})
    response = client.post(f"{MODULE}/quiz", data={"csrf_token": csrf_token(client, MODULE)})
    assert response.headers["Location"].endswith(f"{MODULE}?lang=fr")  # back in its language
    assert "You have used all your attempts" in client.get(MODULE).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 3


def test_answers_are_saved_and_shown_again(app, client, learner):
    attempt_id = start(client)
    page = f"/quiz/attempts/{attempt_id}"
    response = client.post(
        f"{page}/save",
        data={
            "csrf_token": csrf_token(client, page),
            "q-q-short": "brouillon",
            "q-q-multiple": ["b"],
            "q-q-multiple-shown": "1",
        },
        headers={"Accept": "application/json"},
    )
    assert response.get_json()["saved"] is True
    html = client.get(page).get_data(as_text=True)
    assert 'value="brouillon"' in html
    assert re.search(r'value="b"\s+checked', html)
    # unticking every box is saved too
    client.post(
        f"{page}/save", data={"csrf_token": csrf_token(client, page), "q-q-multiple-shown": "1"}
    )
    assert attempt_row(app, attempt_id).answers["q-multiple"] == []


def _move_deadline(app, attempt_id: int, seconds_ago: int) -> None:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(seconds=seconds_ago)
        db.session.commit()


def test_submission_after_deadline_uses_answers_saved_in_time(app, client, learner):
    attempt_id = start(client, module="/courses/quiz-course/modules/chrono")
    attempt = attempt_row(app, attempt_id)
    assert len(attempt.questions) == 2  # draw: 2 of 3
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=5)
    first, second = (q["key"] for q in attempt.questions)
    page = f"/quiz/attempts/{attempt_id}"
    client.post(f"{page}/save", data={"csrf_token": csrf_token(client, page), f"q-{first}": "true"})
    _move_deadline(app, attempt_id, seconds_ago=app.config["QUIZ_GRACE_SECONDS"] + 5)
    late_save = client.post(
        f"{page}/save",
        data={"csrf_token": csrf_token(client, MODULE), f"q-{second}": "true"},
        headers={"Accept": "application/json"},
    )
    assert late_save.status_code == 409
    client.post(
        f"{page}/submit",
        data={
            "csrf_token": csrf_token(client, MODULE),
            f"q-{first}": "true",
            f"q-{second}": "true",
        },
    )
    attempt = attempt_row(app, attempt_id)
    assert attempt.late is True
    assert attempt.answers == {first: "true"}
    assert attempt.percent == 50


def test_submission_within_grace_counts_fully(app, client, learner):
    attempt_id = start(client, module="/courses/quiz-course/modules/chrono")
    keys = [q["key"] for q in attempt_row(app, attempt_id).questions]
    _move_deadline(app, attempt_id, seconds_ago=5)
    client.post(
        f"/quiz/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, MODULE), **{f"q-{k}": "true" for k in keys}},
    )
    attempt = attempt_row(app, attempt_id)
    assert (attempt.late, attempt.percent) == (False, 100)


def test_expired_attempt_is_closed_when_the_learner_starts_again(app, client, learner):
    chrono = "/courses/quiz-course/modules/chrono"
    attempt_id = start(client, module=chrono)
    _move_deadline(app, attempt_id, seconds_ago=3600)
    assert "Time is up" in client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    client.get(chrono)  # reading pages never writes a grade
    assert attempt_row(app, attempt_id).submitted_at is None
    assert start(client, module=chrono) != attempt_id  # the second and last attempt
    attempt = attempt_row(app, attempt_id)
    assert attempt.submitted_at is not None
    assert attempt.late is True


def test_other_learners_attempts_are_invisible(app, client, learner, auth):
    attempt_id = start(client)
    auth.logout()
    make_user(app, email="other@example.ma")
    auth.login("other@example.ma")
    assert client.get(f"/quiz/attempts/{attempt_id}").status_code == 404
    assert submit(client, attempt_id, RIGHT).status_code == 404
    assert attempt_row(app, attempt_id).submitted_at is None


def test_quiz_needs_enrolment(app, client, auth):
    import_course(app)
    make_user(app)
    auth.login()
    client.post(f"{MODULE}/quiz", data={"csrf_token": csrf_token(client, "/courses/quiz-course")})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 0


def test_reimport_of_edited_course_leaves_past_attempts_untouched(app, client, learner, tmp_path):
    attempt_id = start(client)
    submit(client, attempt_id, RIGHT)
    before = attempt_row(app, attempt_id)
    edited = tmp_path / "quiz-course"
    shutil.copytree(QUIZ_COURSE, edited)
    for lang in ("fr", "ar"):
        path = edited / lang / "02-evaluation.md"
        text = (
            path.read_text("utf-8")
            .replace("answer: 3.5", "answer: 7")
            .replace("Option A", "Option A modifiée")
        )
        path.write_text(text, "utf-8")
    import_course(app, edited)
    after = attempt_row(app, attempt_id)
    assert (after.questions, after.results, after.percent) == (
        before.questions,
        before.results,
        before.percent,
    )
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Option A modifiée" not in html
    assert "Score: 100%" in html
    new_attempt = start(client)
    submit(client, new_attempt, RIGHT)
    assert attempt_row(app, new_attempt).percent < 100  # graded against the new key


def test_course_completes_with_a_score_when_every_module_is_done(app, client, learner):
    reading = "/courses/quiz-course/modules/lecture"
    client.post(f"{reading}/read", data={"csrf_token": csrf_token(client, reading)})
    submit(client, start(client), {**RIGHT, "q-q-multiple": ["a"]})
    chrono = "/courses/quiz-course/modules/chrono"
    attempt_id = start(client, module=chrono)
    keys = [q["key"] for q in attempt_row(app, attempt_id).questions]
    client.post(
        f"/quiz/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, chrono), **{f"q-{k}": "true" for k in keys}},
    )
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment))
        assert enrolment.completed_at is not None
        assert enrolment.score == pytest.approx((91.67 + 100) / 2, abs=0.01)
    assert "Course complete" in client.get("/courses/quiz-course").get_data(as_text=True)


def test_history_lists_attempts_on_the_module_page(app, client, learner):
    submit(client, start(client), {"q-q-single": "b"})
    submit(client, start(client), RIGHT)
    html = client.get(MODULE).get_data(as_text=True)
    assert "Your attempts" in html
    assert "100%" in html
    assert "Not passed" in html
    assert "1 attempt left" in html


def test_reimport_removing_a_question_with_attempts_needs_a_flag(app, client, learner, tmp_path):
    submit(client, start(client), RIGHT)
    edited = tmp_path / "quiz-course"
    shutil.copytree(QUIZ_COURSE, edited)
    for lang in ("fr", "ar"):
        path = edited / lang / "02-evaluation.md"
        text = path.read_text("utf-8")
        start_at = text.index("```quiz\nid: q-numeric")
        path.write_text(text[:start_at], "utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["courses", "import", str(edited)])
    assert refused.exit_code == 1
    assert "q-numeric of module 'evaluation' have learner attempts" in refused.output
    with app.app_context():
        assert db.session.get(Course, "quiz-course").current_version.number == 1
    accepted = runner.invoke(args=["courses", "import", "--allow-removals", str(edited)])
    assert accepted.exit_code == 0, accepted.output
    with app.app_context():
        assert db.session.get(Course, "quiz-course").current_version.number == 2


def test_answers_sent_after_the_session_ended_are_kept(app, client, learner):
    attempt_id = start(client)
    token = csrf_token(client, "/courses")
    with client.session_transaction() as session:
        session["seen_at"] = 0  # idle for decades
    response = client.post(
        f"/quiz/attempts/{attempt_id}/submit",
        data={"csrf_token": token, "q-q-short": "sniax", "q-q-single": "a"},
    )
    assert "/login" in response.headers["Location"]
    attempt = attempt_row(app, attempt_id)
    assert attempt.submitted_at is None  # not graded behind the learner's back
    assert attempt.answers == {"q-short": "sniax", "q-single": "a"}


def test_answers_saved_between_grading_and_recording_are_graded(app, learner, client):
    """Submissions are graded before the write lock; a save landing in between is not lost."""
    attempt_id = start(client)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        graded_blank = grade_submission(attempt, {})
        assert not graded_blank.graded["passed"]
        right = {name.removeprefix("q-"): value for name, value in RIGHT.items()}
        assert save_answers(attempt, right)
        assert record_submission(attempt, graded_blank)
        db.session.commit()
        assert attempt.passed
        assert attempt.submitted_at is not None
        assert not record_submission(attempt, graded_blank)  # once only
