"""Accept what a phone queued while offline: modules read and quiz answers, each exactly once.

Every item carries an id made on the phone (a UUID). The first request that brings it claims the
id with a row in `offline_submission` (unique per user) in the same transaction as the work, and
stores the outcome; a replay, a second tab or a concurrent sync finds the row and gets the same
outcome, recording nothing more. Grading stays here: the phone only ever sends answers.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..learning.progress import complete_module, find_enrolment
from ..learning.quizzes import QuizRefused, start_attempt, submit_attempt
from ..models import Course, Module, OfflineSubmission, User
from ..permissions import can_view_course
from .bundle import quiz_works_offline

MAX_ITEMS = 100
MAX_ANSWERS = 200
CLIENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
KINDS = ("read", "quiz")


class BadItems(ValueError):
    """The request is not a list of well-formed items; nothing of it is recorded."""


@dataclass(frozen=True)
class Item:
    client_id: str
    kind: str
    course_id: str
    module_key: str
    language: str = ""
    made_at: datetime | None = None
    answers: dict[str, object] = field(default_factory=dict)


def _text(value: object, limit: int, what: str) -> str:
    if not isinstance(value, str) or len(value) > limit or "\0" in value:
        raise BadItems(what)
    return value


def _answers(raw: object) -> dict[str, object]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_ANSWERS:
        raise BadItems("answers")
    answers: dict[str, object] = {}
    for key, value in raw.items():
        if not KEY.match(key):
            raise BadItems("answers")
        if isinstance(value, list):
            if len(value) > 50:
                raise BadItems("answers")
            answers[key] = [_text(v, 100, "answers") for v in value]
        else:
            answers[key] = _text(value, 1000, "answers")
    return answers


def _made_at(raw: object) -> datetime | None:
    if raw in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(_text(raw, 40, "made_at").replace("Z", "+00:00"))
    except ValueError:
        raise BadItems("made_at") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_item(raw: object) -> Item:
    """Check one item from the phone against its format; raise BadItems naming the bad field."""
    if not isinstance(raw, dict):
        raise BadItems("item")
    client_id = _text(raw.get("id"), 36, "id").lower()
    if not CLIENT_ID.match(client_id):
        raise BadItems("id")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise BadItems("kind")
    course_id = _text(raw.get("course"), 63, "course")
    module_key = _text(raw.get("module"), 63, "module")
    if not KEY.match(course_id) or not KEY.match(module_key):
        raise BadItems("course" if not KEY.match(course_id) else "module")
    language = _text(raw.get("lang") or "", 16, "lang")
    if language and not LANGUAGE.match(language):
        raise BadItems("lang")
    answers = _answers(raw.get("answers")) if kind == "quiz" else {}
    return Item(
        client_id, kind, course_id, module_key, language, _made_at(raw.get("made_at")), answers
    )


def parse_items(payload: object) -> list[Item]:
    """Read the request body `{"items": [...]}`; raise BadItems when anything is malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise BadItems("items")
    if len(payload["items"]) > MAX_ITEMS:
        raise BadItems("items")
    return [parse_item(raw) for raw in payload["items"]]


def _find(user: User, client_id: str) -> OfflineSubmission | None:
    return db.session.scalar(
        sa.select(OfflineSubmission).where(
            OfflineSubmission.user_id == user.id, OfflineSubmission.client_id == client_id
        )
    )


def _module(user: User, item: Item) -> Module | dict:
    """Return the module the item is about, or the outcome that says why there is none."""
    course = db.session.get(Course, item.course_id)
    if course is None or not can_view_course(user, course):
        return {"status": "module_gone"}
    if find_enrolment(user, course.id) is None:
        return {"status": "not_enrolled"}
    if course.current_version is None:  # never published: nothing to record against
        return {"status": "module_gone"}
    for module in course.current_version.modules:
        if item.module_key == module.key or item.module_key in module.aliases:
            return module
    return {"status": "module_gone"}


def _read(user: User, module: Module) -> dict:
    if module.has_quiz:
        return {"status": "has_quiz"}
    complete_module(user, module.version.course_id, module.key)
    return {"status": "recorded"}


def _quiz(user: User, module: Module, item: Item) -> dict:
    if not module.has_quiz:
        return {"status": "no_quiz"}
    if not quiz_works_offline(module):  # changed since the copy was made: never graded blind
        return {"status": "needs_connection"}
    version = module.version
    language = item.language if item.language in version.languages else version.default_language
    try:
        attempt = start_attempt(user, module, language)
    except QuizRefused as refusal:
        return {"status": refusal.reason}
    asked = {question["key"] for question in attempt.questions}
    submit_attempt(attempt, item.answers)
    return {
        "status": "graded",
        "attempt": attempt.id,
        "percent": attempt.percent,
        "passed": bool(attempt.passed),
        "result_url": url_for("quiz.attempt", attempt_id=attempt.id),
        "unknown_questions": sorted(set(item.answers) - asked),
    }


def _apply(user: User, item: Item) -> dict:
    module = _module(user, item)
    if isinstance(module, dict):
        return module
    if item.kind == "read":
        return _read(user, module)
    return _quiz(user, module, item)


def accept_item(user: User, item: Item) -> dict:
    """Record `item` once for `user` and return its outcome (the stored one for a replay)."""
    existing = _find(user, item.client_id)
    if existing is not None:
        return existing.outcome
    row = OfflineSubmission(
        user_id=user.id,
        client_id=item.client_id,
        kind=item.kind,
        course_id=item.course_id,
        module_key=item.module_key,
        made_at=item.made_at,
        outcome={},
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()  # claim the id first: a concurrent twin waits here, then fails
            row.outcome = _apply(user, item)
            db.session.flush()
    except IntegrityError:
        twin = _find(user, item.client_id)
        if twin is None:  # the conflict was not a twin of this item: let it be seen
            raise
        return twin.outcome
    return row.outcome


def accept_items(user: User, items: list[Item]) -> list[dict]:
    """Record each item once; return `{"id": ..., **outcome}` for each, in order."""
    return [{"id": item.client_id, **accept_item(user, item)} for item in items]
