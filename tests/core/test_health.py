"""Liveness and readiness probes."""

from __future__ import annotations

import sqlalchemy as sa

from matchsvc.extensions import db
from tests.helpers import assert_problem


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json["status"] == "ok"


def test_readyz(client):
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json["status"] == "ok"
    assert r.json["checks"]["database"] == "ok"


def test_readyz_database_down_503(client, monkeypatch):
    def down(*_args, **_kw):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    body = assert_problem(client.get("/readyz"), 503, "database_unavailable")
    assert "refused" not in body["detail"]


def test_probes_sit_at_the_root(client):
    assert_problem(client.get("/api/v1/healthz"), 404)


def test_readyz_builds_and_reports_the_index(client, make):
    make.member()
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json["checks"]["index"]["profiles"] == 1


def test_a_webhook_without_its_own_secret_refuses_to_start():
    import pytest

    from matchsvc import create_app

    with pytest.raises(RuntimeError, match="WEBHOOK_SECRET"):
        create_app({"WEBHOOK_URL": "http://127.0.0.1:9/hook", "WEBHOOK_SECRET": None,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
