"""Load test: a few hundred simulated learners read and take quizzes for a minute, on 127.0.0.1.

Each learner is a thread (threads spread over processes) with its own session and its own
address (in X-Forwarded-For, as nginx in front would say, so the server runs with
DEPOMI_PROXY_HOPS=1). It signs in, then until the time is up opens the catalogue and a module of
the SNIA course, thinks for one to four seconds, and every third time starts a quiz attempt,
opens it and submits it. The server is gunicorn with gunicorn.conf.py (production settings,
default worker count). Any response of 400 or more, or any failed connection, is an error;
every acknowledged submission must be graded in the database afterwards.

    .venv/bin/python bench/load.py                      # 300 learners, 60 s, SQLite file
    .venv/bin/python bench/load.py --learners 300 --seconds 60 --database postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faults import check_database  # noqa: E402
from bench.pages import (  # noqa: E402
    QUIZ_MODULES,
    Session,
    free_port,
    prepare_database,
    production_env,
    start_gunicorn,
    submission,
)

THREADS_PER_PROCESS = 30


class Learner:
    """One simulated learner: what it sent, how long it waited, what went wrong."""

    def __init__(self, port: int, number: int, modules: list[str]) -> None:
        self.port, self.email, self.modules = port, f"b{number}@bench.ma", modules
        self.rng = random.Random(number)
        # Each learner signs in from an address of its own (IPv6 documentation prefix, a header
        # only): sign-in throttling counts attempts per address, in flight ones included.
        self.address = f"2001:db8::{number + 1:x}"
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.acknowledged: list[int] = []

    def call(self, session: Session, method: str, path: str, form: dict | None, expect: int):
        started = time.perf_counter()
        try:
            status, headers, text = session.send(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(f"{method} {path}: {error!r}")
            return None
        self.latencies.append((time.perf_counter() - started) * 1000)
        if status != expect:
            self.errors.append(f"{method} {path}: HTTP {status}")
            return None
        return headers, text

    def run(self, deadline: float) -> None:
        time.sleep(self.rng.uniform(0, 10))  # learners arrive over the first seconds
        try:
            session = Session(self.port, self.email, self.address)
        except (OSError, http.client.HTTPException, AssertionError) as error:
            self.errors.append(f"sign-in: {error!r}")
            return
        for course in ("snia-foundations", "bench-course"):
            self.call(
                session, "POST", f"/courses/{course}/enrol", {"csrf_token": session.csrf}, 302
            )
        cycle = 0
        while time.monotonic() < deadline:
            cycle += 1
            self.call(session, "GET", "/courses", None, 200)
            module = self.rng.choice(self.modules)
            self.call(session, "GET", f"/courses/snia-foundations/modules/{module}", None, 200)
            if cycle % 3 == 0:
                self.take_quiz(session)
            time.sleep(self.rng.uniform(1, 4))

    def take_quiz(self, session: Session) -> None:
        key = f"quiz-{self.rng.randrange(QUIZ_MODULES):02d}"
        started = self.call(
            session,
            "POST",
            f"/courses/bench-course/modules/{key}/quiz",
            {"csrf_token": session.csrf},
            302,
        )
        if started is None:
            return
        attempt = urllib.parse.urlsplit(started[0]["Location"]).path
        if self.call(session, "GET", attempt, None, 200) is None:
            return
        method, path, body, _ = submission(session, key, attempt + "/submit")
        form = dict(urllib.parse.parse_qsl(body.decode()))
        if self.call(session, method, path, form, 302) is not None:
            self.acknowledged.append(int(attempt.rsplit("/", 1)[1]))


def _process(port: int, first: int, count: int, modules: list[str], seconds: float, queue):
    deadline = time.monotonic() + seconds
    learners = [Learner(port, number, modules) for number in range(first, first + count)]
    threads = [threading.Thread(target=learner.run, args=(deadline,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(
        (
            [value for learner in learners for value in learner.latencies],
            [error for learner in learners for error in learner.errors],
            [number for learner in learners for number in learner.acknowledged],
        )
    )


def module_keys(url: str) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.text(
                        "SELECT module.key FROM module JOIN course "
                        "ON course.current_version_id = module.version_id "
                        "WHERE course.id = 'snia-foundations' ORDER BY module.position"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="", help="SQLAlchemy URL (default: SQLite file)")
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py's")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="depomi-load-"))
    url = args.database or f"sqlite:///{workdir / 'load.sqlite3'}"
    prepare_database(url, args.learners, workdir)
    modules = module_keys(url)
    env = {**production_env(url), "DEPOMI_PROXY_HOPS": "1"}  # as behind nginx
    workers = args.workers or os.cpu_count() * 2 + 1
    port, log = free_port(), workdir / "gunicorn.log"
    server = start_gunicorn("depomi_learn:create_app()", port, env, workers, log)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    started = time.monotonic()
    try:
        processes = []
        for first in range(0, args.learners, THREADS_PER_PROCESS):
            count = min(THREADS_PER_PROCESS, args.learners - first)
            processes.append(
                context.Process(
                    target=_process, args=(port, first, count, modules, args.seconds, queue)
                )
            )
        for process in processes:
            process.start()
        results = [queue.get() for _ in processes]
        for process in processes:
            process.join()
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    latencies = sorted(value for result in results for value in result[0])
    errors = [error for result in results for error in result[1]]
    acknowledged = {number for result in results for number in result[2]}
    database = check_database(url)

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
    print(
        f"\n{args.learners} learners, {args.seconds:g} s, {engine}, gunicorn {workers} workers "
        f"x {env['DEPOMI_THREADS']} threads, {os.cpu_count()} CPUs"
    )
    print(f"  {'requests':<34}{len(latencies):>9}")
    print(f"  {'requests per second':<34}{len(latencies) / elapsed:>9.0f}")
    print(f"  {'p50 / p99 latency (ms)':<34}{percentile(50):>9.0f} / {percentile(99):.0f}")
    print(f"  {'errors':<34}{len(errors):>9}")
    print(f"  {'quiz submissions acknowledged':<34}{len(acknowledged):>9}")
    print(f"  {'acknowledged but not graded':<34}{len(acknowledged - database.graded):>9}")
    print(f"  {'half-written attempts':<34}{len(database.partial):>9}")
    print(f"  {'integrity_check':<34}{database.integrity:>9}")
    for error in errors[:10]:
        print("  error:", error)
    failed = (
        errors
        or acknowledged - database.graded
        or database.partial
        or database.integrity not in ("ok", "n/a")
        or not acknowledged
    )
    print("\nresult:", "FAILED" if failed else "ok")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
