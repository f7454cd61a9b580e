"""Faults under load: kill -9 of the server during submissions, and a graceful restart (HUP).

Learners submit quiz attempts in parallel threads against gunicorn (production settings) on
127.0.0.1. Then:

- crash: the whole server (master and workers) is killed with SIGKILL mid-way, and started
  again. Every submission that was acknowledged (HTTP 302) must be in the database and graded,
  no attempt may be half-written, SQLite's `PRAGMA integrity_check` must say ok, and the
  restarted server must take the submissions that were cut off.
- graceful: the master gets SIGHUP (new workers, old ones finish their requests) twice while
  learners read and submit: no request may fail.

    .venv/bin/python bench/faults.py                    # both, SQLite file database
    .venv/bin/python bench/faults.py --database postgresql+psycopg://user@host/db
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    Session,
    free_port,
    open_attempts,
    prepare_database,
    production_env,
    start_gunicorn,
    submission,
)


@dataclass
class Outcome:
    """What the clients saw: acknowledged submissions, failures, other requests."""

    acknowledged: set[int] = field(default_factory=set)  # attempt ids answered with 302
    cut_off: set[int] = field(default_factory=set)  # attempt ids whose request failed
    errors: list[str] = field(default_factory=list)  # failures where none is allowed
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def send(port: int, request: tuple) -> int:
    """Send one request on a fresh connection and return its status."""
    method, path, body, headers = request
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def attempt_id(path: str) -> int:
    return int(path.rstrip("/").split("/")[-2])


def submitter(port: int, work: list[tuple], outcome: Outcome, *, strict: bool, reads: tuple = ()):
    """Submit each attempt of `work` in turn (with a read in between); record what came back."""
    for session, key, path in work:
        number = attempt_id(path)
        try:
            for read in reads:
                status = send(port, ("GET", read, None, session.headers()))
                if status != 200:
                    raise RuntimeError(f"GET {read}: {status}")
            status = send(port, submission(session, key, path))
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            with outcome.lock:
                outcome.cut_off.add(number)
                if strict:
                    outcome.errors.append(f"attempt {number}: {error!r}")
            continue
        with outcome.lock:
            outcome.requests += 1 + len(reads)
            if status == 302:
                outcome.acknowledged.add(number)
            else:
                outcome.cut_off.add(number)
                if strict or status < 500:
                    outcome.errors.append(f"attempt {number}: HTTP {status}")


def run_submitters(port: int, work: list[tuple], threads: int, **options) -> tuple[Outcome, list]:
    outcome = Outcome()
    shares = [work[i::threads] for i in range(threads)]
    workers = [
        threading.Thread(target=submitter, args=(port, share, outcome), kwargs=options)
        for share in shares
    ]
    for worker in workers:
        worker.start()
    return outcome, workers


@dataclass
class DatabaseCheck:
    graded: set[int]
    partial: list[int]
    integrity: str


def check_database(url: str) -> DatabaseCheck:
    """Read what the database holds: graded attempts, half-written ones, integrity."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT id, submitted_at, results, percent, passed, points FROM quiz_attempt"
                )
            ).all()
            integrity = "n/a"  # PostgreSQL: checksums and WAL are the server's business
            if engine.dialect.name == "sqlite":
                integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
    finally:
        engine.dispose()
    graded = {row.id for row in rows if row.submitted_at is not None}
    grading = ("results", "percent", "passed", "points")
    partial = [
        row.id
        for row in rows
        if (row.submitted_at is not None) != all(getattr(row, f) is not None for f in grading)
    ]
    return DatabaseCheck(graded, partial, integrity)


def prepare(url: str | None, learners: int, workdir: Path) -> str:
    url = url or f"sqlite:///{workdir / 'faults.sqlite3'}"
    prepare_database(url, learners, workdir)
    return url


def open_work(port: int, learners: int) -> list[tuple]:
    """Sign the learners in and open one attempt per quiz module; return (session, key, path)."""
    work = []
    for number in range(learners):
        session = Session(port, f"b{number}@bench.ma")
        work += [(session, key, path) for key, path in open_attempts(session)]
    return work


