"""Profile the pages learners hit most with pyinstrument, in process, with production settings.

Prints, for each page, where the time of a few hundred requests goes (the application's frames;
libraries folded). This is how the costs recorded in bench/README.md were found.

    .venv/bin/python bench/profile_pages.py                       # module page and catalogue
    .venv/bin/python bench/profile_pages.py / /courses/snia-foundations --requests 500
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PASSWORD, prepare_database, production_env  # noqa: E402

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
MODULE = "/courses/snia-foundations/modules/contexte"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=[MODULE, "/courses"])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--all-frames", action="store_true", help="unfold library frames")
    args = parser.parse_args()
    from pyinstrument import Profiler

    workdir = Path(tempfile.mkdtemp(prefix="depomi-profile-"))
    url = f"sqlite:///{workdir / 'profile.sqlite3'}"
    # config.py reads the environment when first imported, which prepare_database does.
    os.environ.update(production_env(url))
    os.environ["DEPOMI_TRUSTED_HOSTS"] = "localhost"
    os.environ["DEPOMI_LOG_FORMAT"] = "text"
    prepare_database(url, 1, workdir)
    from depomi_learn import create_app

    app = create_app("production", SQLALCHEMY_DATABASE_URI=url, LOG_FORMAT="text")
    app.logger.disabled = True
    client = app.test_client()
    # The test client speaks https (PREFERRED_URL_SCHEME), so CSRF checks the Referer.
    referer = {"Referer": "https://localhost/"}
    token = CSRF.search(client.get("/login").text).group(1)
    form = {"email": "b0@bench.ma", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form, headers=referer).status_code == 302
    token = CSRF.search(client.get("/courses").text).group(1)
    client.post("/courses/snia-foundations/enrol", data={"csrf_token": token}, headers=referer)
    for path in args.paths:
        for _ in range(20):  # warm up: templates compiled, the visit recorded
            client.get(path)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.requests):
            assert client.get(path).status_code == 200, path
        profiler.stop()
        each = profiler.last_session.cpu_time / args.requests * 1000
        print(f"\n=== {path}: {args.requests} requests, {each:.1f} ms of CPU each")
        print(profiler.output_text(unicode=False, color=False, show_all=args.all_frames))


if __name__ == "__main__":
    main()
