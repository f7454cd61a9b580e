"""flask courses validate|import: check course folders and import them into the database."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from ..audit import record
from ..content.assets import visible_files
from ..content.findings import findings_to_json, format_findings_text, has_errors
from ..content.importer import ImportRefused, import_course, plan_import, removals_with_learner_work
from ..content.validate import load_tree
from ..extensions import db
from ..models import Course
from ..models.types import MAX_ID
from .folder import course_id_problem, write_folder
from .versions import version_by_number, version_files

courses_cli = AppGroup("courses", help="Validate and import courses written in the course format.")

DIRECTORY = click.Path(exists=True, file_okay=False, path_type=Path)


def _root_and_display(directory: Path | None) -> tuple[Path, str]:
    root = directory or Path(current_app.config["COURSES_DIR"])
    if not root.is_dir():
        raise click.ClickException(f"{root} is not a folder (see COURSES_DIR)")
    shown = root.as_posix()
    if root.is_absolute() and root.resolve().is_relative_to(Path.cwd().resolve()):
        # Paths relative to where the command runs are shorter and clickable in editors.
        shown = os.path.relpath(root.resolve(), Path.cwd().resolve())
    return root, shown


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """Return the language of LC_ALL, LC_MESSAGES or LANG (the first set), if spoken, else en."""
    variables: Mapping[str, str] = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if variables.get(name):
            primary = variables[name].split(".")[0].split("_")[0].split("-")[0].lower()
            return primary if primary in FINDING_LANGUAGES else "en"
    return "en"


FINDING_LANGUAGES = ("fr", "ar", "en")


@courses_cli.command("validate")
@click.argument("directory", required=False, type=DIRECTORY)
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(FINDING_LANGUAGES),
    default=None,
    help="Language of the messages; by default that of LC_ALL, LC_MESSAGES or LANG, else en.",
)
def validate_command(directory: Path | None, output: str, language: str | None) -> None:
    """Check a course folder or a folder of courses; exit 1 when there are errors."""
    root, shown = _root_and_display(directory)
    _, findings = load_tree(root, display=shown)
    with force_locale(language or environment_language()):
        report = findings_to_json(findings) if output == "json" else format_findings_text(findings)
    click.echo(report)
    sys.exit(1 if has_errors(findings) else 0)


def _findings_report(findings: list) -> str:
    """Format findings in the language of the environment, as `validate` does by default."""
    with force_locale(environment_language()):
        return format_findings_text(findings)


@courses_cli.command("import")
@click.argument("directory", required=False, type=DIRECTORY)
@click.option("--dry-run", is_flag=True, help="Validate and tell what would change; write nothing.")
@click.option(
    "--allow-removals",
    is_flag=True,
    help="Accept removing modules or questions that learners have worked on.",
)
def import_command(directory: Path | None, dry_run: bool, allow_removals: bool) -> None:
    """Import every course of a folder as new versions; nothing at all when any error is found."""
    root, shown = _root_and_display(directory)
    courses, findings = load_tree(root, display=shown)
    if has_errors(findings):
        click.echo(_findings_report(findings), err=True)
        click.echo("nothing was imported", err=True)
        sys.exit(1)
    if findings:
        click.echo(_findings_report(findings), err=True)
    removals = [found for course in courses for found in removals_with_learner_work(course)]
    for removal in removals:
        click.echo(removal, err=True)
    if removals and not allow_removals:
        click.echo(
            "nothing was imported: past attempts are kept either way; "
            "run again with --allow-removals if these removals are intended",
            err=True,
        )
        sys.exit(1)
    for course in courses:
        if dry_run:
            result = plan_import(course)
            action = f"would create version {result.version_number}"
        else:
            try:
                result = import_course(course)
            except ImportRefused as refused:
                db.session.rollback()
                click.echo(_findings_report([refused.finding]), err=True)
                click.echo("nothing was imported", err=True)
                sys.exit(1)
            action = f"created version {result.version_number}"
        click.echo(f"{course.id}: {action if result.created else 'unchanged'}")
        if result.created and not dry_run:
            record("course_imported", actor=None, target=course.id, version=result.version_number)
    if not dry_run:
        db.session.commit()


@courses_cli.command("export")
@click.argument("course_id")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--version",
    "number",
    type=click.IntRange(1, MAX_ID),
    help="Version number (default: the current one).",
)
@click.option("--force", is_flag=True, help="Replace the files of an existing course folder.")
def export_command(course_id: str, directory: Path, number: int | None, force: bool) -> None:
    """Write a course version as the course folder DIRECTORY/COURSE_ID, byte for byte."""
    if course_id_problem(course_id):  # the id becomes a folder name: check it first
        raise click.ClickException(f"{course_id!r}: not a course id")
    course = db.session.get(Course, course_id)
    version = None
    if course is not None:
        version = version_by_number(course_id, number) if number else course.current_version
    if version is None:
        raise click.ClickException(f"{course_id}: no such course or version")
    target = directory / course_id
    existing = visible_files(target) if target.is_dir() else []
    if existing and not force:
        raise click.ClickException(f"{target} is not empty (--force replaces its files)")
    for file in existing:  # hidden files (.git) stay
        file.unlink()
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        hidden = any(part.startswith(".") for part in folder.relative_to(target).parts)
        if not hidden and not any(folder.iterdir()):
            folder.rmdir()
    files = version_files(version)
    write_folder(files, target)
    click.echo(f"{course_id}: version {version.number} written to {target} ({len(files)} files)")
