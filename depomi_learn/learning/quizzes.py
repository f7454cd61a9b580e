"""Quiz attempts: start one, save answers, submit exactly once, and complete the module.

Every rule here holds under concurrency: attempt numbers and the single open attempt are unique
constraints, submission is a conditional UPDATE that only one request can win, and answers are
never written to a submitted attempt. Domain functions flush; the view commits.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from ..certificates.issuing import learning_cycle_start
from ..extensions import db
from ..models import Module, QuizAttempt, User, utcnow
from .completion import pre_test_closed
from .grading import GradingItem, grade_attempt
from .progress import complete_module, find_enrolment

DEFAULT_SETTINGS = {
    "pass_mark": 70,
    "max_attempts": None,
    "time_limit_minutes": None,
    "draw": None,
    "shuffle": False,
}
CHOICE_TYPES = ("single", "multiple")


class QuizRefused(Exception):
    """The learner may not start an attempt now; `reason` says why (a stable code)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def quiz_settings(module: Module) -> dict:
    return {**DEFAULT_SETTINGS, **(module.quiz_settings or {})}


def grace() -> timedelta:
    return timedelta(seconds=current_app.config["QUIZ_GRACE_SECONDS"])


_ATTEMPTS = (  # built once: every quiz module page runs it
    sa.select(QuizAttempt)
    .where(
        QuizAttempt.user_id == sa.bindparam("user_id"),
        QuizAttempt.course_id == sa.bindparam("course_id"),
        QuizAttempt.module_key == sa.bindparam("module_key"),
    )
    .order_by(QuizAttempt.number)
)


def attempts_for(user: User, course_id: str, module_key: str) -> list[QuizAttempt]:
    """Return the learner's attempts at a module, oldest first."""
    parameters = {"user_id": user.id, "course_id": course_id, "module_key": module_key}
    return list(db.session.scalars(_ATTEMPTS, parameters))


@dataclass(frozen=True)
class QuizState:
    attempts: list[QuizAttempt]
    open_attempt: QuizAttempt | None
    attempts_left: int | None  # None: unlimited
    passed: bool


def quiz_state(
    user: User, course_id: str, module: Module, *, close_expired: bool = True
) -> QuizState:
    """Summarise the learner's attempts at `module`.

    With `close_expired`, attempts whose time ran out are graded now with what was saved in
    time; pages that only read (GET) leave that to the next submission or start.
    """
    attempts = attempts_for(user, course_id, module.key)
    for attempt in attempts if close_expired else ():
        if attempt.is_open and _expired(attempt, utcnow()):
            submit_attempt(attempt, None)
    settings = quiz_settings(module)
    # After a certificate renewal, earlier attempts stay in the history but no longer count.
    cycle_start = learning_cycle_start(user.id, course_id)
    counted = [a for a in attempts if cycle_start is None or a.started_at >= cycle_start]
    limit = settings["max_attempts"]
    return QuizState(
        attempts=attempts,
        open_attempt=next((a for a in attempts if a.is_open), None),
        attempts_left=None if limit is None else max(limit - len(counted), 0),
        passed=any(a.passed for a in counted),
    )


def _draw_questions(module: Module, settings: dict, rng: random.Random) -> list[dict]:
    questions = list(module.questions)
    if settings["draw"] and settings["draw"] < len(questions):
        questions = sorted(rng.sample(questions, settings["draw"]), key=lambda q: q.position)
    drawn = []
    for question in questions:
        option_order = list(question.answer_key.get("options", []))
        if settings["shuffle"] and question.type in CHOICE_TYPES:
            rng.shuffle(option_order)
        accept = sorted({a for text in question.texts.values() for a in text.get("accept", [])})
        drawn.append(
            {
                "key": question.key,
                "type": question.type,
                "points": question.points,
                "answer_key": question.answer_key,
                "accept": accept,
                "option_order": option_order,
                "texts": question.texts,
            }
        )
    return drawn


