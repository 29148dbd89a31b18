"""``flask create-admin``."""

from __future__ import annotations

import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.extensions import db


def _accounts() -> list[Account]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Account)))


def test_create_admin_on_empty_database(runner, client):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "0123456789"])
    assert result.exit_code == 0, result.output
    assert "admin created" in result.output and "username=boss" in result.output
    [account] = _accounts()
    assert account.roles == ["member", "admin"]
    token = client.post("/api/v1/auth/token", json={"username": "boss", "password": "0123456789"})
    assert token.status_code == 200
    r = client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {token.json['access_token']}"})
    assert r.status_code == 200


def test_create_admin_in_given_unit(runner, make):
    unit = make.unit("机关工委")
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "0123456789",
                                 "--org-unit-id", str(unit.id)])
    assert result.exit_code == 0, result.output
    assert _accounts()[0].org_unit_id == unit.id


def test_create_admin_weak_password_refused(runner):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "short"])
    assert result.exit_code != 0
    assert "password" in result.output
    assert _accounts() == []


def test_create_admin_bad_username_refused(runner):
    result = runner.invoke(args=["create-admin", "--username", "b o", "--password", "0123456789"])
    assert result.exit_code != 0 and "username" in result.output


def test_create_admin_duplicate_refused(runner, make):
    make.account(username="boss")
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "0123456789"])
    assert result.exit_code != 0 and "taken" in result.output
    assert len(_accounts()) == 1


def test_create_admin_unknown_unit_refused(runner, make):
    make.root()
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "0123456789",
                                 "--org-unit-id", "999"])
    assert result.exit_code != 0 and "999" in result.output
    assert _accounts() == []
