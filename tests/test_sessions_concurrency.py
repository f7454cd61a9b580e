"""QR check-in under real concurrency: gunicorn with several workers, one database.

Fifty learners check in at the same moment, and one learner scans ten times at once: each is
counted once. Runs on a file SQLite database or, when the suite runs on PostgreSQL, on that.
"""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.extensions import db
from depomi_learn.models import Region, SessionAttendance, TrainingSession, User, utcnow
from depomi_learn.sessions.attendance import current_code
from depomi_learn.sessions.registration import register
from depomi_learn.sessions.scheduling import SessionPlan, create_session
from tests.helpers.courses import make_course
from tests.helpers.gunicorn import Browser, clean_up, prepared_app, start_gunicorn, stop_gunicorn
from tests.helpers.people import PASSWORD

LEARNERS = 51  # 50 check in together; the last one scans ten times at once
pytestmark = pytest.mark.slow  # a live gunicorn server: make test-fast skips it


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app, url = prepared_app(tmp_path_factory, "sessions-concurrency")
    make_course(app, "c1")
    with app.app_context():
        region = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
        now = utcnow()
        plan = SessionPlan(
            course_id="c1",
            region_id=region.id,
            title="Atelier",
            days=[(now + timedelta(days=1), now + timedelta(days=1, hours=3))],
            capacity=LEARNERS,
        )
        session = create_session(None, plan)
        for number in range(LEARNERS):
            user = create_user(
                UserFields(
                    email=f"l{number}@example.ma",
                    name_latin=f"L{number}",
                    password=PASSWORD,
                    region=region,
                    preferred_language="en",  # the pages' words below are English
                )
            )
            register(user, session)
        day = session.days[0]  # registered ahead; the day is now under way
        day.starts_at, day.ends_at = now - timedelta(hours=1), now + timedelta(hours=2)
        db.session.commit()
        ids = session.id, session.days[0].id
    process, base = start_gunicorn(url, workers=4, threads=4)
    yield base, app, ids
    errors = stop_gunicorn(process)
    assert "database is locked" not in errors, errors
    assert "Traceback" not in errors, errors
    clean_up(app)


def _signed_in(base: str, number: int) -> Browser:
    browser = Browser(base)
    status, location, _ = browser.post(
        "/login", {"email": f"l{number}@example.ma", "password": PASSWORD}, token_from="/login"
    )
    assert status == 302, location
    return browser


def _in_parallel(calls: list) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _code(app, day_id: int) -> str:
    with app.app_context():
        from depomi_learn.models import SessionDay

        return current_code(db.session.get(SessionDay, day_id))


def _rows(app) -> list[tuple[int, str]]:
    with app.app_context():
        return db.session.execute(
            sa.select(User.email, SessionAttendance.status).join(
                User, User.id == SessionAttendance.user_id
            )
        ).all()


def test_fifty_learners_check_in_at_once_and_one_scans_ten_times(server):
    base, app, (session_id, day_id) = server
    path = f"/sessions/{session_id}/days/{day_id}/check-in"
    browsers = [_signed_in(base, number) for number in range(LEARNERS)]
    tokens = [b.token(path) for b in browsers]
    code = _code(app, day_id)
    calls = [
        (lambda b=b, t=t: b.request(path, {"code": code, "csrf_token": t}))
        for b, t in zip(browsers[:-1], tokens[:-1], strict=True)
    ]
    scanner, scanner_token = browsers[-1], tokens[-1]
    calls += [lambda: scanner.request(path, {"code": code, "csrf_token": scanner_token})] * 10
    results = _in_parallel(calls)
    assert [status for status, _, _ in results] == [200] * 60
    scans = [body for _status, _loc, body in results[50:]]
    assert not any("flash-error" in body for _status, _loc, body in results)
    assert sum("Your presence is recorded" in body for body in scans) == 1
    assert sum("already recorded" in body for body in scans) == 9
    rows = _rows(app)
    assert len(rows) == LEARNERS
    assert {email for email, _status in rows} == {f"l{n}@example.ma" for n in range(LEARNERS)}
    assert {status for _email, status in rows} == {"present"}
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).days[0].id == day_id


RACES = 5  # sessions whose last place two learners ask for at the same moment


def _sessions_with_one_place_left(app) -> list[int]:
    """Plan RACES future sessions of two places; learner k already holds one of session k's."""
    with app.app_context():
        region = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
        start = utcnow() + timedelta(days=3)
        ids = []
        for number in range(RACES):
            plan = SessionPlan(
                course_id="c1",
                region_id=region.id,
                title=f"Dernière place {number}",
                days=[(start, start + timedelta(hours=3))],
                capacity=2,
            )
            session = create_session(None, plan)
            learner = db.session.scalar(
                sa.select(User).where(User.email == f"l{number}@example.ma")
            )
            register(learner, session)
            db.session.commit()
            ids.append(session.id)
        return ids


def test_two_learners_asking_for_the_last_place_at_once_one_waits(server):
    from depomi_learn.models import SessionRegistration

    base, app, _ids = server
    session_ids = _sessions_with_one_place_left(app)
    calls = []
    for number, session_id in enumerate(session_ids):
        path = f"/sessions/{session_id}/register"
        for learner in (10 + number, 20 + number):
            browser = _signed_in(base, learner)
            token = browser.token(f"/sessions/{session_id}")
            calls.append(lambda b=browser, p=path, t=token: b.request(p, {"csrf_token": t}))
    results = _in_parallel(calls)
    assert [status for status, _, _ in results] == [302] * len(calls)
    with app.app_context():
        for number, session_id in enumerate(session_ids):
            rows = db.session.execute(
                sa.select(User.email, SessionRegistration.status)
                .join(User, User.id == SessionRegistration.user_id)
                .where(SessionRegistration.session_id == session_id)
            ).all()
            statuses = dict(rows)
            assert statuses[f"l{number}@example.ma"] == "registered"
            racers = [
                statuses[f"l{10 + number}@example.ma"],
                statuses[f"l{20 + number}@example.ma"],
            ]
            assert sorted(racers) == ["registered", "waiting"], (session_id, rows)
