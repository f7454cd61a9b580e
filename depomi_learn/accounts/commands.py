"""flask users create|import|set-password|demo: accounts from the command line."""

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..models import Province, Region, Role
from .administration import create_account_from_command_line
from .passwords import hash_password, password_problem
from .users import AccountError, UserFields, create_user, find_user_by_email, import_users_csv

users_cli = AppGroup("users", help="Create and import accounts.")

DEMO_ACCOUNTS = (
    # email, role, region code, Latin name, Arabic name
    ("admin@demo.depomi.ma", Role.ADMIN, None, "Amina Admin", "أمينة الإدارية"),
    ("national@demo.depomi.ma", Role.COORDINATOR, None, "Nadia Nationale", "نادية الوطنية"),
    ("souss@demo.depomi.ma", Role.COORDINATOR, "souss-massa", "Said Souss", "سعيد سوس"),
    ("trainer@demo.depomi.ma", Role.TRAINER, None, "Karim Formateur", "كريم المكون"),
    (
        "learner@demo.depomi.ma",
        Role.LEARNER,
        "souss-massa",
        "Fatima Zahra Alaoui",
        "فاطمة الزهراء العلوي",
    ),
    ("oriental@demo.depomi.ma", Role.LEARNER, "oriental", "Youssef Berrada", "يوسف برادة"),
)
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - development only; refused in production


def _lookup(model, code: str | None, label: str):
    if not code:
        return None
    found = db.session.scalar(sa.select(model).where(model.code == code))
    if found is None:
        raise click.BadParameter(f"unknown {label} code '{code}'")
    return found


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "name_latin", required=True, help="Name in Latin script.")
@click.option("--name-ar", "name_arabic", default="", help="Name in Arabic script.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="learner")
@click.option("--region", default=None, help="Region code, e.g. souss-massa.")
@click.option("--province", default=None, help="Province code, e.g. agadir-ida-outanane.")
@click.option("--institution", default="")
@click.option("--job-function", default="")
@click.option("--language", default="fr", type=click.Choice(["fr", "ar", "en"]))
@click.password_option(help="At least 12 characters; prompted when omitted.")
def users_create(**options: str) -> None:
    """Create one account."""
    fields = UserFields(
        email=options["email"],
        name_latin=options["name_latin"],
        name_arabic=options["name_arabic"],
        role=Role(options["role"]),
        region=_lookup(Region, options["region"], "region"),
        province=_lookup(Province, options["province"], "province"),
        institution_name=options["institution"],
        job_function=options["job_function"],
        preferred_language=options["language"],
        password=options["password"],
    )
    try:
        user = create_account_from_command_line(fields)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created {user.role.value} {user.email}")


@users_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
def users_import(csv_file: Path, dry_run: bool) -> None:
    """Create accounts from a CSV file (UTF-8; columns in the README); all rows or none."""
    try:
        text = csv_file.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{csv_file}: not UTF-8 ({error.reason} at byte {error.start})"
        ) from error
    report = import_users_csv(text, dry_run=dry_run, source=csv_file.name)
    for problem in report.errors:
        click.echo(f"{csv_file}:{problem}", err=True)
    if report.errors:
        db.session.rollback()
        click.echo(f"{len(report.errors)} errors; nothing was imported", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"dry run: {len(report.created)} accounts would be created")
        return
    db.session.commit()
    click.echo(f"{len(report.created)} accounts created")
    if report.without_password:
        click.echo(
            f"{report.without_password} without a password: set one with flask users set-password"
        )


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def users_set_password(email: str, password: str) -> None:
    """Set an account's password (and sign it out everywhere)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with email {email}")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(f"password: {problem}")
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.commit()
    click.echo(f"password set for {user.email}")


@users_cli.command("demo")
def users_demo() -> None:
    """Create demo accounts for every role (development only) and print their credentials."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo accounts are never created in production")
    for email, role, region_code, name, name_ar in DEMO_ACCOUNTS:
        if find_user_by_email(email) is None:
            region = _lookup(Region, region_code, "region")
            create_user(
                UserFields(
                    email=email,
                    name_latin=name,
                    name_arabic=name_ar,
                    role=role,
                    region=region,
                    password=DEMO_PASSWORD,
                    preferred_language="ar"
                    if role == Role.LEARNER and region_code == "oriental"
                    else "fr",
                )
            )
    db.session.commit()
    click.echo("Demo accounts (development only), password for all: " + DEMO_PASSWORD)
    for email, role, region_code, _name, _ar in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<12} {email:<28} {region_code or 'national'}")
