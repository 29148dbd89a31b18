"""``flask --app matchsvc deliver-outbox``: deliver the webhook outbox, once or as a sidecar loop."""

from __future__ import annotations

import logging
import time

import click
from flask.cli import with_appcontext

log = logging.getLogger(__name__)

#: Messages per pass; a full pass means more are waiting, so the loop goes again without a pause.
BATCH = 500


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _line(counts: dict[str, int]) -> str:
    return f"deliver-outbox: {counts['delivered']} delivered, {counts['failed']} failed, {counts['pending']} pending"


@click.command("deliver-outbox")
@click.option("--loop", is_flag=True, help="Keep delivering (a small sidecar process) instead of one pass.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds between passes with --loop.")
@with_appcontext
def deliver_outbox(loop: bool, interval: float) -> None:
    """Deliver the due outbox messages (the webhook) and print the counts; retries are automatic."""
    from matchsvc.extensions import db
    from matchsvc.notifications import outbox

    if not loop:
        click.echo(_line(outbox.deliver_due(limit=BATCH)))
        return
    click.echo(f"deliver-outbox: a pass every {interval:g} s; Ctrl-C to stop")
    try:
        while True:
            busy = False
            try:
                counts = outbox.deliver_due(limit=BATCH)
            except Exception:  # the database may be away for a while; the sidecar must outlive it
                db.session.rollback()
                log.exception("deliver-outbox pass failed; next pass in %g s", interval)
            else:
                moved = counts["delivered"] + counts["failed"]
                busy = moved >= BATCH
                if moved:
                    click.echo(_line(counts))
            if not busy:
                _sleep(interval)
    except KeyboardInterrupt:
        click.echo("deliver-outbox: stopped")
