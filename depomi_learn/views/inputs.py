"""Hostile numbers and bytes in requests: ids and page numbers that fit the database, no NUL.

A 25-digit id in a URL answers 404 and a 25-digit page 400, rather than an integer overflow in
PostgreSQL; a NUL byte in any query, form value or path answers 400 before a view runs, since
PostgreSQL refuses NUL in text and nothing should be half done.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from ..models.types import MAX_ID, parse_id

__all__ = ["MAX_ID", "date_arg", "init_app", "int_arg", "page_arg", "parse_id"]


class RefusedInput(BadRequest):
    """A 400 whose description is written for people (the error page shows it)."""

    for_people = True


class IdConverter(IntegerConverter):
    """The `int` URL converter, bounded to what an id column holds: larger numbers are a 404."""

    def __init__(self, url_map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def int_arg(name: str, default: int | None = None) -> int | None:
    """Return the query argument `name` as a positive integer; 400 when it is out of range.

    An absent or non-numeric value gives `default`, as `type=int` did; only numbers too large
    for the database are refused.
    """
    text = request.args.get(name, "").strip()
    if not text.isascii() or not text.isdigit():
        return default
    if len(text) > 10 or int(text) > MAX_ID:
        raise RefusedInput(_l("The number in '%(name)s' is out of range.", name=name))
    return int(text)


def date_arg(name: str, values: Mapping[str, str] | None = None) -> date | None:
    """Return the query argument (or the value in `values`) `name` as a day (YYYY-MM-DD, what
    a date input sends): None when absent or empty, 400 when it is something else."""
    text = (request.args if values is None else values).get(name, "").strip()
    if not text:
        return None
    refused = RefusedInput(_l("'%(name)s' is not a date: write it as YYYY-MM-DD.", name=name))
    if len(text) != 10:  # fromisoformat also takes 20261205 and week dates
        raise refused
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise refused from None


def page_arg() -> int:
    """Return the `page` query argument: 1 when absent or not a number, 400 when too large."""
    return max(int_arg("page", 1) or 1, 1)


def init_app(app: Flask) -> None:
    """Use the bounded `int` converter and refuse NUL bytes anywhere in the request."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _refuse_nul_bytes() -> None:
        if "\x00" in request.path or any(
            _has_nul(values) for values in (request.args, request.form, request.files)
        ):
            raise RefusedInput(_l("A field holds a NUL character: remove it and try again."))


def _has_nul(values) -> bool:
    return any(
        "\x00" in key or "\x00" in (value if isinstance(value, str) else value.filename or "")
        for key, value in values.items(multi=True)
    )
