"""Configuration: settings read from environment variables, with safe development defaults,
when an application is created (`config_for`), never when this module is imported."""

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


Env = Mapping[str, str]


def _env_int(env: Env, name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value else default


def _env_bool(env: Env, name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(env: Env, name: str) -> list[str]:
    return [item.strip() for item in env.get(name, "").split(",") if item.strip()]


def _database_url(env: Env) -> str:
    url = env.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'depomi.sqlite3'}"
    # Heroku-style URLs and bare postgresql:// would pick psycopg2, which we do not ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _local_url(env: Env) -> str:
    """The address `make run PORT=...` serves on (`flask run` reads FLASK_RUN_PORT too), so that
    links and QR codes made in development lead back to this server."""
    return f"http://127.0.0.1:{_env_int(env, 'FLASK_RUN_PORT', 5000)}"


def development(env: Env) -> dict[str, object]:
    """Development defaults: an SQLite file under instance/, a throwaway secret key."""
    return {
        "ENV_NAME": "development",
        "SECRET_KEY": env.get("SECRET_KEY", "dev-only-not-secret"),
        "SQLALCHEMY_DATABASE_URI": _database_url(env),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MIGRATIONS_DIR": BASE_DIR / "migrations",
        "COURSES_DIR": env.get("DEPOMI_COURSES_DIR", str(BASE_DIR / "courses")),
        "LANGUAGES": ("fr", "ar", "en"),
        "BABEL_DEFAULT_LOCALE": env.get("DEPOMI_DEFAULT_LANGUAGE", "fr"),
        "BABEL_DEFAULT_TIMEZONE": "Africa/Casablanca",
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
        # CSRF tokens live as long as the session; pages left open still submit.
        "WTF_CSRF_TIME_LIMIT": None,
        # Practical work handed in by learners: outside the web root, under random names.
        "SUBMISSIONS_FOLDER": env.get(
            "DEPOMI_SUBMISSIONS_FOLDER", str(INSTANCE_DIR / "submissions")
        ),
        "MAX_CONTENT_LENGTH": _env_int(env, "DEPOMI_MAX_CONTENT_LENGTH", 16 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool(env, "DEPOMI_SECURE_COOKIES", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": _env_int(env, "DEPOMI_SESSION_HOURS", 12) * 3600,
        "PASSWORD_MIN_LENGTH": _env_int(env, "DEPOMI_PASSWORD_MIN_LENGTH", 12),
        "CATALOG_PAGE_SIZE": 20,
        "QUIZ_GRACE_SECONDS": _env_int(env, "DEPOMI_QUIZ_GRACE_SECONDS", 30),
        # Results: a person counts as trained after a completed course or this share of a
        # session's hours attended (the funder's counting rule; see reports/indicators.py).
        "RESULTS_ATTENDANCE_PERCENT": _env_int(env, "DEPOMI_RESULTS_ATTENDANCE_PERCENT", 80),
        # Certificates: the address printed in QR codes, and the Ed25519 key that signs
        # credentials (base64 of the 32-byte private key; `flask certificates keygen` makes one).
        "PUBLIC_URL": env.get("DEPOMI_PUBLIC_URL", _local_url(env)).rstrip("/"),
        "SIGNING_KEY": env.get("DEPOMI_SIGNING_KEY", ""),
        "SIGNING_KEY_FILE": INSTANCE_DIR / "signing-key",
        # lookups per address per minute
        "VERIFY_RATE_LIMIT": _env_int(env, "DEPOMI_VERIFY_RATE_LIMIT", 30),
        # Sessions: signed out after this many idle minutes, and PERMANENT_SESSION_LIFETIME after
        # signing in whatever the activity.
        "SESSION_IDLE_MINUTES": _env_int(env, "DEPOMI_SESSION_IDLE_MINUTES", 30),  # staff
        "LEARNER_SESSION_IDLE_MINUTES": _env_int(env, "DEPOMI_LEARNER_SESSION_IDLE_MINUTES", 120),
        # Sign-in throttling, counted in the database by every worker: failed attempts allowed
        # per address in a minute and per account in 15 minutes; the next ones get 429 until
        # they age out. Right passwords never count per address, but at most
        # SIGN_IN_CONCURRENT_PER_ADDRESS attempts from one address are checked at once (a
        # training room of 40 behind one NAT address signs in together).
        "SIGN_IN_LIMIT_PER_ADDRESS": _env_int(env, "DEPOMI_SIGN_IN_LIMIT_PER_ADDRESS", 5),
        "SIGN_IN_LIMIT_PER_ACCOUNT": _env_int(env, "DEPOMI_SIGN_IN_LIMIT_PER_ACCOUNT", 10),
        "SIGN_IN_CONCURRENT_PER_ADDRESS": _env_int(
            env, "DEPOMI_SIGN_IN_CONCURRENT_PER_ADDRESS", 60
        ),
        # Self-service "forgot my password" (only while SMTP is set): requests allowed per
        # address and per email address in an hour, so nobody floods an inbox or the server.
        "RESET_REQUESTS_PER_ADDRESS": _env_int(env, "DEPOMI_RESET_REQUESTS_PER_ADDRESS", 10),
        "RESET_REQUESTS_PER_ACCOUNT": _env_int(env, "DEPOMI_RESET_REQUESTS_PER_ACCOUNT", 3),
        # Roles that must enrol a two-factor app before using any page.
        "TWO_FACTOR_REQUIRED_ROLES": ("admin", "coordinator"),
        # Key material for encrypting TOTP secrets at rest; SECRET_KEY when empty (then rotating
        # SECRET_KEY disables every two-factor enrolment, so production should set this).
        "TOTP_KEY": env.get("DEPOMI_TOTP_KEY", ""),
        "RESET_LINK_HOURS": _env_int(env, "DEPOMI_RESET_LINK_HOURS", 24),
        # Outgoing mail for password reset links; none is sent while DEPOMI_SMTP_HOST is empty.
        "SMTP_HOST": env.get("DEPOMI_SMTP_HOST", ""),
        "SMTP_PORT": _env_int(env, "DEPOMI_SMTP_PORT", 587),
        "SMTP_SECURITY": env.get("DEPOMI_SMTP_SECURITY", "starttls"),  # starttls | tls | none
        "SMTP_USER": env.get("DEPOMI_SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("DEPOMI_SMTP_PASSWORD", ""),
        "SMTP_FROM": env.get("DEPOMI_SMTP_FROM", "DEPOMI Learn <no-reply@localhost>"),
        # Host names this site answers to (others get 400); None accepts any (development).
        "TRUSTED_HOSTS": _env_list(env, "DEPOMI_TRUSTED_HOSTS") or None,
        # reverse proxies in front that set X-Forwarded-*
        "PROXY_HOPS": _env_int(env, "DEPOMI_PROXY_HOPS", 0),
        "PG_BIN_DIR": env.get("DEPOMI_PG_BIN_DIR", ""),  # where pg_dump and pg_restore are
        # argon2id parameters: OWASP's floor (19 MiB, 2 passes, 1 lane), about 0.1 s a check on
        # one core, so a room of 40 signs in within seconds on 2 cores; RFC 9106's 64 MiB x 3
        # took 0.7 s each and 64 MiB per thread hashing. At most PASSWORD_HASHING_CONCURRENCY
        # hashes at once per worker.
        "ARGON2_TIME_COST": _env_int(env, "DEPOMI_ARGON2_TIME_COST", 2),
        "ARGON2_MEMORY_KIB": _env_int(env, "DEPOMI_ARGON2_MEMORY_KIB", 19456),
        "PASSWORD_HASHING_CONCURRENCY": _env_int(env, "DEPOMI_PASSWORD_HASHING_CONCURRENCY", 1),
        "LOG_FORMAT": env.get("DEPOMI_LOG_FORMAT", "text"),  # text | json (one object per line)
    }


def production(env: Env) -> dict[str, object]:
    """Production: secret key required, secure cookies, PostgreSQL expected."""
    settings = development(env)
    secure = _env_bool(env, "DEPOMI_SECURE_COOKIES", True)
    public_host = urlsplit(str(settings["PUBLIC_URL"])).hostname or "localhost"
    settings.update(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": env.get("SECRET_KEY", ""),
            "SESSION_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_SECURE": secure,
            # The __Host- prefix binds the cookie to this exact host over HTTPS (browsers refuse
            # it otherwise), so a sibling subdomain can neither read nor plant it.
            "SESSION_COOKIE_NAME": "__Host-session" if secure else "session",
            "REMEMBER_COOKIE_NAME": "__Host-remember" if secure else "remember_token",
            # By default the host of DEPOMI_PUBLIC_URL, plus the local names a health check uses.
            "TRUSTED_HOSTS": _env_list(env, "DEPOMI_TRUSTED_HOSTS")
            or [public_host, "localhost", "127.0.0.1"],
            "PREFERRED_URL_SCHEME": "https",
            "LOG_FORMAT": env.get("DEPOMI_LOG_FORMAT", "json"),
        }
    )
    return settings


def testing(env: Env) -> dict[str, object]:
    """Tests: a database from DEPOMI_TEST_DATABASE_URL (or in-memory SQLite), cheap hashing."""
    settings = development(env)
    settings.update(
        {
            "ENV_NAME": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": env.get("DEPOMI_TEST_DATABASE_URL", "sqlite://"),
            "WTF_CSRF_ENABLED": True,
            # tests read the source strings unless they choose a language
            "BABEL_DEFAULT_LOCALE": "en",
            "SIGNING_KEY_FILE": None,  # an ephemeral signing key per test app
            # Cheap hashing keeps the suite fast; production parameters are tested in
            # test_passwords.
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 8,
        }
    )
    return settings


CONFIGS = {"development": development, "production": production, "testing": testing}


def config_for(name: str | None = None, env: Env | None = None) -> dict[str, object]:
    """Return the settings named by `name` or by DEPOMI_ENV (default: development), read from
    `env` (default: the process environment, as it is now)."""
    env = os.environ if env is None else env
    return CONFIGS[name or env.get("DEPOMI_ENV", "development")](env)
