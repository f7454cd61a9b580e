"""Thin blueprints grouped by audience."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, auth, catalog, coordinate, learn

    for module in (auth, catalog, learn, coordinate, admin):
        app.register_blueprint(module.bp)
