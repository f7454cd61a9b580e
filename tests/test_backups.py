"""`flask db backup` while learners submit quizzes, then `flask db restore` into a new instance."""

import os
import shutil
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.learning.progress import enrol
from depomi_learn.learning.quizzes import start_attempt, submit_attempt
from depomi_learn.models import Course, QuizAttempt, User
from depomi_learn.operations.backups import integrity_problems
from depomi_learn.operations.regions import load_reference_regions
from tests.helpers.database import FIXTURES, ROOT

LEARNERS = 30


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables
        }


def _prepare(app: Flask) -> None:
    with app.app_context():
        import_tree(FIXTURES / "quiz-course")
        course = db.session.get(Course, "quiz-course")
        for number in range(LEARNERS):
            user = create_user(UserFields(email=f"b{number}@example.ma", name_latin=f"B{number}"))
            enrol(user, course)
        db.session.commit()


def _submit_quizzes(app: Flask, stop: threading.Event, submitted: list[int]) -> None:
    """Start and submit attempts, each in its own transaction, until told to stop."""
    with app.app_context():
        users = db.session.scalars(sa.select(User).where(User.email.like("b%"))).all()
        module = next(
            m
            for m in db.session.get(Course, "quiz-course").current_version.modules
            if m.key == "evaluation"
        )
        for _round in range(3):  # three attempts allowed each
            for user in users:
                if stop.is_set():
                    return
                attempt = start_attempt(user, module, "fr")
                db.session.commit()
                submit_attempt(attempt, {"q-single": "b"})
                db.session.commit()
                submitted[0] += 1


def _wait_for(submitted: list[int], count: int) -> None:
    deadline = time.monotonic() + 30
    while submitted[0] < count and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture
def live(app: Flask, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """The database being backed up: the suite's PostgreSQL, or a fresh SQLite file (WAL)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
        yield app, "postgresql"
        return
    live_app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}")
    with live_app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        db.session.commit()
    yield live_app, "sqlite"
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture
def fresh(live, tmp_path: Path) -> Iterator[Flask]:
    """An empty instance to restore into: a new SQLite file, or a new PostgreSQL database."""
    live_app, engine_name = live
    if engine_name == "sqlite":
        fresh_app = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'new.db'}"
        )
        yield fresh_app
        with fresh_app.app_context():
            db.engine.dispose()
        return
    with live_app.app_context():
        url = db.engine.url
    name = f"{url.database}_restore"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    fresh_app = create_app("testing", SQLALCHEMY_DATABASE_URI=url.set(database=name))
    yield fresh_app
    with fresh_app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.mark.slow
def test_backup_during_quiz_submissions_restores_with_the_same_rows(live, fresh, tmp_path):
    live_app, engine_name = live
    _prepare(live_app)
    stop, submitted = threading.Event(), [0]
    writer = threading.Thread(target=_submit_quizzes, args=(live_app, stop, submitted))
    writer.start()
    try:
        _wait_for(submitted, 5)
        before = submitted[0]
        backup = tmp_path / "depomi.backup"
        result = live_app.test_cli_runner().invoke(args=["db", "backup", str(backup)])
        _wait_for(submitted, submitted[0] + 3)  # the writers went on during the backup
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    after = submitted[0]
    assert before < after

    restored = fresh.test_cli_runner().invoke(args=["db", "restore", "--yes", str(backup)])
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        restored_counts = _counts(db.engine)
        attempts = db.session.scalars(sa.select(QuizAttempt)).all()
    if engine_name == "sqlite":
        assert integrity_problems(backup) == []
        file_engine = sa.create_engine(f"sqlite:///{backup}")
        assert restored_counts == _counts(file_engine)
        file_engine.dispose()
        with sqlite3.connect(fresh.config["SQLALCHEMY_DATABASE_URI"][10:]) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with live_app.app_context():
        live_counts = _counts(db.engine)
    for table in ("user", "course", "course_version", "module", "question", "enrolment"):
        assert restored_counts[table] == live_counts[table], table
    # A consistent snapshot: between the two moments, and no attempt half written.
    assert before <= sum(a.submitted_at is not None for a in attempts) <= after
    assert all(a.points is not None for a in attempts if a.submitted_at is not None)


def test_backup_refuses_an_in_memory_database(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "in-memory" in result.output
    assert not (tmp_path / "x.db").exists()


def test_restore_refuses_a_damaged_backup(tmp_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'target.db'}")
    result = app.test_cli_runner().invoke(args=["db", "restore", "--yes", str(damaged)])
    assert result.exit_code == 1


def test_backup_is_readable_by_its_owner_only(live, tmp_path):
    live_app, _engine_name = live
    old_umask = os.umask(0o022)  # the usual umask, under which pg_dump wrote 0644 files
    try:
        backup = tmp_path / "private.backup"
        result = live_app.test_cli_runner().invoke(args=["db", "backup", str(backup)])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup-")] == []
