"""Configuration classes; values come from environment variables with safe development defaults."""

import os
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'depomi.sqlite3'}"
    # Heroku-style URLs and bare postgresql:// would pick psycopg2, which we do not ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Development defaults: an SQLite file under instance/, a throwaway secret key."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    MIGRATIONS_DIR = BASE_DIR / "migrations"
    COURSES_DIR = os.environ.get("DEPOMI_COURSES_DIR", str(BASE_DIR / "courses"))
    LANGUAGES = ("fr", "ar", "en")
    BABEL_DEFAULT_LOCALE = os.environ.get("DEPOMI_DEFAULT_LANGUAGE", "fr")
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; pages left open still submit
    MAX_CONTENT_LENGTH = _env_int("DEPOMI_MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("DEPOMI_SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = _env_int("DEPOMI_SESSION_HOURS", 12) * 3600
    PASSWORD_MIN_LENGTH = _env_int("DEPOMI_PASSWORD_MIN_LENGTH", 12)
    CATALOG_PAGE_SIZE = 20
    QUIZ_GRACE_SECONDS = _env_int("DEPOMI_QUIZ_GRACE_SECONDS", 30)
    # argon2id parameters (RFC 9106 second recommended option, reduced memory for small servers)
    ARGON2_TIME_COST = _env_int("DEPOMI_ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_KIB = _env_int("DEPOMI_ARGON2_MEMORY_KIB", 64 * 1024)


class ProductionConfig(Config):
    """Production: secret key required, secure cookies, PostgreSQL expected."""

    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SESSION_COOKIE_SECURE = _env_bool("DEPOMI_SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    """Tests: a database from DEPOMI_TEST_DATABASE_URL (or in-memory SQLite), cheap hashing."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("DEPOMI_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    BABEL_DEFAULT_LOCALE = "en"  # tests read the source strings unless they choose a language
    # Cheap hashing keeps the suite fast; production parameters are tested in test_passwords.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 8


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestConfig}


def config_for(name: str | None = None) -> type[Config]:
    """Return the config class named by `name` or by DEPOMI_ENV (default: development)."""
    return CONFIGS[name or os.environ.get("DEPOMI_ENV", "development")]
