"""Thin blueprints grouped by audience."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, auth, catalog, coordinate, learn, quiz

    for module in (auth, catalog, learn, quiz, coordinate, admin):
        app.register_blueprint(module.bp)
