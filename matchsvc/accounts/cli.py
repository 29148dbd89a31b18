"""``flask --app matchsvc create-admin``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from matchsvc.accounts import service
from matchsvc.errors import DomainError
from matchsvc.extensions import db


@click.command("create-admin")
@click.option("--username", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--org-unit-id", type=int, default=None, help="Unit of the admin (default: the root unit, created if none).")
@with_appcontext
def create_admin(username: str, password: str, org_unit_id: int | None) -> None:
    """Create an admin account."""
    from matchsvc.accounts.schemas import RegisterSchema

    errors = RegisterSchema().validate({"username": username, "password": password, "org_unit_id": org_unit_id or 1})
    if errors:
        raise click.ClickException("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
    try:
        account = service.create_admin(username=username, password=password, org_unit_id=org_unit_id)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail) from None
    db.session.commit()
    click.echo(f"admin created: id={account.id} username={account.username} org_unit_id={account.org_unit_id}")
