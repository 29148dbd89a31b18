"""Command-line jobs: ``flask --app matchsvc <command>``."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from matchsvc.accounts.cli import create_admin
    from matchsvc.core.backup import backup
    from matchsvc.events.cli import expire_invitations, send_followups
    from matchsvc.matching.cli import push_daily, rebuild_index
    from matchsvc.notifications.cli import deliver_outbox
    from matchsvc.demo.seed import seed_demo

    app.cli.add_command(create_admin)
    app.cli.add_command(backup)
    app.cli.add_command(seed_demo)
    app.cli.add_command(push_daily)
    app.cli.add_command(rebuild_index)
    app.cli.add_command(deliver_outbox)
    app.cli.add_command(expire_invitations)
    app.cli.add_command(send_followups)
