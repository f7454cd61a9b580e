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
    from . import account, profile_requests

    app.register_blueprint(account.bp)
    app.register_blueprint(profile_requests.bp)
    from . import offline

    app.register_blueprint(offline.bp)
