"""``flask --app matchsvc backup PATH``: a consistent copy of a SQLite database while the service
runs, with SQLite's online backup API (a plain file copy of a live WAL database can be torn).
PostgreSQL is backed up with its own tools, ``pg_dump -Fc`` and ``pg_restore`` (README "Backup
and restore")."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext


def backup_sqlite(source: str, target: Path, *, pages: int = 1024) -> int:
    """Copy the database file ``source`` to ``target`` (written beside it, then renamed, so a
    failed copy never leaves a half file under the final name); the copy's size in bytes."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=pages)  # copies in steps; writers are not blocked for long
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise click.ClickException(f"the copy failed its integrity check: {check}")
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(partial, target)
    return target.stat().st_size


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@with_appcontext
def backup(path: Path, force: bool) -> None:
    """Copy the SQLite database to PATH while the service runs (online backup API).

    Restore: stop the service, put the copy in place of the database file (delete its -wal and
    -shm files), start it again. For PostgreSQL use pg_dump -Fc / pg_restore (README).
    """
    from matchsvc.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException("backup copies a SQLite database file; for PostgreSQL use "
                                   "pg_dump -Fc and pg_restore (README, Backup and restore)")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists (use --force to overwrite it)")
    size = backup_sqlite(url.database, path)
    click.echo(f"backup: {path} ({size:,} bytes)")
