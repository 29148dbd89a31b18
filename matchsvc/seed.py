"""``flask --app matchsvc seed-demo``: a realistic demo org tree and approved profiles."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("seed-demo")
@click.option("--profiles", "count", type=click.IntRange(0, 1_000_000), default=1000)
@with_appcontext
def seed_demo(count: int) -> None:
    """Fill an empty database with demo data."""
    raise click.ClickException("not written yet")
