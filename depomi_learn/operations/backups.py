"""Consistent online backups and restores: `flask db backup PATH`, `flask db restore PATH`.

SQLite is copied with its online backup API in one step, which reads one consistent snapshot
while the application keeps writing (WAL); the copy is checked with PRAGMA integrity_check and
renamed into place only when sound. PostgreSQL is dumped with pg_dump (custom format, one
consistent snapshot) and restored with pg_restore; the password goes through the environment,
never the command line.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tempfile
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def _sqlite_file(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:" or "mode=memory" in str(url):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def integrity_problems(path: Path) -> list[str]:
    """Return what PRAGMA integrity_check finds wrong in the SQLite file (empty when sound)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()
    return [row[0] for row in rows if row[0] != "ok"]


def _sqlite_copy(source: Path, destination: Path) -> None:
    """Copy `source` into a temporary file next to `destination`, check it, then rename it."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".backup-", dir=destination.parent)
    os.close(handle)
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst)  # pages=-1: the whole database from one read transaction
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
            src.close()
        problems = integrity_problems(Path(temporary))
        if problems:
            raise BackupError("the copy failed its integrity check: " + "; ".join(problems[:5]))
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _pg_tool(name: str) -> str:
    folder = current_app.config.get("PG_BIN_DIR") or ""
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(f"{name} is not installed (apt install postgresql-client)")
    return found


def _pg_connection(url: sa.URL) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _run(command: list[str], env: dict[str, str], stdout: int | None = None) -> None:
    # The command is an absolute path and arguments we build, never a shell string.
    result = subprocess.run(  # noqa: S603  # nosec B603
        command,
        env=env,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


def _pg_dump(url: sa.URL, destination: Path) -> None:
    """Dump into a file created 0600 next to `destination` (it holds every password hash and
    personal detail), then rename it into place."""
    args, env = _pg_connection(url)
    command = [_pg_tool("pg_dump"), "--format=custom", *args]
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".backup-", dir=destination.parent)  # mode 0600
    try:
        try:
            _run(command, env, stdout=handle)
        finally:
            os.close(handle)
        os.replace(partial, destination)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def backup(url: sa.URL, destination: Path) -> None:
    """Write a consistent copy of the database at `url` to `destination`."""
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_file(url), destination)
    elif url.get_backend_name() == "postgresql":
        _pg_dump(url, destination)
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(url: sa.URL, source: Path) -> None:
    """Replace the database at `url` with the backup in `source`."""
    if url.get_backend_name() == "sqlite":
        problems = integrity_problems(source)
        if problems:
            raise BackupError("the backup failed its integrity check: " + "; ".join(problems[:5]))
        src = sqlite3.connect(source)
        dst = sqlite3.connect(_sqlite_file(url))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_connection(url)
        command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
        _run([*command, "--single-transaction", *args, str(source)], env)
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent backup of the database to PATH (the app may keep running)."""
    try:
        backup(db.engine.url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup in PATH (stop the app servers first)."""
    url = db.engine.url
    target = url.database if url.get_backend_name() == "sqlite" else url.render_as_string()
    if not yes:
        click.confirm(f"Replace every row of {target} with {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old pages
    try:
        restore(url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored {path}")
