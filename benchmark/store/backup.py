"""``flask backup create PATH`` and ``flask backup restore PATH``: the whole database, one file.

* **SQLite**: SQLite's online backup API (``sqlite3.Connection.backup``) copies the live
  database page by page while the app keeps running, into a single self-contained file;
  restoring backs that file up *into* the live database the same way.
* **PostgreSQL**: ``pg_dump -Fc`` (custom format) and ``pg_restore --clean --if-exists
  --no-owner --single-transaction`` with the app's connection URL (the password goes in
  ``PGPASSWORD``, never on the command line).  The tools are looked up in ``PATH``, then in
  ``/usr/lib/postgresql/*/bin`` (newest first); they must not be older than the server.

A backup holds every answer, every staff e-mail address and password hash: it is written
readable by its owner only (mode 0600).  A restore refuses a file of the other kind.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import URL

from benchmark.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: Tables every backup of this app has (checked before a SQLite restore).
REQUIRED_TABLES = ("alembic_version", "assessment", "answer")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


# --------------------------------------------------------------------------- the commands


@click.group(cls=AppGroup)
def backup() -> None:
    """Back up the whole database to one file, or restore it from one."""


@backup.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def create_command(path: Path, force: bool) -> None:
    """Write a backup of the live database to PATH (SQLite file, or pg_dump custom archive)."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists: choose another name or add --force to overwrite it")
    try:
        kind = create_backup(db.engine.url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the {kind} database to {path} ({path.stat().st_size} bytes).")


@backup.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole live database with the backup in PATH."""
    url = db.engine.url
    try:
        check_backup_file(url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if not yes:
        click.confirm(
            f"Replace EVERY row of the {backend(url)} database with the backup {path}? "
            "Changes made since that backup are lost",
            abort=True,
        )
    try:
        restore_backup(url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the {backend(url)} database from {path}.")
    restored, head = schema_revisions()
    if restored != head:
        click.echo(
            f"The backup's schema is at revision {restored}; this version expects {head}: run `flask db upgrade`."
        )


# --------------------------------------------------------------------------- back up and restore


def backend(url: URL) -> str:
    """``"SQLite"`` or ``"PostgreSQL"`` (anything else cannot be backed up here)."""
    name = url.get_backend_name()
    if name == "sqlite":
        return "SQLite"
    if name == "postgresql":
        return "PostgreSQL"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")


def create_backup(url: URL, path: Path) -> str:
    """Back up the database at ``url`` to ``path`` (replaced atomically); return the backend name."""
    kind = backend(url)
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory.")
    partial = path.with_name(path.name + ".partial")
    _private_file(partial)
    try:
        if kind == "SQLite":
            live = sqlite_path(url)
            if live == path:
                raise BackupError("The backup cannot overwrite the live database itself.")
            _sqlite_copy(live, partial, into_live=False)
            _sqlite_check(partial)
        else:
            _run_pg("pg_dump", url, ["-Fc", "-f", str(partial)])
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return kind


def check_backup_file(url: URL, path: Path) -> None:
    """Refuse a file that is not a backup of the database's kind (or not of this app)."""
    kind = backend(url)
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    is_sqlite, is_dump = head.startswith(SQLITE_MAGIC), head.startswith(PG_DUMP_MAGIC)
    if kind == "SQLite":
        if is_dump:
            raise BackupError(f"{path} is a PostgreSQL dump, but this app's database is SQLite: nothing was restored.")
        if not is_sqlite:
            raise BackupError(f"{path} is not a SQLite database file: nothing was restored.")
        _sqlite_check(path)
    else:
        if is_sqlite:
            raise BackupError(f"{path} is a SQLite file, but this app's database is PostgreSQL: nothing was restored.")
        if not is_dump:
            raise BackupError(f"{path} is not a pg_dump custom-format archive (pg_dump -Fc): nothing was restored.")


def restore_backup(url: URL, path: Path) -> None:
    """Replace the whole database at ``url`` with the backup in ``path``."""
    check_backup_file(url, path)
    # Our own connections must not hold locks the restore waits for.
    db.session.remove()
    db.engine.dispose()
    if backend(url) == "SQLite":
        _sqlite_copy(path.resolve(), sqlite_path(url), into_live=True)
    else:
        _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)])


def schema_revisions() -> tuple[str | None, str | None]:
    """The database's Alembic revision and the revision this version of the code expects."""
    from alembic.script import ScriptDirectory

    migrate = current_app.extensions["migrate"]
    head = ScriptDirectory.from_config(migrate.migrate.get_config()).get_current_head()
    try:
        restored = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    except sa.exc.DatabaseError:
        db.session.rollback()
        restored = None
    return restored, head


# --------------------------------------------------------------------------- SQLite


def sqlite_path(url: URL) -> Path:
    """The file of a SQLite database URL (refusing an in-memory database)."""
    database = url.database or ""
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database).resolve()


def _sqlite_copy(source: Path, target: Path, into_live: bool) -> None:
    """Copy ``source`` into ``target`` with the online backup API (consistent while the app writes)."""
    timeout = int(current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000)) / 1000
    # A backup file is only read; the live database is opened normally (it may be in WAL mode).
    src = (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=timeout)
        if into_live
        else sqlite3.connect(source, timeout=timeout)
    )
    try:
        dst = sqlite3.connect(target, timeout=timeout)
        try:
            src.backup(dst)
            if not into_live:
                # One self-contained file: no -wal/-shm companion to forget.
                dst.execute("PRAGMA journal_mode = DELETE")
            dst.commit()
        finally:
            dst.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite {'restore' if into_live else 'backup'} failed: {error}") from error
    finally:
        src.close()


def _sqlite_check(path: Path) -> None:
    """Refuse a damaged SQLite file, or one that is not a database of this app."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = connection.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from error
    if status != "ok":
        raise BackupError(f"{path} is damaged (PRAGMA quick_check: {status}).")
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise BackupError(f"{path} is not a backup of this app (no table {', '.join(missing)}).")


# --------------------------------------------------------------------------- PostgreSQL


def pg_tool(name: str) -> str:
    """Find ``pg_dump``/``pg_restore``: in PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found

    def version(candidate: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", candidate)
        return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if not candidates:
        raise BackupError(f"{name} was not found in PATH or /usr/lib/postgresql/*/bin: install postgresql-client.")
    return candidates[-1]


def pg_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL for the tools (``postgresql+psycopg://`` → ``postgresql://``) and their environment.

    The password moves to ``PGPASSWORD`` so that it never appears in the process list.
    """
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # URL.set() ignores None, so build the URL afresh, without the password.
    plain = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database, query=url.query
    )
    return plain.render_as_string(hide_password=False), env


def _run_pg(tool: str, url: URL, arguments: list[str]) -> None:
    connection, env = pg_connection(url)
    command = [pg_tool(tool), *arguments, f"--dbname={connection}"]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError(f"{tool} could not run: {error}") from error
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def _private_file(path: Path) -> None:
    """Create (or empty) ``path`` readable and writable by its owner only."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
