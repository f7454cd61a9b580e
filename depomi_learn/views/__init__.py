"""Thin blueprints grouped by audience."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, api, auth, catalog, coordinate, learn, ops, quiz

    for module in (auth, catalog, learn, quiz, coordinate, admin, api, ops):
        app.register_blueprint(module.bp)
    from . import certificates, verify

    app.register_blueprint(certificates.bp)
    app.register_blueprint(verify.bp)
    from . import author

    app.register_blueprint(author.bp)
    from . import account, profile, profile_requests

    app.register_blueprint(account.bp)
    app.register_blueprint(profile.bp)
    app.register_blueprint(profile_requests.bp)
    from . import results

    app.register_blueprint(results.bp)
    from . import offline

    app.register_blueprint(offline.bp)
    from . import practical

    app.register_blueprint(practical.bp)
    from . import attendance, session_reports, sessions

    app.register_blueprint(session_reports.bp)  # /sessions/report before /sessions/<id>
    app.register_blueprint(sessions.bp)
    app.register_blueprint(attendance.bp)
