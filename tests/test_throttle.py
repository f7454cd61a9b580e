"""Sign-in throttling: per address and per account, shared by every worker, expiring by itself."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from depomi_learn.accounts import ratelimit
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.extensions import db
from depomi_learn.models import RateLimitHit
from tests.helpers.gunicorn import Browser, clean_up, prepared_app, start_gunicorn, stop_gunicorn
from tests.helpers.people import PASSWORD, csrf_token, enrol_two_factor, make_user


def _sign_in(client, email="learner@example.ma", password="not the password", address=None):
    environ = {"REMOTE_ADDR": address} if address else {}
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def _age_attempts(app, seconds: int) -> None:
    """Move every recorded attempt `seconds` into the past, as if that time had gone by."""
    with app.app_context():
        for row in db.session.scalars(sa.select(RateLimitHit)):
            row.at -= timedelta(seconds=seconds)
        db.session.commit()


def test_sixth_failure_in_a_minute_from_one_address_gets_429(app, client):
    make_user(app)
    for _ in range(5):
        assert _sign_in(client).status_code == 200
    refused = _sign_in(client)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert "Too many sign-in attempts" in refused.get_data(as_text=True)
    # Even the right password is not tried while the address is throttled.
    assert _sign_in(client, password=PASSWORD).status_code == 429
    # Another address is not concerned.
    assert _sign_in(client, password=PASSWORD, address="10.1.2.3").status_code == 302


def test_throttling_expires_by_itself(app, client):
    make_user(app)
    for _ in range(5):
        _sign_in(client)
    assert _sign_in(client).status_code == 429
    _age_attempts(app, 61)
    assert _sign_in(client, password=PASSWORD).status_code == 302


def test_refused_attempts_do_not_extend_the_wait(app, client):
    make_user(app)
    for _ in range(5):
        _sign_in(client)
    for _ in range(20):
        assert _sign_in(client).status_code == 429
    _age_attempts(app, 61)
    assert _sign_in(client, password=PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count(app, client, auth):
    make_user(app)
    for _ in range(8):
        assert auth.login().status_code == 302
        auth.logout()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RateLimitHit.id))) == 0


def test_one_account_attacked_from_many_addresses_is_throttled(app, client):
    make_user(app)
    for number in range(10):
        assert _sign_in(client, address=f"10.0.0.{number}").status_code == 200
    assert _sign_in(client, address="10.0.1.1").status_code == 429
    assert _sign_in(client, email="other@example.ma", address="10.0.1.1").status_code == 200


def test_throttled_answers_are_identical_for_unknown_and_known_accounts(app, client):
    make_user(app)
    for _ in range(5):
        _sign_in(client, email="nobody@example.ma")
    known = _sign_in(client)
    unknown = _sign_in(client, email="nobody@example.ma")
    strip = lambda html: html.split('name="csrf_token"')[0]  # noqa: E731 - tokens differ
    assert known.status_code == unknown.status_code == 429
    assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))


def test_two_factor_codes_are_throttled(app, client):
    make_user(app)
    enrol_two_factor(app, "learner@example.ma")
    assert _sign_in(client, password=PASSWORD).headers["Location"] == "/login/code"
    statuses = []
    for _ in range(6):
        token = csrf_token(client, "/login/code")
        statuses.append(client.post("/login/code", data={"code": "000000", "csrf_token": token}))
    assert [r.status_code for r in statuses] == [200] * 5 + [429]


def test_the_table_holds_no_email_or_address(app, client):
    make_user(app)
    _sign_in(client)
    with app.app_context():
        keys = db.session.scalars(sa.select(RateLimitHit.key)).all()
    assert len(keys) == 2
    assert all(len(key) == 64 and "@" not in key and "127.0.0.1" not in key for key in keys)


def test_weak_new_passwords_leave_no_failed_attempt(app, client, auth):
    make_user(app)
    auth.login()
    for _ in range(8):
        response = client.post(
            "/profile/password",
            data={
                "csrf_token": csrf_token(client, "/profile"),
                "pw-current_password": PASSWORD,
                "pw-new_password": "password",
            },
        )
        assert response.status_code == 302
        assert "Too many attempts" not in client.get("/profile").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitHit)) == 0
    auth.logout()
    assert _sign_in(client, password=PASSWORD).status_code == 302  # nobody is locked out


# --- Two real gunicorn processes on one database ---------------------------------------------


@pytest.fixture
def two_workers(tmp_path_factory):
    """Two gunicorn servers on one database, emptied after the test (on PostgreSQL it is the
    suite's own: failures left from 127.0.0.1 would throttle the next tests)."""
    app, url = prepared_app(tmp_path_factory, "throttle")
    with app.app_context():
        create_user(UserFields(email="l@example.ma", name_latin="L", password=PASSWORD))
        db.session.commit()
    servers = [start_gunicorn(url, workers=1), start_gunicorn(url, workers=1)]
    yield [base for _process, base in servers]
    for process, _base in servers:
        errors = stop_gunicorn(process)
        assert "Traceback" not in errors, errors
    clean_up(app)


@pytest.mark.slow
def test_sixth_failure_is_refused_across_two_gunicorn_workers(two_workers):
    first, second = (Browser(base) for base in two_workers)
    statuses = []
    for number in range(6):
        browser = (first, second)[number % 2]
        status, _location, _body = browser.post(
            "/login", {"email": "l@example.ma", "password": "wrong password"}, token_from="/login"
        )
        statuses.append(status)
    assert statuses == [200, 200, 200, 200, 200, 429]
    status, _location, _body = first.post(
        "/login", {"email": "l@example.ma", "password": PASSWORD}, token_from="/login"
    )
    assert status == 429  # the other worker counted the same address


# --- A training room behind one address ------------------------------------------------------


def _room(app, size: int) -> list[str]:
    emails = [f"room{number}@example.ma" for number in range(size)]
    for email in emails:
        make_user(app, email=email)
    return emails


def _in_flight(app, address: str, accounts: list[str]) -> None:
    """Leave attempts started and committed but not yet answered, as parallel requests would."""
    with app.app_context():
        for account in accounts:
            ratelimit.record(
                [(ratelimit.SIGN_IN_IN_FLIGHT, address), (ratelimit.SIGN_IN_PER_ACCOUNT, account)]
            )
        db.session.commit()


def test_a_room_signing_in_together_behind_one_address_is_not_refused(app):
    emails = _room(app, 40)
    _in_flight(app, "127.0.0.1", emails[1:])  # the 39 others are being checked
    statuses = []
    for number, email in enumerate(emails):
        client = app.test_client()
        if number % 10 == 3:  # a few typos in the room
            statuses.append(_sign_in(client, email=email).status_code)
        statuses.append(_sign_in(client, email=email, password=PASSWORD).status_code)
    assert statuses.count(429) == 0
    assert statuses.count(302) == 40
    # Guessing from the same address is still throttled: four typos so far, then two guesses.
    client = app.test_client()
    assert _sign_in(client, email="room0@example.ma").status_code == 200
    assert _sign_in(client, email="room1@example.ma").status_code == 429


def test_sixth_wrong_password_in_a_minute_is_refused_after_forty_right_ones(app):
    emails = _room(app, 40)
    for email in emails:
        assert _sign_in(app.test_client(), email=email, password=PASSWORD).status_code == 302
    client = app.test_client()
    assert [_sign_in(client, email=emails[0]).status_code for _ in range(6)] == [200] * 5 + [429]


def test_attempts_in_flight_from_one_address_are_bounded(app, client):
    app.config["SIGN_IN_CONCURRENT_PER_ADDRESS"] = 12
    try:
        emails = _room(app, 13)
        _in_flight(app, "127.0.0.1", emails[:12])
        assert _sign_in(client, email=emails[12], password=PASSWORD).status_code == 429
        assert (
            _sign_in(client, email=emails[12], address="10.9.9.9", password=PASSWORD).status_code
            == 302
        )
    finally:
        app.config["SIGN_IN_CONCURRENT_PER_ADDRESS"] = 60


ROOM_APP = (
    'depomi_learn:create_app("testing", PROPAGATE_TEST_ERRORS=False, '
    "ARGON2_TIME_COST=2, ARGON2_MEMORY_KIB=19456)"
)


@pytest.mark.slow
def test_forty_simultaneous_sign_ins_from_one_address_on_gunicorn(tmp_path_factory):
    app, url = prepared_app(tmp_path_factory, "room")
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_KIB=19456)  # production's floor
    emails = _room(app, 40)
    process, base = start_gunicorn(url, workers=2, threads=4, app=ROOM_APP)
    try:
        browsers = [Browser(base) for _ in emails]
        tokens = [browser.token("/login") for browser in browsers]

        def sign_in(index: int) -> int:
            form = {"email": emails[index], "password": PASSWORD, "csrf_token": tokens[index]}
            return browsers[index].request("/login", form)[0]

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = list(pool.map(sign_in, range(40)))
        elapsed = time.monotonic() - started
        assert statuses == [302] * 40
        assert elapsed < 10, elapsed  # the bound for a 2-core machine, generous here
        guesser = Browser(base)
        guesses = [
            guesser.post("/login", {"email": emails[1], "password": "wrong"}, "/login")[0]
            for _ in range(6)
        ]
        assert guesses == [200] * 5 + [429]
    finally:
        errors = stop_gunicorn(process)
        clean_up(app)
    assert "Traceback" not in errors, errors
