"""The dashboard's counters, kept in the transaction of every change they count.

A learner's contribution (their learner row and one row per enrolment, in each breakdown) is
computed from the live rows; a change subtracts the touched learners' old contributions and
adds the new ones. ORM flushes are counted by session events; bulk statements (assignments,
revocation, demo data) run inside `counting(user_ids)` or call `count_added(user_ids)`.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Certificate, Enrolment, ReportCounter, Role, User
from ..models.report_counters import COUNT_COLUMNS, KEY_COLUMNS
from .queries import certified_condition

Key = tuple[int, str, str, str, str]  # region_id, dimension, value, course_id, due
Counts = dict[Key, list]  # key -> values in the order of COUNT_COLUMNS
PERSON_DIMENSIONS = ("province_id", "institution_id", "job_function")
CHUNK = 500
# The attributes whose change can move a learner's contribution, per counted model.
WATCHED = {
    User: ("role", "region_id", "region", "province_id", "province", "institution_id",
           "institution", "job_function"),
    Enrolment: ("user_id", "course_id", "due_at", "completed_at", "score", "last_activity_at"),
    Certificate: ("user_id", "course_id", "revoked_at"),
}  # fmt: skip
logger = logging.getLogger(__name__)
STATE = "report_counting"  # session.info: the touched learners between before and after flush
HELD = "report_counting_held"  # session.info: learners a `counting` block is in charge of


def encoded(value: object) -> str:
    """Return a dimension value as the counters keep it: "" for none, never equal to a value."""
    return "" if value is None else f":{value}"


def decoded(dimension: str, text: str) -> object:
    """Return the value `encoded` kept, typed as the live query gives it."""
    if not text:
        return None
    value = text[1:]
    return value if dimension in ("job_function", "month") else int(value)


def due_text(moment: datetime) -> str:
    """Return a UTC timestamp as sortable text (the `due` key, and `now` to compare with it)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _add(counts: Counts, key: Key, values: tuple) -> None:
    total = counts.setdefault(key, [0, 0, 0, 0, 0, 0.0, 0])
    for index, value in enumerate(values):
        total[index] += value


def _add_person(counts: Counts, person) -> None:
    region = person.region_id or 0
    _add(counts, (region, "all", "", "", ""), (1,))
    for dimension in PERSON_DIMENSIONS:
        key = (region, dimension.removesuffix("_id"), encoded(getattr(person, dimension)), "", "")
        _add(counts, key, (1,))


def _add_enrolment(counts: Counts, person, row) -> None:
    region = person.region_id or 0
    done = row.completed_at is not None
    started = done or row.last_activity_at is not None
    scored = row.score is not None
    values = (0, 1, int(started), int(done), int(bool(row.certified)),
              float(row.score) if scored else 0.0, int(scored))  # fmt: skip
    due = due_text(row.due_at) if row.due_at is not None and not done else ""
    _add(counts, (region, "all", "", row.course_id, due), values)
    for dimension in PERSON_DIMENSIONS:
        value = encoded(getattr(person, dimension))
        _add(counts, (region, dimension.removesuffix("_id"), value, "", due), values)
    if done:
        month = due_text(row.completed_at)[:7]
        _add(counts, (region, "month", encoded(month), "", ""), (0, 0, 0, 1))


def _people_query() -> sa.Select:
    columns = (User.id, User.region_id, *(User.__table__.c[d] for d in PERSON_DIMENSIONS))
    return sa.select(*columns).where(User.role == Role.LEARNER)


def _enrolments_query() -> sa.Select:
    return sa.select(
        Enrolment.user_id,
        Enrolment.course_id,
        Enrolment.due_at,
        Enrolment.last_activity_at,
        Enrolment.completed_at,
        Enrolment.score,
        certified_condition().label("certified"),
    )


def contributions(connection: sa.Connection, user_ids: Iterable[int]) -> Counts:
    """Return what these users add to the counters, from the rows as the connection sees them."""
    counts: Counts = {}
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        people = {p.id: p for p in connection.execute(_people_query().where(User.id.in_(chunk)))}
        for person in people.values():
            _add_person(counts, person)
        if people:
            query = _enrolments_query().where(Enrolment.user_id.in_(list(people)))
            for row in connection.execute(query):
                _add_enrolment(counts, people[row.user_id], row)
    return counts


def live_counts(connection: sa.Connection) -> Counts:
    """Return every counter as the live rows give it (the check, the repair, the migration)."""
    counts: Counts = {}
    people = {p.id: p for p in connection.execute(_people_query())}
    for person in people.values():
        _add_person(counts, person)
    rows = connection.execute(_enrolments_query().execution_options(yield_per=5000))
    for row in rows:
        owner = people.get(row.user_id)
        if owner is not None:
            _add_enrolment(counts, owner, row)
    return counts


def stored_counts(connection: sa.Connection) -> Counts:
    """Return the counters as stored, rows at zero left out."""
    table = ReportCounter.__table__
    rows = connection.execute(sa.select(*(table.c[c] for c in (*KEY_COLUMNS, *COUNT_COLUMNS))))
    counts: Counts = {}
    for row in rows:
        values = list(row[len(KEY_COLUMNS) :])
        if any(values):
            counts[tuple(row[: len(KEY_COLUMNS)])] = values  # type: ignore[index]
    return counts


