"""DEPOMI Learn: learning and certification for the regional deployment of migration policies."""

from flask import Flask

from config import config_for


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build the application: config, extensions, views, CLI, error pages."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(config_for(config_name))
    app.config.update(overrides)
    _refuse_weak_production_secret(app)

    from . import database, errors, i18n, logs  # noqa: F401 - database: engine events
    from .extensions import babel, csrf, db, login_manager, migrate
    from .reports.counters import init_counting
    from .views import assets, inputs, register_blueprints, security, transactions

    logs.init_app(app)
    db.init_app(app)
    init_counting()
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    security.init_login(app, login_manager)
    security.init_sessions(app)
    security.init_headers(app)
    security.init_proxy(app)
    inputs.init_app(app)
    i18n.init_templates(app)
    assets.init_app(app)
    transactions.init_app(app)
    register_blueprints(app)
    errors.register(app)
    _register_commands(app)
    return app


def _register_commands(app: Flask) -> None:
    """Each feature package owns its `flask` command group."""
    from flask_migrate.cli import db as db_cli

    from .accounts.commands import users_cli
    from .authoring.commands import courses_cli
    from .certificates.commands import certificates_cli
    from .operations.backups import backup_command, restore_command
    from .operations.commands import demo_cli, regions_cli
    from .reports.commands import reports_cli
    from .sessions.commands import sessions_cli

    groups = (users_cli, regions_cli, courses_cli, demo_cli, certificates_cli, sessions_cli)
    for group in (*groups, reports_cli):
        app.cli.add_command(group)
    db_cli.add_command(backup_command)  # flask db backup PATH, flask db restore PATH
    db_cli.add_command(restore_command)


def _refuse_weak_production_secret(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production" and len(app.config.get("SECRET_KEY") or "") < 32:
        raise RuntimeError(
            "SECRET_KEY must be set to a random string of at least 32 characters in production "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
