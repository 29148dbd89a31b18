"""Accounts: registration, password login, tokens, role grants (no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_jwt_extended import decode_token

from matchsvc.accounts import service
from matchsvc.accounts.models import Account, Role, RoleGrant
from matchsvc.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from matchsvc.extensions import db
from matchsvc.reviews.models import AuditEntry
from tests.factories import PASSWORD


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def test_register_creates_member_with_hashed_password(make):
    unit = make.root()
    account = service.register(username="alice", password="0123456789", org_unit_id=unit.id)
    assert account.id is not None
    assert account.roles == ["member"]
    assert account.password_hash.startswith("$argon2id$")
    assert "0123456789" not in account.password_hash


def test_register_unknown_unit_is_validation_failed(make):
    make.root()
    with pytest.raises(ValidationFailed) as exc:
        service.register(username="alice", password="0123456789", org_unit_id=9999)
    assert exc.value.errors == {"org_unit_id": ["Unknown org unit."]}


def test_register_duplicate_username_is_conflict(make):
    unit = make.root()
    service.register(username="alice", password="0123456789", org_unit_id=unit.id)
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        service.register(username="alice", password="another-password", org_unit_id=unit.id)
    assert exc.value.code == "username_taken"


def test_authenticate_right_password_returns_account(make):
    account = make.account()
    assert service.authenticate(username=account.username, password=PASSWORD).id == account.id


@pytest.mark.parametrize("username,password", [("user-x", PASSWORD), (None, "wrong password!")])
def test_authenticate_wrong_credentials_unauthorized(make, username, password):
    account = make.account()
    with pytest.raises(Unauthorized) as exc:
        service.authenticate(username=username or account.username, password=password)
    assert exc.value.code == "bad_credentials"


def test_authenticate_corrupt_hash_is_unauthorized_not_error(make):
    account = make.account(password_hash="not-a-hash")
    with pytest.raises(Unauthorized):
        service.authenticate(username=account.username, password=PASSWORD)


def test_authenticate_rehashes_weaker_hash(make, app, monkeypatch):
    account = make.account()
    old = account.password_hash
    monkeypatch.setitem(app.config, "PASSWORD_HASH_TIME_COST", 2)
    service.authenticate(username=account.username, password=PASSWORD)
    assert account.password_hash != old
    assert "t=2" in account.password_hash


def test_issue_token_lasts_at_least_an_hour(make):
    account = make.account()
    token = service.issue_token(account)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] >= 3600
    claims = decode_token(token["access_token"])
    assert claims["sub"] == str(account.id)
    assert claims["exp"] - claims["iat"] == token["expires_in"]


def test_issue_token_follows_configured_ttl(make, app, monkeypatch):
    monkeypatch.setitem(app.config, "JWT_ACCESS_TOKEN_EXPIRES", timedelta(hours=8))
    assert service.issue_token(make.account())["expires_in"] == 8 * 3600


def test_get_account_unknown_is_not_found(make):
    with pytest.raises(NotFound):
        service.get_account(12345)


def test_list_accounts_filters_by_part_of_username(make):
    for name in ("alice", "malice", "bob", "al_x", "alyx"):
        make.account(username=name)
    names = lambda **kw: [a.username for a in db.session.scalars(service.list_accounts(**kw))]  # noqa: E731
    assert names(username="lic") == ["alice", "malice"]
    assert names(username="AL") == ["alice", "malice", "al_x", "alyx"]
    # '_' and '%' are literal characters, not wildcards
    assert names(username="al_") == ["al_x"]
    assert names(username="%") == []
    assert len(names()) == 5


def test_set_roles_grants_and_audits(make):
    admin = make.account("admin")
    unit = make.unit("纺织局工会")
    target = make.account()
    service.set_roles(actor=admin, account_id=target.id, roles=[Role.reviewer, Role.member], org_unit_id=unit.id)
    db.session.commit()
    assert target.roles == ["member", "reviewer"]
    assert target.org_unit_id == unit.id
    granted = _audit("role_granted")
    assert [(e.actor_id, e.target, e.detail["role"]) for e in granted] == [(admin.id, f"account:{target.id}", "reviewer")]
    assert granted[0].org_unit_id == unit.id
    assert [e.detail for e in _audit("unit_changed")] == [{"from": make.root().id, "to": unit.id}]


def test_set_roles_revokes_what_is_not_listed(make):
    admin = make.account("admin")
    target = make.account("reviewer", "organizer")
    service.set_roles(actor=admin, account_id=target.id, roles=[Role.organizer], org_unit_id=target.org_unit_id)
    db.session.commit()
    assert target.roles == ["member", "organizer"]
    assert [e.detail["role"] for e in _audit("role_revoked")] == ["reviewer"]
    assert _audit("role_granted") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoleGrant)
                             .where(RoleGrant.account_id == target.id)) == 1


def test_set_roles_same_roles_again_changes_nothing(make):
    admin = make.account("admin")
    target = make.account("reviewer")
    service.set_roles(actor=admin, account_id=target.id, roles=[Role.reviewer], org_unit_id=target.org_unit_id)
    assert _audit("role_granted") == [] and _audit("role_revoked") == [] and _audit("unit_changed") == []


def test_set_roles_admin_cannot_remove_own_admin(make):
    admin = make.account("admin")
    with pytest.raises(Conflict) as exc:
        service.set_roles(actor=admin, account_id=admin.id, roles=[Role.reviewer], org_unit_id=admin.org_unit_id)
    assert exc.value.code == "self_demotion"


def test_set_roles_admin_may_change_own_other_roles(make):
    admin = make.account("admin")
    service.set_roles(actor=admin, account_id=admin.id, roles=[Role.admin, Role.reviewer], org_unit_id=admin.org_unit_id)
    assert admin.roles == ["member", "reviewer", "admin"]


def test_set_roles_admin_may_demote_another_admin(make):
    admin, other = make.account("admin"), make.account("admin")
    service.set_roles(actor=admin, account_id=other.id, roles=[], org_unit_id=other.org_unit_id)
    assert other.roles == ["member"]


def test_set_roles_unknown_account_or_unit(make):
    admin = make.account("admin")
    with pytest.raises(NotFound):
        service.set_roles(actor=admin, account_id=999, roles=[], org_unit_id=admin.org_unit_id)
    with pytest.raises(ValidationFailed) as exc:
        service.set_roles(actor=admin, account_id=admin.id, roles=[Role.admin], org_unit_id=999)
    assert "org_unit_id" in exc.value.errors


def test_create_admin_makes_root_unit_when_tree_is_empty(make):
    account = service.create_admin(username="boss", password="0123456789")
    db.session.commit()
    assert account.roles == ["member", "admin"]
    assert account.org_unit_id == make.root().id
    entry = _audit("role_granted")[0]
    assert entry.actor_id is None and entry.detail["role"] == "admin"


def test_create_admin_uses_existing_root(make):
    root = make.root()
    make.unit("下级", root)
    account = service.create_admin(username="boss", password="0123456789")
    assert account.org_unit_id == root.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 1
