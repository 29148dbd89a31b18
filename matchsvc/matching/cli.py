"""``flask --app matchsvc push-daily`` and ``rebuild-index``."""

from __future__ import annotations

import time
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("push-daily")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to push for (default: today, UTC).")
@with_appcontext
def push_daily(on: date | None) -> None:
    """Write today's picks for every approved member and notify them (idempotent per date)."""
    from matchsvc.core import jobs
    from matchsvc.core.clock import local_text, today, utcnow
    from matchsvc.extensions import db
    from matchsvc.matching import push

    started, started_at = time.perf_counter(), utcnow()
    day = on.date() if on else today()
    stats = push.push_daily(on=day, progress=True)
    jobs.record(name="push-daily", started_at=started_at, started=started, items=stats["picks"])
    db.session.commit()
    click.echo(f"push-daily {day.isoformat()} (UTC day), done {local_text(utcnow())} "
               f"{current_app.config['TIMEZONE']}: {stats['members']} members, {stats['picks']} picks, "
               f"{stats['notified']} notified, {stats['skipped']} skipped, {stats['purged']} old picks deleted, "
               f"{time.perf_counter() - started:.1f} s")


@click.command("rebuild-index")
@with_appcontext
def rebuild_index() -> None:
    """Build the matching index now and report its size (workers rebuild their own lazily)."""
    from matchsvc.matching import index

    started = time.perf_counter()
    index.reset()
    idx = index.get()
    click.echo(f"index: {idx.size} profiles, {idx.X.shape[1]} dims, {time.perf_counter() - started:.1f} s")
