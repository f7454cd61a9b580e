"""iCalendar files parsed by a standard parser; reminders sent once however often cron runs."""

from datetime import datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import Role, SessionNotice, TrainingSession, User
from depomi_learn.sessions.calendar import session_ics
from depomi_learn.sessions.scheduling import (
    ZONE,
    SessionPlan,
    cancel_session,
    parse_day,
    update_session,
)
from tests.helpers.courses import make_course
from tests.helpers.people import make_user
from tests.helpers.sessions import day_span, future_day, make_learners, make_session, register_all


def _events(text: str) -> list:
    calendar = icalendar.Calendar.from_ical(text)
    return calendar, list(calendar.walk("VEVENT"))


def _cli_session(app) -> int:
    make_course(app, "c1")
    result = app.test_cli_runner().invoke(
        args=["sessions", "create", "--course", "c1", "--region", "souss-massa", "--title",
              "Atelier, Agadir; jour", "--day", "2027-01-12T09:00/12:30",
              "--day", "2027-02-20T14:00/17:00"]
    )  # fmt: skip
    return int(result.output.strip().splitlines()[-1])


def test_ics_has_one_event_per_day_in_casablanca_time_with_stable_uids(app):
    session_id = _cli_session(app)
    text = app.test_cli_runner().invoke(args=["sessions", "ics", str(session_id)]).output
    calendar, events = _events(text)
    assert calendar["METHOD"] == "PUBLISH"
    assert len(events) == 2
    starts = [e.decoded("DTSTART") for e in events]
    assert [s.replace(tzinfo=None) for s in starts] == [
        datetime(2027, 1, 12, 9, 0),
        datetime(2027, 2, 20, 14, 0),
    ]
    assert all(e["DTSTART"].params["TZID"] == "Africa/Casablanca" for e in events)
    # The parser's own reading of the VTIMEZONE gives the right instants: +01 in January,
    # +00 during Ramadan 2027.
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1), timedelta(0)]
    assert "VTIMEZONE" in text
    assert str(events[0]["SUMMARY"]) == "Atelier, Agadir; jour (1/2)"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 2
    admin = make_user(app, email="a@example.ma", role=Role.ADMIN, region=None)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        plan = SessionPlan(
            course_id="c1",
            region_id=session.region_id,
            title="Atelier renommé",
            days=[parse_day("2027-01-13T10:00/12:00"), parse_day("2027-02-21T14:00/17:00")],
        )
        update_session(db.session.get(User, admin), session, plan)
        db.session.commit()
        moved = session_ics(session)
    _calendar, moved_events = _events(moved)
    assert [str(e["UID"]) for e in moved_events] == uids
    assert [int(e["SEQUENCE"]) for e in moved_events] == [1, 1]
    assert moved_events[0].decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 1, 13, 10, 0)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        cancel_session(db.session.get(User, admin), session)
        db.session.commit()
        cancelled = session_ics(session)
    calendar, events = _events(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert [int(e["SEQUENCE"]) for e in events] == [2, 2]
    assert [str(e["UID"]) for e in events] == uids


def test_ics_of_an_unknown_or_absurd_id_fails_cleanly(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["sessions", "ics", "999"]).exit_code != 0
    assert runner.invoke(args=["sessions", "ics", "9" * 30]).exit_code != 0


@pytest.fixture
def tomorrow_session(app):
    make_course(app, "c1")
    tomorrow = future_day(1)
    session_id = make_session(app, "c1", days=[day_span(tomorrow), day_span(future_day(2))])
    later = make_session(app, "c1", days=[day_span(future_day(5))], title="Plus tard")
    learners = make_learners(app, 3)
    register_all(app, session_id, learners)
    register_all(app, later, learners[:1])
    return session_id


def test_remind_twice_sends_each_reminder_once(app, tomorrow_session, smtp_server):
    port, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")
    try:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["sessions", "remind"])
        second = runner.invoke(args=["sessions", "remind"])
    finally:
        app.config.update(SMTP_HOST="", SMTP_PORT=587, SMTP_SECURITY="starttls")
    assert first.output.strip() == "3 reminders sent"
    assert second.output.strip() == "0 reminders sent"
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == [
        "l0@example.ma",
        "l1@example.ma",
        "l2@example.ma",
    ]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionNotice.id))) == 3


def test_remind_without_smtp_sends_nothing_and_marks_nothing(app, tomorrow_session):
    assert app.test_cli_runner().invoke(args=["sessions", "remind"]).output.strip() == (
        "0 reminders sent"
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionNotice.id))) == 0
        assert ZONE.key == "Africa/Casablanca"
