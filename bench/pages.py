"""Benchmark the pages learners hit most, under gunicorn, against the stack's physical limit.

For the catalogue, a course page, the home page, a module page, the coordinator dashboard and a
quiz submission it prints requests per second and p50/p99 latency, next to a minimal Flask app
serving a static string on the same gunicorn settings in the same run; then the time from launch
to the first answered sign-in page, 40 simultaneous sign-ins from one address (accounts hashed
with the production argon2id parameters), the memory of each worker (RSS and PSS) and the weight
of a module page. Ratios only mean something within one run on one machine.

    .venv/bin/python bench/pages.py                      # SQLite file database
    .venv/bin/python bench/pages.py --database postgresql+psycopg://user@host/db
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import LoadResult, run_load  # noqa: E402

PASSWORD = "bench password 2026"  # noqa: S105 - synthetic accounts
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - the bench coordinator's
SECRET_KEY = "b" * 48  # the servers' (two-factor secrets are sealed with it)
ROOM = 40  # a training room signing in together behind one address
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
QUIZ_MODULES = 20
LEARNERS_PER_CLIENT = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_bench_course(folder: Path) -> None:
    """A course of many short quiz modules, so each submission grades a fresh attempt."""
    course = folder / "bench-course"
    (course / "fr").mkdir(parents=True)
    keys = [f"quiz-{n:02d}" for n in range(QUIZ_MODULES)]
    (course / "course.yaml").write_text(
        "schema: 1\nid: bench-course\nversion: '1'\ndefault_language: fr\nlanguages: [fr]\n"
        "title: {fr: Banc d'essai}\nsummary: {fr: Cours de mesure.}\nlevel: beginner\n"
        "duration_minutes: 60\naudience: [commune]\nprerequisites: []\n"
        f"modules: [{', '.join(keys)}]\n"
        "certificate:\n  enabled: false\n",
        "utf-8",
    )
    questions = "".join(
        f"\n```quiz\nid: {{key}}-q{n}\ntype: single\nprompt: Question {n}\noptions:\n"
        "  - id: a\n    text: Oui\n    correct: true\n  - id: b\n    text: Non\n```\n"
        for n in range(5)
    )
    for index, key in enumerate(keys):
        (course / "fr" / f"{index:02d}-{key}.md").write_text(
            f"---\nid: {key}\ntitle: Module {index}\nduration_minutes: 3\nquiz:\n  pass_mark: 70\n"
            f"---\n\n# Module {index}\n\nTexte.\n" + questions.replace("{key}", key),
            "utf-8",
        )


def prepare_database(
    url: str, learners: int, workdir: Path, *, room: int = 0, argon2: tuple[int, int] = (1, 8)
) -> None:
    """Migrate, import the courses and make `learners` accounts (b0@bench.ma...), `room` more
    (room0@bench.ma...) and, with `room`, a Souss-Massa coordinator (coordinator@bench.ma) with
    TOTP_SECRET as second factor; passwords hashed with `argon2` (time cost, memory KiB)."""
    import flask_migrate
    import sqlalchemy as sa

    from depomi_learn import create_app
    from depomi_learn.accounts.two_factor import seal_secret
    from depomi_learn.accounts.users import UserFields, create_user
    from depomi_learn.content.importer import import_tree
    from depomi_learn.extensions import db
    from depomi_learn.models import Region, Role, utcnow
    from depomi_learn.operations.regions import load_reference_regions

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        SECRET_KEY=SECRET_KEY,
        ARGON2_TIME_COST=argon2[0],
        ARGON2_MEMORY_KIB=argon2[1],
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        write_bench_course(workdir)
        import_tree(ROOT / "courses" / "snia-foundations")
        import_tree(workdir / "bench-course")
        emails = [f"b{n}@bench.ma" for n in range(learners)]
        emails += [f"room{n}@bench.ma" for n in range(room)]
        for number, email in enumerate(emails):
            create_user(UserFields(email=email, name_latin=f"B {number}", password=PASSWORD))
        if room:
            region = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
            coordinator = create_user(
                UserFields(
                    email="coordinator@bench.ma",
                    name_latin="Coordinator",
                    role=Role.COORDINATOR,
                    region=region,
                    password=PASSWORD,
                )
            )
            coordinator.totp_secret = seal_secret(TOTP_SECRET)
            coordinator.totp_enabled_at = utcnow()
        db.session.commit()
        db.engine.dispose()


def start_gunicorn(
    app_spec: str, port: int, env: dict[str, str], workers: int, log: Path | None = None
) -> subprocess.Popen:
    """Start gunicorn with gunicorn.conf.py (the production settings) on 127.0.0.1:`port`.

    It runs in a process group of its own, so that a fault test can kill master and workers at
    once; its output (JSON log lines in production) goes to `log`.
    """
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        app_spec,
    ]
    with log.open("ab") if log else open(os.devnull, "wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 404):  # the minimal app has no /healthz
                return process
        except OSError:
            pass
        finally:
            connection.close()
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start: {app_spec} (see {log})")


def production_env(url: str) -> dict[str, str]:
    """The environment of a production server on `url`, over plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DEPOMI_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": url,
        "DEPOMI_SECURE_COOKIES": "0",
        "DEPOMI_ARGON2_TIME_COST": "1",  # the accounts were made with the test parameters
        "DEPOMI_ARGON2_MEMORY_KIB": "8",
        "DEPOMI_TRUSTED_HOSTS": "127.0.0.1",
        "DEPOMI_THREADS": "4",
    }


