"""WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds when run from the repository."""

from depomi_learn import create_app

app = create_app()
