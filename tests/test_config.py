"""Configuration is read from the environment when an application is created, not at import."""

from config import config_for
from depomi_learn import create_app


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
