"""Test fixtures: one app per session whose schema is built by the migrations, a clean database
per test, and helpers to act as any role.

One suite, two engines: SQLite (a file in a temp dir) by default; PostgreSQL when
TEST_DATABASE_URL is set (CI sets it to a throwaway cluster). Tests commit for real, so after each
test every table is emptied; this also lets concurrency tests use real threads and connections.

Why not an outer transaction rolled back after each test (``join_transaction_mode=
"create_savepoint"``, as STYLE.md prefers): it would not keep the tests that matter most real,
because they need rows that other connections and other processes see:
- the concurrency tests (``tests/*/test_concurrency.py``: the last seat, two likes at once, the
  daily limit under a race) run requests in real threads, each with its own connection;
- the webhook tests deliver from a background thread with its own app context and session;
- the push and index tests read the pool through ``db.session.connection()`` outside the ORM;
- the process tests run a real ``flask push-daily`` (killed mid-run, ``tests/matching/
  test_push_resume.py``), a real gunicorn (``tests/core/test_outage.py``, the login limits across
  workers) or Chromium against a live server (``tests/web``), all reading what the test wrote.
Under rollback isolation each of those would fall back to emptying the tables anyway, and the
factories (which commit, as the routes do) would have to flush instead. So the suite keeps one
rule for every test: commit for real, empty every table afterwards (issue 9, point 9: decided).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from matchsvc import create_app
from matchsvc.extensions import db

from tests import factories
from matchsvc.matching import index as pool_index
from matchsvc.matching import service as matching_service

# Each worker's index remembers ids it has seen; every test starts from an empty database.
factories.RESETS.append(pool_index.reset)
factories.RESETS.append(matching_service.forget_rankings)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789abcdef",
    "JWT_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789abcdef",
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 64,
    "WEBHOOK_URL": None,
}


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = _database_url(tmp_path_factory)
    application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with application.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _reset_schema() -> None:
    """Start from nothing, so the migrations build every table (they are tested too)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        meta = sa.MetaData()
        meta.reflect(bind=engine)
        with engine.begin() as conn:
            conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
            meta.drop_all(bind=conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    # The pragma above stays on a pooled connection; start again with fresh ones.
    engine.dispose()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(sa.text("PRAGMA defer_foreign_keys=ON"))  # org_units refers to itself
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))
            conn.execute(sa.text("DELETE FROM sqlite_sequence"))


@pytest.fixture(autouse=True)
def _ctx(app: Flask) -> Iterator[None]:
    """An app context per test, and empty tables after it."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        _empty_tables()
        for reset in factories.RESETS:
            reset()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make(app: Flask) -> factories.Maker:
    """Build rows in a given state: ``make.account(role=...)``, ``make.profile(approved=True)``..."""
    return factories.Maker()


@pytest.fixture
def as_(client: FlaskClient) -> factories.ActingClient:
    """``as_(account).get(url)``: the test client with that account's bearer token."""
    return factories.ActingClient(client)


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()