def crash_test(url: str | None, learners: int, threads: int, workdir: Path, share: float):
    """Kill -9 the server once `share` of the submissions are acknowledged; restart; check."""
    url = prepare(url, learners, workdir)
    env, port, log = production_env(url), free_port(), workdir / "crash.log"
    server = start_gunicorn("depomi_learn:create_app()", port, env, 4, log)
    try:
        work = open_work(port, learners)
        outcome, workers = run_submitters(port, work, threads, strict=False)
        deadline = time.monotonic() + 120
        while len(outcome.acknowledged) < share * len(work) and time.monotonic() < deadline:
            time.sleep(0.005)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        for worker in workers:
            worker.join()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    after_crash = check_database(url)
    server = start_gunicorn("depomi_learn:create_app()", port, env, 4, log)
    try:
        remaining = [item for item in work if attempt_id(item[2]) not in after_crash.graded]
        resumed, workers = run_submitters(port, remaining, threads, strict=True)
        for worker in workers:
            worker.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    final = check_database(url)
    return {
        "submissions": len(work),
        "acknowledged before the crash": len(outcome.acknowledged),
        "cut off by the crash": len(outcome.cut_off),
        "acknowledged but not graded": len(outcome.acknowledged - after_crash.graded),
        "half-written attempts": len(after_crash.partial) + len(final.partial),
        "integrity_check": after_crash.integrity,
        "taken after the restart": len(resumed.acknowledged),
        "errors after the restart": len(resumed.errors),
        "graded in the end": len(final.graded),
    }


def graceful_test(url: str | None, learners: int, threads: int, workdir: Path, hups: int):
    """Send SIGHUP `hups` times while learners read and submit; nothing may fail."""
    url = prepare(url, learners, workdir)
    env, port, log = production_env(url), free_port(), workdir / "graceful.log"
    server = start_gunicorn("depomi_learn:create_app()", port, env, 4, log)
    try:
        work = open_work(port, learners)
        reads = ("/courses", "/courses/bench-course/modules/quiz-00")
        outcome, workers = run_submitters(port, work, threads, strict=True, reads=reads)
        started, during_load = time.monotonic(), 0
        for _ in range(hups):
            time.sleep(1.0)
            if any(worker.is_alive() for worker in workers):
                os.kill(server.pid, signal.SIGHUP)
                during_load += 1
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    final = check_database(url)
    return {
        "requests": outcome.requests,
        "seconds under load": round(seconds, 1),
        "restarts (HUP) during the load": during_load,
        "failed requests": len(outcome.errors),
        "acknowledged submissions": len(outcome.acknowledged),
        "acknowledged but not graded": len(outcome.acknowledged - final.graded),
        "half-written attempts": len(final.partial),
        "integrity_check": final.integrity,
    }


def print_report(title: str, report: dict) -> None:
    print(f"\n{title}")
    for name, value in report.items():
        print(f"  {name:<32}{value:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="", help="SQLAlchemy URL (default: SQLite file)")
    parser.add_argument("--learners", type=int, default=16)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument(
        "--crash-at", type=float, default=0.4, help="share of submissions acknowledged first"
    )
    parser.add_argument("--hups", type=int, default=2)
    args = parser.parse_args()
    engine = "PostgreSQL" if args.database.startswith("postgresql") else "SQLite (WAL)"
    crash = crash_test(
        args.database or None,
        args.learners,
        args.threads,
        Path(tempfile.mkdtemp(prefix="depomi-crash-")),
        args.crash_at,
    )
    print_report(f"kill -9 during submissions, then restart ({engine})", crash)
    graceful = graceful_test(
        args.database or None,
        args.learners,
        args.threads,
        Path(tempfile.mkdtemp(prefix="depomi-hup-")),
        args.hups,
    )
    print_report(f"graceful restart (SIGHUP) under load ({engine})", graceful)
    failed = (
        crash["acknowledged but not graded"]
        or crash["half-written attempts"]
        or crash["integrity_check"] not in ("ok", "n/a")
        or crash["errors after the restart"]
        or crash["graded in the end"] != crash["submissions"]
        or graceful["restarts (HUP) during the load"] != args.hups
        or graceful["failed requests"]
        or graceful["acknowledged but not graded"]
        or graceful["half-written attempts"]
    )
    print("\nresult:", "FAILED" if failed else "ok")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
