"""Question statistics for trainers, computed by the database from submitted attempts.

Each attempt keeps what it graded (`QuizAttempt.results`: key, score, fraction, correct, chosen),
so statistics hold across versions as long as question ids stay the same. The JSON arrays are
unnested by the database (json_each on SQLite, json_array_elements on PostgreSQL) and every
aggregate is a SQL sum; Python only finishes the correlation from those sums.

Discrimination is the corrected point-biserial correlation: between a question's score (0 to 1)
and the rest of the attempt's score (its points minus this question's). Good questions are
answered right more often by learners who do well elsewhere (0.3 and above); near zero or
negative means the question does not measure what the rest measures, or its key is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import QuizAttempt

WEAK_DISCRIMINATION = 0.2
TOP_ANSWERS = 8


@dataclass
class QuestionStats:
    module_key: str
    key: str
    attempts: int
    correct: int
    mean_fraction: float
    discrimination: float | None  # None: too few attempts or no spread in scores
    choices: dict[str, int] = field(default_factory=dict)  # option id -> times chosen
    answers: list[tuple[str, int]] = field(default_factory=list)  # typed answers, most frequent

    @property
    def percent_correct(self) -> float:
        return round(100 * self.correct / self.attempts, 1) if self.attempts else 0.0

    @property
    def needs_review(self) -> bool:
        """Flag questions nearly all or nearly none get right, or that do not discriminate."""
        if self.attempts < 5:
            return False
        weak = self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION
        return weak or self.percent_correct >= 95 or self.percent_correct <= 20


def question_statistics(course_id: str, version_id: int | None = None) -> list[QuestionStats]:
    """Return statistics for every question answered in a course's submitted attempts."""
    attempts = _attempts(course_id, version_id)
    dialect = db.session.get_bind().dialect.name
    results = _elements(attempts.c.results, dialect)
    key = _text(results.c.value, "key", dialect)
    x = _number(results.c.value, "fraction", dialect)
    y = attempts.c.points - _number(results.c.value, "score", dialect)
    correct = _text(results.c.value, "correct", dialect).in_(("true", "1"))
    rows = db.session.execute(
        sa.select(
            attempts.c.module_key,
            key.label("key"),
            sa.func.count().label("n"),
            sa.func.sum(sa.case((correct, 1), else_=0)).label("correct"),
            sa.func.sum(x).label("sx"),
            sa.func.sum(y).label("sy"),
            sa.func.sum(x * y).label("sxy"),
            sa.func.sum(x * x).label("sxx"),
            sa.func.sum(y * y).label("syy"),
        )
        .select_from(attempts)
        .join(results, sa.true())
        .group_by(attempts.c.module_key, key)
    ).all()
    stats = {
        (row.module_key, row.key): QuestionStats(
            module_key=row.module_key,
            key=row.key,
            attempts=row.n,
            correct=int(row.correct or 0),
            mean_fraction=round(float(row.sx or 0) / row.n, 4) if row.n else 0.0,
            discrimination=_correlation(row),
        )
        for row in rows
    }
    _add_choices(stats, attempts, dialect)
    _add_answers(stats, attempts, dialect)
    return sorted(stats.values(), key=lambda s: (s.module_key, s.key))


def _attempts(course_id: str, version_id: int | None) -> sa.Subquery:
    query = sa.select(
        QuizAttempt.id,
        QuizAttempt.module_key,
        QuizAttempt.results,
        QuizAttempt.answers,
        QuizAttempt.points,
    ).where(
        QuizAttempt.course_id == course_id,
        QuizAttempt.submitted_at.is_not(None),
        QuizAttempt.results.is_not(None),
    )
    if version_id is not None:
        query = query.where(QuizAttempt.version_id == version_id)
    return query.subquery("attempt")


def _elements(
    array: sa.ColumnElement, dialect: str, path: str | None = None
) -> sa.TableValuedAlias:
    """Unnest a JSON array (or the array at `path` inside a JSON object) into rows of `value`."""
    if dialect == "postgresql":
        source = array if path is None else array.op("->")(path)
        function = sa.func.json_array_elements_text if path else sa.func.json_array_elements
        return function(source).table_valued("value").alias()
    if path is None:
        return sa.func.json_each(array).table_valued("value").alias()
    return sa.func.json_each(array, f"$.{path}").table_valued("value").alias()


def _text(element: sa.ColumnElement, name: str, dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return element.op("->>")(sa.literal(name, sa.Text))
    return sa.cast(sa.func.json_extract(element, f"$.{name}"), sa.Text)


def _number(element: sa.ColumnElement, name: str, dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return sa.cast(_text(element, name, dialect), sa.Float)
    return sa.cast(sa.func.json_extract(element, f"$.{name}"), sa.Float)


def _correlation(row: sa.Row) -> float | None:
    n = row.n
    if n < 3:
        return None
    sx, sy, sxy, sxx, syy = (float(v or 0) for v in (row.sx, row.sy, row.sxy, row.sxx, row.syy))
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if spread <= 1e-12:
        return None
    return round((n * sxy - sx * sy) / math.sqrt(spread), 3)


def _add_choices(stats: dict, attempts: sa.Subquery, dialect: str) -> None:
    results = _elements(attempts.c.results, dialect)
    chosen = _elements(results.c.value, dialect, "chosen")
    key = _text(results.c.value, "key", dialect)
    option = sa.cast(chosen.c.value, sa.Text)
    rows = db.session.execute(
        sa.select(attempts.c.module_key, key.label("key"), option.label("option"), sa.func.count())
        .select_from(attempts)
        .join(results, sa.true())
        .join(chosen, sa.true())
        .group_by(attempts.c.module_key, key, option)
    )
    for module_key, question_key, option_id, count in rows:
        if (module_key, question_key) in stats:
            stats[(module_key, question_key)].choices[option_id] = count


def _add_answers(stats: dict, attempts: sa.Subquery, dialect: str) -> None:
    """Count typed answers (true/false, short text, numbers): wrong ones reveal missing accepts."""
    results = _elements(attempts.c.results, dialect)
    key = _text(results.c.value, "key", dialect)
    answer: sa.ColumnElement[str]
    if dialect == "postgresql":
        answer = sa.type_coerce(attempts.c.answers, sa.Text).op("->>")(key)
    else:
        path = sa.literal('$."', sa.Text) + key + sa.literal('"', sa.Text)
        answer = sa.cast(sa.func.json_extract(attempts.c.answers, path), sa.Text)
    query = (
        sa.select(attempts.c.module_key, key.label("key"), answer.label("answer"), sa.func.count())
        .select_from(attempts)
        .join(results, sa.true())
        .where(answer.is_not(None))
        .group_by(attempts.c.module_key, key, answer)
    )
    for module_key, question_key, value, count in db.session.execute(query):
        entry = stats.get((module_key, question_key))
        if entry is None or value.startswith("["):  # a list of choices, counted above
            continue
        entry.answers.append((str(value), count))
    for entry in stats.values():
        entry.answers = sorted(entry.answers, key=lambda item: (-item[1], item[0]))[:TOP_ANSWERS]
