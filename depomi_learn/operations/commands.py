"""flask regions load and flask demo populate: reference data, and a synthetic population so the
dashboards can be seen full."""

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .demo import DemoError, populate
from .regions import load_reference_regions

regions_cli = AppGroup("regions", help="Reference data of regions and provinces.")
demo_cli = AppGroup("demo", help="Synthetic demonstration data (never in production).")


@demo_cli.command("populate")
@click.option("--learners", type=click.IntRange(1, 1_000_000), default=1000, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True, help="Same seed, same people.")
def demo_populate(learners: int, seed: int) -> None:
    """Add synthetic learners with enrolments, progress, attempts, certificates, assignments
    and past sessions of the blended courses (attendance, pre- and post-tests, evaluations)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data is never created in production")
    try:
        counts = populate(learners, seed=seed)
    except DemoError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"{counts.learners} learners, {counts.enrolments} enrolments, "
        f"{counts.progress} module progress rows, {counts.attempts} quiz attempts, "
        f"{counts.certificates} certificates, {counts.assignments} assignments, "
        f"{counts.sessions} sessions with {counts.registrations} registrations"
    )


@regions_cli.command("load")
def regions_load() -> None:
    """Load Morocco's 12 regions and 75 prefectures and provinces (idempotent)."""
    regions, provinces = load_reference_regions()
    db.session.commit()
    click.echo(f"{regions} regions, {provinces} prefectures and provinces")
