"""A submitted attempt as its result page shows it: the learner's answers, which were right, and
the right answers when the course lets them be shown."""

from dataclasses import dataclass

from ..i18n import format_number
from ..models import QuizAttempt, User
from .catalog import find_module, get_course
from .quizzes import quiz_state

SHOWN_AFTER_EACH_ATTEMPT = "after_each_attempt"


@dataclass(frozen=True)
class ReviewedOption:
    option: dict  # its id, html and feedback in the attempt's language
    chosen: bool
    right: bool | None  # None: the right answers are not shown yet


@dataclass(frozen=True)
class ReviewedQuestion:
    """One question of a submitted attempt as its result page shows it."""

    question: dict  # as drawn: key, type, points, option_order
    texts: dict  # in the attempt's language, else the course's default language
    result: dict  # as graded: score, fraction, correct, chosen
    answer: object  # what the learner answered
    verdict: str  # correct | partial | wrong
    options: list[ReviewedOption]  # in the order shown; empty when no choice
    right_answer: str | None  # true_false: "true"/"false"; short_text, numeric: a text; else None


def answers_shown(attempt: QuizAttempt, user: User) -> bool:
    """Tell whether the result page may show the right answers: after each attempt, unless the
    course keeps them until the learner has no attempt left (course.yaml `show_answers`)."""
    rule = (attempt.settings or {}).get("show_answers", SHOWN_AFTER_EACH_ATTEMPT)
    if rule == SHOWN_AFTER_EACH_ATTEMPT:
        return True
    course = get_course(attempt.course_id)
    version = course.current_version if course else None
    found = find_module(version, attempt.module_key) if version else None
    if found is None:  # a module since removed from the course: nothing more to try
        return True
    return quiz_state(user, attempt.course_id, found[1], close_expired=False).attempts_left == 0


def review(
    attempt: QuizAttempt, language: str, default_language: str, *, show_answers: bool
) -> list[ReviewedQuestion]:
    """Return the questions of a submitted attempt with their results, in the order asked."""
    results = {result["key"]: result for result in attempt.results or []}
    reviewed = []
    for question in attempt.questions:
        texts = question["texts"].get(language) or question["texts"][default_language]
        result = results[question["key"]]
        verdict = (
            "correct" if result["correct"] else "partial" if result["fraction"] > 0 else "wrong"
        )
        key = question["answer_key"]
        options = []
        if question["type"] in ("single", "multiple"):
            by_id = {option["id"]: option for option in texts["options"]}
            options = [
                ReviewedOption(
                    by_id[i],
                    i in result["chosen"],
                    (i in key["correct"]) if show_answers else None,
                )
                for i in question["option_order"]
            ]
        answer = (attempt.answers or {}).get(question["key"])
        right = _right_answer(question, texts) if show_answers else None
        reviewed.append(ReviewedQuestion(question, texts, result, answer, verdict, options, right))
    return reviewed


def _right_answer(question: dict, texts: dict) -> str | None:
    key = question["answer_key"]
    if question["type"] == "true_false":
        return "true" if key["answer"] else "false"
    if question["type"] == "short_text":
        accepted = texts.get("accept") or question["accept"]
        return accepted[0] if accepted else None
    if question["type"] == "numeric":
        # Written with the interface language's decimal sign, as the learner may type it.
        if "range" in key:
            low, high = key["range"]
            return f"{format_number(low)} – {format_number(high)}"
        tolerance = key.get("tolerance") or 0
        shown = format_number(key["answer"])
        return shown + (f" ± {format_number(tolerance)}" if tolerance else "")
    return None