def start_attempt(user: User, module: Module, language: str) -> QuizAttempt:
    """Return the learner's open attempt at `module`, or start a new one if the limit allows."""
    version = module.version
    if find_enrolment(user, version.course_id) is None:
        raise QuizRefused("not_enrolled")
    if not module.questions:
        raise QuizRefused("no_quiz")
    state = quiz_state(user, version.course_id, module)
    if state.open_attempt is not None:
        return state.open_attempt
    if state.attempts_left == 0:
        raise QuizRefused("no_attempts_left")
    if pre_test_closed(user.id, module):
        raise QuizRefused("pre_test_closed")
    settings = quiz_settings(module)
    now = utcnow()
    limit = settings["time_limit_minutes"]
    attempt = QuizAttempt(
        user_id=user.id,
        course_id=version.course_id,
        module_key=module.key,
        version_id=version.id,
        number=len(state.attempts) + 1,
        language=language,
        settings=settings,
        questions=_draw_questions(module, settings, random.SystemRandom()),
        answers={},
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another tab started one at the same moment: use it, never a second one.
        open_attempt = quiz_state(user, version.course_id, module).open_attempt
        if open_attempt is None:
            raise QuizRefused("no_attempts_left") from None
        return open_attempt
    return attempt


def _expired(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + grace()


def clean_answers(attempt: QuizAttempt, raw: dict[str, object]) -> dict[str, object]:
    """Keep only answers to the attempt's questions, in the shape each type expects."""
    cleaned: dict[str, object] = {}
    for question in attempt.questions:
        value = raw.get(question["key"])
        if value is None:
            continue
        if question["type"] == "multiple":
            values = value if isinstance(value, list) else [value]
            cleaned[question["key"]] = sorted({str(v)[:100] for v in values})
        elif isinstance(value, list):
            cleaned[question["key"]] = str(value[-1])[:1000] if value else ""
        else:
            cleaned[question["key"]] = str(value)[:1000]
    return cleaned


def save_answers(attempt: QuizAttempt, raw: dict[str, object]) -> bool:
    """Save answers in progress; refused (False) once submitted or past the deadline."""
    now = utcnow()
    if _expired(attempt, now):
        return False
    answers = {**(attempt.answers or {}), **clean_answers(attempt, raw)}
    result: CursorResult = db.session.execute(  # type: ignore[assignment]  # an UPDATE
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=answers, answers_saved_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    return result.rowcount == 1


def _grade(attempt: QuizAttempt, answers: dict) -> dict:
    items = [
        GradingItem(
            question_type=q["type"],
            answer_key=q["answer_key"],
            response=answers.get(q["key"]),
            points=q["points"],
            accept=q["accept"],
        )
        for q in attempt.questions
    ]
    grade = grade_attempt(items)
    results = [
        {
            "key": q["key"],
            "score": g.score,
            "fraction": g.fraction,
            "correct": g.correct,
            "chosen": list(g.chosen_option_ids),
        }
        for q, g in zip(attempt.questions, grade.grades, strict=True)
    ]
    return {
        "results": results,
        "points": grade.points,
        "max_points": grade.max_points,
        "percent": grade.percent,
        "passed": grade.passed(attempt.settings["pass_mark"]),
    }


@dataclass(frozen=True)
class Submission:
    """An attempt graded from what was read, ready to be recorded (`record_submission`)."""

    at: datetime
    late: bool
    answers: dict
    graded: dict
    saved_at: datetime | None  # the saved answers it was graded with


def grade_submission(attempt: QuizAttempt, raw: dict[str, object] | None) -> Submission:
    """Grade the attempt with `raw` answers, writing nothing (so outside any write lock).

    Answers sent after the deadline (plus grace) are ignored: the attempt is graded with what was
    saved in time.
    """
    now = utcnow()
    late = _expired(attempt, now)
    answers = dict(attempt.answers or {})
    if raw is not None and not late:
        answers.update(clean_answers(attempt, raw))
    return Submission(now, late, answers, _grade(attempt, answers), attempt.answers_saved_at)


def record_submission(attempt: QuizAttempt, submission: Submission, *, again: bool = False) -> bool:
    """Record a graded submission once; return True if this call recorded it, False if the
    attempt already was submitted. If answers were saved since it was graded, grade again."""
    saved_at = QuizAttempt.answers_saved_at
    unchanged = (
        saved_at.is_(None) if submission.saved_at is None else saved_at == submission.saved_at
    )
    result: CursorResult = db.session.execute(  # type: ignore[assignment]  # an UPDATE
        sa.update(QuizAttempt)
        .where(
            QuizAttempt.id == attempt.id,
            QuizAttempt.submitted_at.is_(None),
            sa.true() if again else unchanged,
        )
        .values(
            answers=submission.answers,
            submitted_at=submission.at,
            late=submission.late,
            **submission.graded,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if result.rowcount != 1:
        if attempt.submitted_at is not None or again:
            return False
        regraded = grade_submission(attempt, submission.answers)
        return record_submission(attempt, regraded, again=True)
    if attempt.passed:
        complete_module(attempt.user, attempt.course_id, attempt.module_key)
    return True


def submit_attempt(attempt: QuizAttempt, raw: dict[str, object] | None) -> bool:
    """Grade the attempt once; return True if this call graded it, False if it already was.

    Answers sent after the deadline (plus grace) are ignored: the attempt is graded with what was
    saved in time.
    """
    return record_submission(attempt, grade_submission(attempt, raw))
