"""``flask --app matchsvc expire-invitations`` and ``send-followups``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("expire-invitations")
@with_appcontext
def expire_invitations() -> None:
    """Expire unanswered invitations and offer their seats again (run it every few minutes)."""
    from matchsvc.events import service

    click.echo(f"expire-invitations: {service.settle_due()} events settled")


@click.command("send-followups")
@with_appcontext
def send_followups() -> None:
    """Ask members matched at an event FOLLOWUP_DAYS ago whether they met (idempotent)."""
    from matchsvc.events import service

    click.echo(f"send-followups: {service.send_followups()} members asked")
