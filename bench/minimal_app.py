"""The physical limit of the stack: a Flask app serving a static string, for bench/pages.py."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Bonjour / مرحبا"