def _upsert(connection: sa.Connection):
    table = ReportCounter.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table)
    return insert.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={c: table.c[c] + insert.excluded[c] for c in COUNT_COLUMNS},
    )


def apply_change(connection: sa.Connection, before: Counts, after: Counts) -> None:
    """Add `after` minus `before` to the stored counters (keys in order: no deadlock)."""
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        delta = [b - a for a, b in zip(old or [0] * 7, new or [0] * 7, strict=True)]
        if any(delta):
            rows.append(
                dict(zip(KEY_COLUMNS, key, strict=True))
                | dict(zip(COUNT_COLUMNS, delta, strict=True))
            )
    if rows:
        connection.execute(_upsert(connection), rows)


def replace_all(connection: sa.Connection, counts: Counts) -> None:
    """Store exactly `counts` (the repair and the migration)."""
    connection.execute(sa.delete(ReportCounter.__table__))
    apply_change(connection, {}, counts)


# Keeping the counters: ORM flushes ----------------------------------------------------------------


def _owner(obj: object) -> int | None:
    if isinstance(obj, User):
        return obj.id
    owner = obj.__dict__.get("user")
    return obj.user_id or (owner.id if owner is not None else None)  # type: ignore[attr-defined]


def _changed(obj: object, names: tuple[str, ...]) -> bool:
    attributes = sa.inspect(obj).attrs
    for name in names:
        history = attributes[name].history
        if not history.has_changes():
            continue
        if name != "last_activity_at" or not history.deleted or not history.added:
            return True
        if (history.deleted[0] is None) != (history.added[0] is None):
            return True  # only the first activity moves "started"
    return False


def _touched(session: Session) -> set[int]:
    ids = set()
    for obj in (*session.new, *session.deleted):
        if type(obj) in WATCHED:
            ids.add(_owner(obj))
    for obj in session.dirty:
        names = WATCHED.get(type(obj))
        if names and _changed(obj, names):
            ids.add(_owner(obj))
    ids.discard(None)
    return ids - session.info.get(HELD, set())  # type: ignore[return-value]


def _before_flush(session: Session, _context, _instances) -> None:
    ids = _touched(session)
    before = contributions(session.connection(), ids) if ids else {}
    session.info[STATE] = (ids, before)


def _after_flush(session: Session, _context) -> None:
    ids, before = session.info.pop(STATE, (set(), {}))
    # New learners have their id now; they counted for nothing before.
    late = _touched(session) - ids
    created = {obj.id for obj in session.new if isinstance(obj, User)}
    if late - created:  # a row added without its user's id: its old contribution is unknown
        logger.warning("report counters: run `flask reports check --repair` (users %s)", late)
    ids = ids | late
    if ids:
        connection = session.connection()
        apply_change(connection, before, contributions(connection, ids))


def init_counting() -> None:
    """Count every ORM flush of learners, enrolments and certificates (once per process)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


# Keeping the counters: bulk statements ------------------------------------------------------------


@contextmanager
def counting(user_ids: Iterable[int]) -> Iterator[None]:
    """Count the changes a bulk statement inside the block makes to these users' learning."""
    session = db.session
    session.flush()
    ids = set(user_ids)
    held = session.info.setdefault(HELD, set())
    mine = ids - held
    before = contributions(session.connection(), mine)
    held |= mine
    try:
        yield
        session.flush()
    finally:
        held -= mine
    apply_change(session.connection(), before, contributions(session.connection(), mine))


def count_added(user_ids: Iterable[int]) -> None:
    """Count learners whose rows were inserted in bulk, bypassing the ORM (demo data)."""
    session = db.session
    session.flush()
    apply_change(session.connection(), {}, contributions(session.connection(), user_ids))


# Checking the counters ----------------------------------------------------------------------------

Difference = tuple[Key, list | None, list | None]  # key, stored, live


def _same(stored: list | None, live: list | None) -> bool:
    stored, live = stored or [0] * len(COUNT_COLUMNS), live or [0] * len(COUNT_COLUMNS)
    return all(
        abs(a - b) <= 1e-6 * max(1.0, abs(b)) if name == "score_sum" else a == b
        for name, a, b in zip(COUNT_COLUMNS, stored, live, strict=True)
    )


def differences(connection: sa.Connection) -> list[Difference]:
    """Return the counters whose stored values differ from the live rows', in key order."""
    if connection.dialect.name == "postgresql":
        # Writers wait until the comparison (and a repair) is over: no change counted twice.
        connection.execute(sa.text("LOCK TABLE report_counter IN EXCLUSIVE MODE"))
    stored, live = stored_counts(connection), live_counts(connection)
    return [
        (key, stored.get(key), live.get(key))
        for key in sorted(set(stored) | set(live))
        if not _same(stored.get(key), live.get(key))
    ]


def repair(connection: sa.Connection) -> None:
    """Store the counters as the live rows give them (after `differences`, in its transaction)."""
    replace_all(connection, live_counts(connection))
