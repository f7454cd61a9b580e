"""Configuration is read from the environment when an application is created, not at import."""

import shutil
import subprocess
from pathlib import Path

import pytest

from config import config_for
from depomi_learn import create_app
from tests.helpers.make import make_env


def test_settings_follow_the_environment_of_each_app(monkeypatch):
    monkeypatch.setenv("DEPOMI_QUIZ_GRACE_SECONDS", "45")
    first = create_app("testing")
    monkeypatch.setenv("DEPOMI_QUIZ_GRACE_SECONDS", "90")
    second = create_app("testing")
    assert first.config["QUIZ_GRACE_SECONDS"] == 45
    assert second.config["QUIZ_GRACE_SECONDS"] == 90


def test_settings_can_be_read_from_any_mapping():
    settings = config_for("production", {"DEPOMI_PUBLIC_URL": "https://learn.example.ma/"})
    assert settings["PUBLIC_URL"] == "https://learn.example.ma"
    assert settings["TRUSTED_HOSTS"] == ["learn.example.ma", "localhost", "127.0.0.1"]
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config_for(env={"DEPOMI_ENV": "testing"})["ENV_NAME"] == "testing"


def test_development_links_follow_the_port_make_run_serves_on():
    assert config_for("development", {})["PUBLIC_URL"] == "http://127.0.0.1:5000"
    on_5101 = config_for("development", {"FLASK_RUN_PORT": "5101"})
    assert on_5101["PUBLIC_URL"] == "http://127.0.0.1:5101"
    chosen = {"FLASK_RUN_PORT": "5101", "DEPOMI_PUBLIC_URL": "https://learn.example.ma"}
    assert config_for("development", chosen)["PUBLIC_URL"] == "https://learn.example.ma"


def test_make_run_takes_a_port():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parent.parent

    def run_line(*args: str) -> str:
        printed = subprocess.run(
            ["make", "-n", "--no-print-directory", "run", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            env=make_env(without=("PORT", "FLASK_RUN_PORT")),
        ).stdout
        return next(line for line in printed.splitlines() if "flask run" in line)

    assert "FLASK_RUN_PORT=5101 " in run_line("PORT=5101")
    assert "FLASK_RUN_PORT=5000 " in run_line()