class Session:
    """One signed-in learner: its cookie and CSRF token.

    With `address`, requests say they come from it (X-Forwarded-For, as a reverse proxy in
    front would), for a server started with DEPOMI_PROXY_HOPS=1.
    """

    def __init__(self, port: int, email: str, address: str | None = None) -> None:
        self.port, self.cookie, self.address = port, "", address
        token = self.token("/login")
        status, headers, _ = self.send(
            "POST", "/login", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert status == 302, (status, email)
        if headers["Location"].endswith("/login/code"):
            import pyotp

            code = pyotp.TOTP(TOTP_SECRET).now()
            token = self.token("/login/code")
            status, _, _ = self.send("POST", "/login/code", {"code": code, "csrf_token": token})
            assert status == 302, (status, email)
        self.csrf = self.token("/courses")

    def send(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        headers = self.headers()
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookie = value.split(";", 1)[0]
        return response.status, response.headers, text

    def headers(self) -> dict[str, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        return headers

    def token(self, path: str) -> str:
        return CSRF.search(self.send("GET", path)[2]).group(1)


def open_attempts(session: Session) -> list[tuple[str, str]]:
    """Enrol in the bench course and start one attempt per quiz module.

    Returns (module key, submit path) pairs.
    """
    session.send("POST", "/courses/bench-course/enrol", {"csrf_token": session.csrf})
    attempts = []
    for n in range(QUIZ_MODULES):
        key = f"quiz-{n:02d}"
        _, headers, _ = session.send(
            "POST", f"/courses/bench-course/modules/{key}/quiz", {"csrf_token": session.csrf}
        )
        attempts.append((key, urllib.parse.urlsplit(headers["Location"]).path + "/submit"))
    return attempts


def submission(session: Session, key: str, path: str):
    """A quiz submission request answering the attempt's five questions."""
    form = {"csrf_token": session.csrf, **{f"q-{key}-q{n}": "a" for n in range(5)}}
    headers = {**session.headers(), "Content-Type": "application/x-www-form-urlencoded"}
    return ("POST", path, urllib.parse.urlencode(form).encode(), headers)


def worker_memory_mb(process: subprocess.Popen) -> list[tuple[float, float]]:
    """Return (RSS, PSS) in MB of each worker of the gunicorn master `process`.

    PSS divides each page shared with the master and the other workers among them, so the sum
    over the processes is what the server really takes; RSS counts shared pages in full.
    """
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(process.pid)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [process_memory_mb(int(pid)) for pid in children]


def process_memory_mb(pid: int) -> tuple[float, float]:
    """Return the RSS and PSS of `pid` in MB, from /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_unit = line.split()
        fields[name.rstrip(":")] = int(value)
    return fields["Rss"] / 1024, fields["Pss"] / 1024


def start_up_seconds(env: dict[str, str], workers: int, workdir: Path) -> float:
    """Return the time from launching the server to its first answered sign-in page."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config"]
    command += [str(ROOT / "gunicorn.conf.py"), "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "depomi_learn:create_app()"]
    started = time.monotonic()
    with (workdir / "start-up.log").open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        while time.monotonic() - started < 60:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/login")
                if connection.getresponse().status == 200:
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.01)
            finally:
                connection.close()
        raise RuntimeError("the server did not answer /login within 60 s")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def room_signs_in(port: int) -> tuple[float, list[int]]:
    """Sign ROOM learners in at once from one address; return the time taken and the statuses."""
    from concurrent.futures import ThreadPoolExecutor

    browsers = [Session.__new__(Session) for _ in range(ROOM)]
    for browser in browsers:
        browser.port, browser.cookie, browser.address = port, "", None
    tokens = [browser.token("/login") for browser in browsers]

    def sign_in(index: int) -> int:
        form = {"email": f"room{index}@bench.ma", "password": PASSWORD, "csrf_token": tokens[index]}
        return browsers[index].send("POST", "/login", form)[0]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=ROOM) as pool:
        statuses = list(pool.map(sign_in, range(ROOM)))
    return time.monotonic() - started, statuses


STATIC = re.compile(r'(?:href|src)="(/static/[^"?]+\.(?:css|js|svg)(?:\?v=[0-9a-f]+)?)"')


def page_weight(port: int, session: Session, path: str) -> dict[str, int]:
    """Weigh a page and the CSS, JS and icon it loads, as sent to a browser accepting gzip.

    The application gzips its assets itself; HTML is compressed by the reverse proxy in front
    (nginx `gzip on`), so its compressed size is computed here the same way (level 6).
    """
    _, _, html = session.send("GET", path)
    raw, sent, cached = len(html.encode()), len(gzip.compress(html.encode(), 6)), 0
    assets = STATIC.findall(html)
    for asset in assets:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", asset, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        sent += len(body)
        encoded = response.headers.get("Content-Encoding") == "gzip"
        raw += len(gzip.decompress(body)) if encoded else len(body)
        cached += "immutable" in response.headers.get("Cache-Control", "")
    kinds = [asset.split("?")[0].rsplit(".", 1)[1] for asset in assets]
    return {
        "requests": 1 + len(assets),
        "css": kinds.count("css"),
        "js": kinds.count("js"),
        "icons": kinds.count("svg"),
        "raw": raw,
        "sent": sent,
        "cached": cached,
    }


def row(name: str, result: LoadResult, limit: LoadResult) -> str:
    return (
        f"{name:<22}{result.rps:>9.0f}{result.percentile(50):>9.1f}{result.percentile(99):>9.1f}"
        f"{result.rps / limit.rps:>12.2f}{result.errors:>8}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="", help="SQLAlchemy URL (default: SQLite file)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="depomi-bench-"))
    url = args.database or f"sqlite:///{workdir / 'bench.sqlite3'}"
    prepare_database(url, args.clients * LEARNERS_PER_CLIENT, workdir, room=ROOM, argon2=(2, 19456))
    env = production_env(url)
    del env["DEPOMI_ARGON2_TIME_COST"], env["DEPOMI_ARGON2_MEMORY_KIB"]  # production's own
    start_up = start_up_seconds(env, args.workers, workdir)
    app_port, limit_port = free_port(), free_port()
    log = workdir / "gunicorn.log"
    app = start_gunicorn("depomi_learn:create_app()", app_port, env, args.workers, log)
    limit = start_gunicorn("bench.minimal_app:app", limit_port, env, args.workers, log)
    try:
        sessions = [
            Session(app_port, f"b{n}@bench.ma") for n in range(args.clients * LEARNERS_PER_CLIENT)
        ]
        for session in sessions:
            session.send("POST", "/courses/snia-foundations/enrol", {"csrf_token": session.csrf})
        submits = [(s, open_attempts(s)) for s in sessions]
        coordinator = Session(app_port, "coordinator@bench.ma")
        module = "/courses/snia-foundations/modules/contexte"

        def gets(path: str, staff: bool = False):
            who = (lambda i: coordinator) if staff else (lambda i: sessions[i])
            return lambda i: [("GET", path, None, who(i).headers())] * 100_000

        def submissions(i: int):
            mine = submits[i * LEARNERS_PER_CLIENT : (i + 1) * LEARNERS_PER_CLIENT]
            return [submission(s, key, path) for s, attempts in mine for key, path in attempts]

        limit_result = run_load(
            limit_port,
            lambda i: [("GET", "/", None, {})] * 100_000,
            clients=args.clients,
            seconds=args.seconds,
        )
        pages = {
            "module page": gets(module),
            "catalogue": gets("/courses"),
            "course page": gets("/courses/snia-foundations"),
            "home page": gets("/"),
            "coordinator dashboard": gets("/coordinate/", staff=True),
            "quiz submission": submissions,
        }
        results = {
            name: run_load(app_port, requests, clients=args.clients, seconds=args.seconds)
            for name, requests in pages.items()
        }
        room_seconds, room_statuses = room_signs_in(app_port)
        engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
        print(
            f"\n{engine}, gunicorn {args.workers} workers x 4 threads, {args.clients} clients, "
            f"{args.seconds:g} s each, {os.cpu_count()} CPUs"
        )
        print(f"{'':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs limit':>12}{'errors':>8}")
        print(row("static string (limit)", limit_result, limit_result))
        for name, result in results.items():
            print(row(name, result, limit_result))
        print(
            f"\nstart-up: {start_up:.2f} s from launch to the first answered sign-in page; "
            f"{ROOM} simultaneous sign-ins from one address: {room_seconds:.1f} s, "
            f"{room_statuses.count(302)} signed in, {room_statuses.count(429)} refused (429)"
        )
        memory, limit_memory = worker_memory_mb(app), worker_memory_mb(limit)
        rss = max(m[0] for m in memory)
        pss = sum(m[1] for m in memory) / len(memory)
        master_pss = process_memory_mb(app.pid)[1]
        server_pss = master_pss + pss * len(memory)
        limit_rss = sum(m[0] for m in limit_memory) / len(limit_memory)
        print(
            f"memory per worker after the bench: {rss:.0f} MB RSS at most, {pss:.0f} MB PSS on "
            f"average, master {master_pss:.0f} MB PSS; whole server {server_pss:.0f} MB PSS"
            f" (minimal app: {limit_rss:.0f} MB RSS per worker)"
        )
        weight = page_weight(app_port, sessions[0], module)
        print(
            f"module page: {weight['requests']} requests (HTML, {weight['css']} CSS, "
            f"{weight['js']} JS, {weight['icons']} icon), "
            f"{weight['raw'] / 1024:.1f} KiB, {weight['sent'] / 1024:.1f} KiB compressed; "
            f"on the next page {weight['requests'] - weight['cached']} request "
            f"({weight['cached']} assets cached for a year)"
        )
    finally:
        for process in (app, limit):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
