"""Nothing acknowledged is lost when the server is killed with SIGKILL during submissions.

The short version of `bench/faults.py` (see bench/README.md for the full runs): gunicorn with
the production settings and four workers on a file SQLite database, learners submitting quiz
attempts in parallel, the whole server killed once a share of them is acknowledged, then
started again.
"""

import json

import pytest

from bench.faults import crash_test

pytestmark = pytest.mark.slow  # live servers, crashes, races: make test-fast skips them


def test_kill_9_during_submissions_loses_nothing_acknowledged(tmp_path):
    report = crash_test(None, learners=4, threads=12, workdir=tmp_path, share=0.4)
    assert report["acknowledged before the crash"] >= 0.4 * report["submissions"]
    assert report["cut off by the crash"] > 0, "the crash came too late to cut anything"
    assert report["acknowledged but not graded"] == 0
    assert report["half-written attempts"] == 0
    assert report["integrity_check"] == "ok"
    assert report["errors after the restart"] == 0
    assert report["graded in the end"] == report["submissions"]
    log = (tmp_path / "crash.log").read_text()
    assert "Traceback" not in log
    assert "database is locked" not in log
    # Production logs: JSON lines (a SIGKILL may cut one short), each request with its id.
    requests = [entry for entry in map(parsed, log.splitlines()) if entry and entry.get("path")]
    assert any(entry["path"].endswith("/submit") for entry in requests)
    assert all(len(entry["request_id"]) == 16 for entry in requests)


def parsed(line: str) -> dict | None:
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None
