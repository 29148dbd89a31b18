"""The migrations build exactly the models' schema, and walk down to nothing and up again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from matchsvc import create_app
from matchsvc.extensions import db
from tests.conftest import TEST_CONFIG


def _diffs() -> list[Any]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, db.metadata)


def test_session_schema_matches_the_models(app):
    """The session database (SQLite or PostgreSQL) was built by the migrations."""
    assert _diffs() == []


@pytest.fixture
def scratch_app(app: Flask, tmp_path: Any) -> Iterator[Flask]:
    """An app on its own throwaway SQLite file, so walking the migrations disturbs nothing else."""
    scratch = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrations.db'}"})
    with scratch.app_context():
        yield scratch
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_downgrade_upgrade(scratch_app):
    from flask_migrate import downgrade, upgrade

    upgrade()
    built = _tables()
    assert {t.name for t in db.metadata.sorted_tables} <= built
    assert _diffs() == []

    downgrade(revision="base")
    assert _tables() <= {"alembic_version"}

    upgrade()
    assert _tables() == built
    assert _diffs() == []


def test_every_revision_downgrades_one_step(scratch_app):
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    config = scratch_app.extensions["migrate"].migrate.get_config()
    revisions = list(ScriptDirectory.from_config(config).walk_revisions())  # head first
    upgrade()
    for revision in revisions:
        downgrade(revision=revision.down_revision or "base")
    assert _tables() <= {"alembic_version"}


def test_migration_files_follow_the_naming_rule():
    from pathlib import Path
    import re

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    for name in names:
        assert re.fullmatch(r"\d{8}_\d{4}_[0-9a-f]{12}_[a-z0-9_]+\.py", name), name
