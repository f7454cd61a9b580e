"""The end-of-session evaluation: the programme's questionnaire plus the course's survey blocks.

Answers are stored apart from who answered (SurveyResponse says who, SurveyAnswer what, with
no link between them), so nothing can show an answer with a name. Results appear only from
MIN_ANSWERS answers. One answer per person per session: SurveyResponse is unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SurveyAnswer, SurveyResponse, TrainingSession, User, utcnow
from .attendance import registered_ids
from .scheduling import SessionError

MIN_ANSWERS = 5
TEXT_MAX = 2000
TYPES = ("likert", "single", "text")
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "evaluation.yaml"


@dataclass(frozen=True)
class SurveyQuestion:
    id: str
    type: str
    prompt: dict[str, str]
    options: tuple[tuple[str, dict[str, str]], ...] = ()

    def text(self, language: str) -> str:
        return (
            self.prompt.get(language) or self.prompt.get("fr") or next(iter(self.prompt.values()))
        )

    def option_text(self, option_id: str, language: str) -> str:
        texts = dict(self.options).get(option_id, {})
        return texts.get(language) or texts.get("fr") or option_id


def question_from(data: dict) -> SurveyQuestion:
    options = tuple((str(o["id"]), dict(o["text"])) for o in data.get("options") or ())
    return SurveyQuestion(str(data["id"]), data["type"], dict(data["prompt"]), options)


@cache
def default_questions() -> tuple[SurveyQuestion, ...]:
    """Return the programme's questionnaire, shipped in French and Arabic (and English)."""
    return tuple(question_from(item) for item in yaml.safe_load(DEFAULT_FILE.read_text("utf-8")))


def questions_for(session: TrainingSession) -> list[SurveyQuestion]:
    """Return the programme's questions, then those of the course's survey blocks."""
    version = session.course.current_version
    course_items = (version.survey if version is not None else None) or []
    return [*default_questions(), *(question_from(item) for item in course_items)]


def evaluation_open(user: User, session: TrainingSession) -> bool:
    """Return whether `user` may answer: registered, and the session has begun."""
    if session.cancelled_at is not None or user.id not in registered_ids(session):
        return False
    return min(day.starts_at for day in session.days) <= utcnow()


def has_answered(user: User, session: TrainingSession) -> bool:
    return (
        db.session.scalar(
            sa.select(SurveyResponse.id).where(
                SurveyResponse.session_id == session.id, SurveyResponse.user_id == user.id
            )
        )
        is not None
    )


@dataclass
class Answers:
    rows: list[SurveyAnswer] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def read_answers(session: TrainingSession, form: dict[str, str]) -> Answers:
    """Check the submitted values against the questions; unanswered questions are allowed."""
    answers = Answers()
    for question in questions_for(session):
        value = (form.get(question.id) or "").strip()
        if not value:
            continue
        row = SurveyAnswer(session_id=session.id, question=question.id)
        if question.type == "likert" and value in {"1", "2", "3", "4", "5"}:
            row.number = int(value)
        elif question.type == "single" and value in dict(question.options):
            row.choice = value
        elif question.type == "text" and len(value) <= TEXT_MAX and "\x00" not in value:
            row.text = value
        else:
            answers.errors[question.id] = _("this answer is not one of the choices")
            continue
        answers.rows.append(row)
    return answers


def submit_evaluation(user: User, session: TrainingSession, form: dict[str, str]) -> Answers:
    """Store `user`'s answers once; a second answer (even concurrent) is refused."""
    if not evaluation_open(user, session):
        raise SessionError("evaluation", _("the evaluation is not open to you"), status=403)
    answers = read_answers(session, form)
    if answers.errors:
        return answers
    try:
        with db.session.begin_nested():
            db.session.add(SurveyResponse(session_id=session.id, user_id=user.id))
    except IntegrityError:
        raise SessionError("evaluation", _("you have already answered")) from None
    db.session.add_all(answers.rows)
    db.session.flush()
    return answers


@dataclass
class QuestionResult:
    question: SurveyQuestion
    average: float | None = None
    answered: int = 0
    choices: dict[str, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)


@dataclass
class EvaluationResults:
    responses: int
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_ANSWERS


def response_count(session_id: int) -> int:
    return db.session.scalar(  # type: ignore[return-value]  # a count is never NULL
        sa.select(sa.func.count(SurveyResponse.id)).where(SurveyResponse.session_id == session_id)
    )


def evaluation_results(session: TrainingSession) -> EvaluationResults:
    """Return the aggregated answers, or only their number below MIN_ANSWERS."""
    results = EvaluationResults(response_count(session.id))
    if not results.shown:
        return results
    by_id = {q.id: QuestionResult(q) for q in questions_for(session)}
    numbers = db.session.execute(
        sa.select(SurveyAnswer.question, sa.func.avg(SurveyAnswer.number), sa.func.count())
        .where(SurveyAnswer.session_id == session.id, SurveyAnswer.number.is_not(None))
        .group_by(SurveyAnswer.question)
    )
    for question, average, count in numbers:
        if question in by_id:
            by_id[question].average, by_id[question].answered = round(float(average), 2), count
    choices = db.session.execute(
        sa.select(SurveyAnswer.question, SurveyAnswer.choice, sa.func.count())
        .where(SurveyAnswer.session_id == session.id, SurveyAnswer.choice.is_not(None))
        .group_by(SurveyAnswer.question, SurveyAnswer.choice)
    )
    for question, choice, count in choices:
        if question in by_id and choice is not None:
            by_id[question].choices[choice] = count
            by_id[question].answered += count
    texts = db.session.execute(
        sa.select(SurveyAnswer.question, SurveyAnswer.text)
        .where(SurveyAnswer.session_id == session.id, SurveyAnswer.text.is_not(None))
        .order_by(SurveyAnswer.question, SurveyAnswer.text)  # never in the order people answered
    )
    for question, text in texts:
        if question in by_id and text is not None:
            by_id[question].texts.append(text)
            by_id[question].answered += 1
    results.questions = list(by_id.values())
    return results
