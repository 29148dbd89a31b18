"""Admins disable, enable and reset accounts; members change their password and log out
(service rules first, then the HTTP contract)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.accounts import service
from matchsvc.accounts.models import RevokedToken
from matchsvc.core.clock import utcnow
from matchsvc.errors import Conflict, Forbidden, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.profiles.models import Profile
from matchsvc.reviews.models import AuditEntry
from tests.factories import PASSWORD
from tests.helpers import assert_problem, field_errors


def _actions(target: str) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target == target)
                                   .order_by(AuditEntry.id)))


def _login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- service ------------------------------------------------------------------------------------

def test_disable_then_enable_is_audited_and_idempotent(make):
    admin = make.account("admin")
    account, profile = make.member()
    service.set_disabled(actor=admin, account_id=account.id, disabled=True)
    service.set_disabled(actor=admin, account_id=account.id, disabled=True)
    assert account.disabled and account.disabled_at is not None
    service.set_disabled(actor=admin, account_id=account.id, disabled=False)
    assert not account.disabled
    assert _actions(f"account:{account.id}") == ["account_disabled", "account_enabled"]


def test_disabled_account_profile_is_not_matchable_in_python_and_sql(make):
    admin = make.account("admin")
    account, profile = make.member()
    assert profile.is_matchable
    service.set_disabled(actor=admin, account_id=account.id, disabled=True)
    db.session.commit()
    assert not profile.is_matchable
    assert db.session.scalar(sa.select(Profile.id).where(Profile.is_matchable)) is None
    service.set_disabled(actor=admin, account_id=account.id, disabled=False)
    db.session.commit()
    assert db.session.scalar(sa.select(Profile.id).where(Profile.is_matchable)) == profile.id


def test_admin_cannot_disable_self(make):
    admin = make.account("admin")
    with pytest.raises(Conflict) as exc:
        service.set_disabled(actor=admin, account_id=admin.id, disabled=True)
    assert exc.value.code == "self_disable"


def test_disable_unknown_account_is_not_found(make):
    with pytest.raises(NotFound):
        service.set_disabled(actor=make.account("admin"), account_id=999999, disabled=True)


def test_disabled_account_cannot_authenticate(make):
    admin = make.account("admin")
    account = make.account()
    service.set_disabled(actor=admin, account_id=account.id, disabled=True)
    with pytest.raises(Exception) as exc:
        service.authenticate(username=account.username, password=PASSWORD)
    assert exc.value.code == "account_disabled"
    with pytest.raises(Exception) as exc:  # a wrong password says nothing about the state
        service.authenticate(username=account.username, password="not the password")
    assert exc.value.code == "bad_credentials"


def test_reset_password_gives_a_working_one_time_password(make):
    admin = make.account("admin")
    account = make.account()
    result = service.reset_password(actor=admin, account_id=account.id)
    one_time = result["one_time_password"]
    assert len(one_time) >= 10 and account.has_one_time_password
    assert service.authenticate(username=account.username, password=one_time) is account
    with pytest.raises(Exception):
        service.authenticate(username=account.username, password=PASSWORD)
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "password_reset")).all()
    assert len(entries) == 1 and one_time not in str(entries[0].detail)


def test_one_time_password_blocks_everything_but_the_change(make):
    account = make.account()
    account.has_one_time_password = True
    with pytest.raises(Forbidden) as exc:
        service.require_usable(account)
    assert exc.value.code == "password_change_required"
    service.require_usable(account, changing_password=True)


def test_change_password_checks_the_old_one(make):
    account = make.account()
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(actor=account, old_password="wrong one!!", new_password="a new password")
    assert "old_password" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(actor=account, old_password=PASSWORD, new_password=PASSWORD)
    assert "new_password" in exc.value.errors
    service.change_password(actor=account, old_password=PASSWORD, new_password="a new password")
    assert service.authenticate(username=account.username, password="a new password") is account
    assert _actions(f"account:{account.id}") == ["password_changed"]


def test_change_password_ends_the_one_time_password(make):
    account = make.account()
    one_time = service.reset_password(actor=make.account("admin"), account_id=account.id)["one_time_password"]
    service.change_password(actor=account, old_password=one_time, new_password="my own password")
    assert not account.has_one_time_password


def test_revoke_token_is_stored_and_expired_rows_dropped(make):
    from datetime import timedelta

    account = make.account()
    db.session.add(RevokedToken(jti="old", account_id=account.id, expires_at=utcnow() - timedelta(seconds=1)))
    db.session.flush()
    service.revoke_token(actor=account, jti="abc", expires_at=utcnow() + timedelta(hours=1))
    service.revoke_token(actor=account, jti="abc", expires_at=utcnow() + timedelta(hours=1))
    db.session.commit()
    assert service.is_revoked("abc")
    assert not service.is_revoked("old") and not service.is_revoked("other")
    assert service.is_revoked(None)


# -- HTTP ---------------------------------------------------------------------------------------

def test_logout_revokes_the_token_and_only_that_one(client, make):
    account = make.account()
    first = _login(client, account.username).json["access_token"]
    second = _login(client, account.username).json["access_token"]
    assert client.post("/api/v1/auth/logout", headers=_bearer(first)).status_code == 204
    assert_problem(client.get("/api/v1/me", headers=_bearer(first)), 401)
    assert_problem(client.post("/api/v1/auth/logout", headers=_bearer(first)), 401)
    assert client.get("/api/v1/me", headers=_bearer(second)).status_code == 200


def test_logout_holds_in_another_app_after_restart(app, client, make):
    """Another app on the same database (another worker, or after a restart) refuses it too."""
    from matchsvc import create_app
    from tests.conftest import TEST_CONFIG

    account = make.account()
    token = _login(client, account.username).json["access_token"]
    assert client.post("/api/v1/auth/logout", headers=_bearer(token)).status_code == 204
    other = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with other.app_context():
        r = other.test_client().get("/api/v1/me", headers=_bearer(token))
        db.session.remove()
        db.engine.dispose()
    assert_problem(r, 401)


def test_logout_needs_a_token(client):
    assert_problem(client.post("/api/v1/auth/logout"), 401)


def test_change_password_over_http(client, make):
    account = make.account()
    token = _login(client, account.username).json["access_token"]
    r = client.post("/api/v1/me/password", headers=_bearer(token),
                    json={"old_password": "wrong password", "new_password": "0123456789"})
    assert "old_password" in field_errors(r)
    r = client.post("/api/v1/me/password", headers=_bearer(token),
                    json={"old_password": PASSWORD, "new_password": "short"})
    assert "new_password" in field_errors(r)
    assert set(field_errors(client.post("/api/v1/me/password", headers=_bearer(token), json={}))) == {
        "old_password", "new_password"}
    r = client.post("/api/v1/me/password", headers=_bearer(token),
                    json={"old_password": PASSWORD, "new_password": "0123456789"})
    assert r.status_code == 204 and r.data == b""
    assert_problem(_login(client, account.username), 401)
    assert _login(client, account.username, "0123456789").status_code == 200


def test_disable_over_http_locks_the_member_out(client, as_, make):
    admin = make.account("admin")
    account, profile = make.member()
    token = _login(client, account.username).json["access_token"]
    r = as_(admin).post(f"/accounts/{account.id}/disable")
    assert r.status_code == 200 and r.json["disabled"] is True and r.json["id"] == account.id
    assert_problem(client.get("/api/v1/me", headers=_bearer(token)), 401)
    assert_problem(_login(client, account.username), 401, "account_disabled")
    listed = as_(admin).get(f"/accounts?username={account.username}").json["items"]
    assert listed[0]["disabled"] is True
    r = as_(admin).post(f"/accounts/{account.id}/enable")
    assert r.status_code == 200 and r.json["disabled"] is False
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200


def test_disabled_profile_leaves_recommendations_and_search(as_, make):
    admin = make.account("admin")
    viewer, _ = make.member(gender="male", seeking_gender="female")
    account, profile = make.member(gender="female", seeking_gender="male")
    ids = lambda r: [i["profile"]["id"] if "profile" in i else i["id"] for i in r.json["items"]]  # noqa: E731
    assert profile.id in ids(as_(viewer).get("/me/recommendations"))
    assert profile.id in ids(as_(viewer).get("/profiles"))
    assert as_(admin).post(f"/accounts/{account.id}/disable").status_code == 200
    assert profile.id not in ids(as_(viewer).get("/me/recommendations"))
    assert profile.id not in ids(as_(viewer).get("/profiles"))
    assert_problem(as_(viewer).get(f"/profiles/{profile.id}"), 404)
    assert as_(admin).post(f"/accounts/{account.id}/enable").status_code == 200
    assert profile.id in ids(as_(viewer).get("/me/recommendations"))


def test_reset_password_over_http(client, as_, make):
    admin = make.account("admin")
    account = make.account()
    old_token = _login(client, account.username).json["access_token"]
    r = as_(admin).post(f"/accounts/{account.id}/reset-password")
    assert r.status_code == 200 and set(r.json) == {"one_time_password"}
    one_time = r.json["one_time_password"]
    token = _login(client, account.username, one_time).json["access_token"]
    for headers in (_bearer(token), _bearer(old_token)):
        assert_problem(client.get("/api/v1/me", headers=headers), 403, "password_change_required")
        assert_problem(client.get("/api/v1/me/notifications", headers=headers), 403, "password_change_required")
        assert_problem(client.put("/api/v1/me/profile", headers=headers, json={}), 403,
                       "password_change_required")
    r = client.post("/api/v1/me/password", headers=_bearer(token),
                    json={"old_password": one_time, "new_password": "my new password"})
    assert r.status_code == 204
    me = client.get("/api/v1/me", headers=_bearer(token))
    assert me.status_code == 200 and me.json["id"] == account.id


def test_admin_endpoints_unknown_account_404(as_, make):
    admin = make.account("admin")
    for action in ("disable", "enable", "reset-password"):
        assert_problem(as_(admin).post(f"/accounts/999999/{action}"), 404)


def test_admin_cannot_disable_self_over_http(as_, make):
    admin = make.account("admin")
    assert_problem(as_(admin).post(f"/accounts/{admin.id}/disable"), 409, "self_disable")

