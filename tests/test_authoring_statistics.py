"""Question statistics, checked against numbers worked out by hand on a known set of attempts."""

import statistics

import pytest

from depomi_learn.authoring.statistics import QuestionStats, question_statistics
from depomi_learn.extensions import db
from depomi_learn.models import Course, QuizAttempt, Role, utcnow
from tests.helpers.authoring import COURSE, import_course, make_author
from tests.helpers.people import make_user

# learner: (single choice, true/false answer, short answer); the key is a / false / SNIAX.
ANSWERS = {
    "a": ("a", "false", "SNIAX"),
    "b": ("a", "false", "X"),
    "c": ("b", "false", "SNIAX"),
    "d": ("b", "true", "X"),
    "e": ("c", "true", "SNIAX"),
    "f": ("a", None, ""),
}
KEY = ("a", "false", "SNIAX")
QUESTIONS = ("q-single", "q-true-false", "q-short")


def results_of(answers: tuple) -> list[dict]:
    results = []
    for key, answer, right in zip(QUESTIONS, answers, KEY, strict=True):
        correct = answer == right
        results.append(
            {
                "key": key,
                "score": 1.0 if correct else 0.0,
                "fraction": 1.0 if correct else 0.0,
                "correct": correct,
                "chosen": [answer] if key == "q-single" else [],
            }
        )
    return results


@pytest.fixture
def attempts(app) -> dict[str, int]:
    import_course(app)
    users = {name: make_user(app, email=f"{name}@example.ma") for name in ANSWERS}
    with app.app_context():
        version = db.session.get(Course, COURSE).current_version
        for name, answers in ANSWERS.items():
            results = results_of(answers)
            given = {k: a for k, a in zip(QUESTIONS, answers, strict=True) if a is not None}
            points = sum(r["score"] for r in results)
            db.session.add(
                QuizAttempt(
                    user_id=users[name], course_id=COURSE, module_key="evaluation",
                    version_id=version.id, number=1, language="fr", settings={}, questions=[],
                    answers=given, results=results, points=points, max_points=3,
                    percent=100 * points / 3, passed=points >= 2, submitted_at=utcnow(),
                )
            )  # fmt: skip
        db.session.add(  # an attempt still open counts for nothing
            QuizAttempt(
                user_id=users["a"], course_id=COURSE, module_key="evaluation",
                version_id=version.id, number=2, language="fr", settings={}, questions=[],
            )
        )  # fmt: skip
        db.session.commit()
    return users


def by_key(app, **kwargs) -> dict[str, QuestionStats]:
    with app.app_context():
        return {stat.key: stat for stat in question_statistics(COURSE, **kwargs)}


def test_attempts_correct_answers_and_distributions(app, attempts):
    stats = by_key(app)
    assert set(stats) == set(QUESTIONS)
    single, true_false, short = stats["q-single"], stats["q-true-false"], stats["q-short"]
    assert (single.attempts, single.correct, single.percent_correct) == (6, 3, 50.0)
    assert single.mean_fraction == 0.5
    assert single.choices == {"a": 3, "b": 2, "c": 1}
    assert (true_false.correct, true_false.answers) == (3, [("false", 3), ("true", 2)])
    assert (short.correct, short.answers) == (3, [("SNIAX", 3), ("X", 2), ("", 1)])


def test_discrimination_is_the_correlation_with_the_rest_of_the_attempt(app, attempts):
    stats = by_key(app)
    for index, key in enumerate(QUESTIONS):
        item = [float(answers[index] == KEY[index]) for answers in ANSWERS.values()]
        totals = [
            sum(float(a == k) for a, k in zip(answers, KEY, strict=True))
            for answers in ANSWERS.values()
        ]
        rest = [total - score for total, score in zip(totals, item, strict=True)]
        expected = round(statistics.correlation(item, rest), 3)
        assert stats[key].discrimination == pytest.approx(expected, abs=1e-3)
    # Worked by hand for the single-choice question: learners a, b and f got it right and
    # score 2, 1 and 0 elsewhere; c, d and e got it wrong and score 2, 0 and 1 elsewhere.
    assert stats["q-single"].discrimination == 0.0


def test_only_the_chosen_version_and_the_course_count(app, attempts):
    with app.app_context():
        version_id = db.session.get(Course, COURSE).current_version_id
    assert by_key(app, version_id=version_id)["q-single"].attempts == 6
    assert by_key(app, version_id=version_id + 1000) == {}
    with app.app_context():
        assert question_statistics("another-course") == []


def test_a_question_that_does_not_discriminate_is_flagged():
    flat = QuestionStats("m", "q", attempts=10, correct=5, mean_fraction=0.5, discrimination=0.05)
    easy = QuestionStats("m", "q", attempts=10, correct=10, mean_fraction=1, discrimination=None)
    good = QuestionStats("m", "q", attempts=10, correct=6, mean_fraction=0.6, discrimination=0.45)
    few = QuestionStats("m", "q", attempts=2, correct=0, mean_fraction=0, discrimination=None)
    assert (flat.needs_review, easy.needs_review, good.needs_review, few.needs_review) == (
        True,
        True,
        False,
        False,
    )


def test_the_statistics_page_shows_the_numbers_to_the_courses_authors(app, client, auth, attempts):
    make_author(app, COURSE, auth.as_role(Role.TRAINER, region=None))
    page = client.get(f"/author/{COURSE}/statistics").get_data(as_text=True)
    assert 'data-question="q-single"' in page
    assert '<span class="number" data-option="a">3</span>' in page
    assert '<span class="number" data-answer="SNIAX">3</span>' in page
    assert "50%" in page
