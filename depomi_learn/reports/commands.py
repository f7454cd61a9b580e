"""`flask reports indicators`: the results indicators on the command line, as JSON, CSV or XLSX;
`flask reports check [--repair]`: the dashboard's counters against the live rows.

The command sees what national staff see (or one region's learners with --region) and prints
exactly the rows the results page and its downloads show.
"""

import json
import shutil
import sys
from datetime import date

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from ..extensions import db
from ..models import Region, Role, User
from ..models.report_counters import COUNT_COLUMNS, KEY_COLUMNS
from . import counters
from .exports import csv_chunks, write_xlsx
from .indicators import parse_breakdowns, parse_indicators
from .result_tables import flat_rows, flat_table
from .results import ResultsRequest, results

reports_cli = AppGroup(
    "reports", help="Programme results indicators; the dashboard's counters checked."
)


def _date(_ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)", param=param) from None


def _parsed(parser, text: str, what: str) -> tuple[str, ...]:
    try:
        return parser(text)
    except ValueError as error:
        raise click.BadParameter(f"unknown {what}: {error}") from None


def _viewer(region_code: str | None) -> User:
    """Return a national viewer, or a coordinator of one region (never stored)."""
    if not region_code:
        return User(role=Role.ADMIN, region_id=None)
    region = db.session.scalar(sa.select(Region).where(Region.code == region_code))
    if region is None:
        raise click.BadParameter(f"unknown region code '{region_code}'", param_hint="--region")
    return User(role=Role.COORDINATOR, region_id=region.id)


@reports_cli.command("indicators")
@click.option("--from", "start", callback=_date, help="First day (YYYY-MM-DD), included.")
@click.option("--to", "end", callback=_date, help="Last day (YYYY-MM-DD), included.")
@click.option(
    "--by",
    default="",
    help="Breakdowns, e.g. sex,region (region, province, "
    "institution_type, sex, course, quarter, year).",
)
@click.option("--indicators", "ids", default="", help="Indicator ids (default: all).")
@click.option("--region", default=None, help="Only this region's learners (region code).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json")
@click.option(
    "--language",
    type=click.Choice(["fr", "ar"]),
    default="fr",
    help="Language of names and labels in CSV and XLSX.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    help="File to write (default: standard output).",
)
def indicators_command(start, end, by, ids, region, fmt, language, output) -> None:
    """Print the results indicators, small groups shown as "<5"."""
    if start and end and start > end:
        raise click.BadParameter("--from is after --to")
    request = ResultsRequest(
        indicators=_parsed(parse_indicators, ids, "indicator"),
        by=_parsed(parse_breakdowns, by, "breakdown"),
        start=start,
        end=end,
    )
    with force_locale(language):
        found = results(_viewer(region), request)
        for result in found:
            if result.note and request.by and not result.cells:
                click.echo(f"{result.indicator.id}: {result.note}", err=True)
        if fmt == "json":
            _write_text(json.dumps(flat_rows(found), ensure_ascii=False, indent=1) + "\n", output)
        elif fmt == "csv":
            _write_text("".join(csv_chunks(flat_table(found, request.by, language))), output)
        else:
            handle = write_xlsx([flat_table(found, request.by, language)], rtl=language == "ar")
            with handle, click.open_file(output, "wb") as target:
                shutil.copyfileobj(handle, target)


def _write_text(text: str, output: str) -> None:
    if output == "-":
        sys.stdout.write(text)
        return
    with click.open_file(output, "w", encoding="utf-8") as target:
        target.write(text)


@reports_cli.command("check")
@click.option("--repair", is_flag=True, help="Store the counters as the live rows give them.")
@click.option("--limit", default=20, show_default=True, help="Differences printed at most.")
def check_command(repair: bool, limit: int) -> None:
    """Compare the dashboard's counters with the live rows; exit 1 when they differ (unrepaired)."""
    connection = db.session.connection()
    found = counters.differences(connection)
    for key, stored, live in found[:limit]:
        names = dict(zip(KEY_COLUMNS, key, strict=True))
        click.echo(f"{names}: stored {_values(stored)}, live {_values(live)}")
    if not found:
        click.echo("The counters match the live rows.")
        return
    click.echo(f"{len(found)} counter(s) differ from the live rows.")
    if not repair:
        db.session.rollback()
        raise SystemExit(1)
    counters.repair(connection)
    db.session.commit()
    click.echo("Repaired: the counters now match the live rows.")


def _values(values: list | None) -> dict:
    return dict(zip(COUNT_COLUMNS, values or [0] * len(COUNT_COLUMNS), strict=True))
