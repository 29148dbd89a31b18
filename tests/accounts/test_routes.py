"""Accounts over HTTP: register, token, /me, account list, role grants, rate limits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_jwt_extended import create_access_token

from matchsvc import create_app
from matchsvc.extensions import db
from matchsvc.reviews.models import AuditEntry
from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD
from tests.helpers import assert_problem, field_errors


def _register(client, **body):
    return client.post("/api/v1/auth/register", json=body)


def test_register_returns_account(client, make):
    unit = make.unit("税务局工会")
    r = _register(client, username="alice", password="0123456789", org_unit_id=unit.id)
    assert r.status_code == 201, r.json
    assert r.json == {"id": r.json["id"], "username": "alice", "roles": ["member"], "org_unit_id": unit.id}
    assert isinstance(r.json["id"], int)


@pytest.mark.parametrize("username", ["abc", "a" * 64, "A.b-c_9", "0123", "..."])
def test_register_accepts_usernames(client, make, username):
    r = _register(client, username=username, password="0123456789", org_unit_id=make.root().id)
    assert r.status_code == 201, r.json


@pytest.mark.parametrize("username", ["ab", "a" * 65, "bad name", "名字abc", "a@b.c", "abc\n", "\nabc", "", "abc/", 123])
def test_register_rejects_usernames(client, make, username):
    r = _register(client, username=username, password="0123456789", org_unit_id=make.root().id)
    assert "username" in field_errors(r)


@pytest.mark.parametrize("password", ["a" * 10, "0123456789", "          ", "密码密码密码密码密码", "x" * 256,
                                      "长" * 300, "y" * 10_000])
def test_register_password_of_ten_chars_needs_nothing_else(client, make, password):
    r = _register(client, username="alice", password=password, org_unit_id=make.root().id)
    assert r.status_code == 201, r.json
    login = client.post("/api/v1/auth/token", json={"username": "alice", "password": password})
    assert login.status_code == 200


@pytest.mark.parametrize("password", ["", "123456789", "密码密码密码密码密", 1234567890])
def test_register_rejects_short_passwords(client, make, password):
    r = _register(client, username="alice", password=password, org_unit_id=make.root().id)
    assert "password" in field_errors(r)


@pytest.mark.parametrize("org_unit_id", [9999, 99999999999999999, 0, -1, "1", True, None])
def test_register_unknown_or_invalid_unit_is_422(client, make, org_unit_id):
    make.root()
    r = _register(client, username="alice", password="0123456789", org_unit_id=org_unit_id)
    assert "org_unit_id" in field_errors(r)


def test_register_missing_and_unknown_fields_are_422(client, make):
    errors = field_errors(client.post("/api/v1/auth/register", json={"role": "admin"}))
    assert {"username", "password", "org_unit_id", "role"} <= set(errors)


def test_register_duplicate_is_409(client, make):
    unit = make.root()
    assert _register(client, username="alice", password="0123456789", org_unit_id=unit.id).status_code == 201
    r = _register(client, username="alice", password="9876543210", org_unit_id=unit.id)
    assert_problem(r, 409, "username_taken")


def test_register_never_returns_password(client, make):
    r = _register(client, username="alice", password="0123456789", org_unit_id=make.root().id)
    assert b"0123456789" not in r.data and "password" not in r.json


def test_token_login(client, make):
    account = make.account()
    r = client.post("/api/v1/auth/token", json={"username": account.username, "password": PASSWORD})
    assert r.status_code == 200
    assert r.json["token_type"] == "Bearer"
    assert r.json["expires_in"] >= 3600
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json['access_token']}"})
    assert me.status_code == 200 and me.json["id"] == account.id


@pytest.mark.parametrize("username,password", [("nobody", PASSWORD), ("user-of-test", "wrong password")])
def test_token_bad_credentials_401(client, make, username, password):
    make.account(username="user-of-test")
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    body = assert_problem(r, 401, "bad_credentials")
    assert body["detail"] == "用户名或密码错误。"
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password},
                    headers={"Accept-Language": "en"})
    assert assert_problem(r, 401, "bad_credentials")["detail"] == "Wrong username or password."


def test_token_missing_fields_422(client):
    assert {"username", "password"} <= set(field_errors(client.post("/api/v1/auth/token", json={})))


@pytest.mark.parametrize("minutes,status", [(59, 200), (24 * 60, 401)])
def test_token_valid_for_an_hour(client, make, monkeypatch, minutes, status):
    """The token decoder's clock is moved forward (PyJWT reads ``datetime.now``)."""
    import jwt.api_jwt
    from datetime import datetime, timedelta

    account = make.account()
    token = client.post("/api/v1/auth/token", json={"username": account.username, "password": PASSWORD}).json
    headers = {"Authorization": f"Bearer {token['access_token']}"}

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - datetime's signature
            return datetime.now(tz) + timedelta(minutes=minutes)

    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)
    assert client.get("/api/v1/me", headers=headers).status_code == status


def test_me_without_profile(as_, make):
    account = make.account()
    r = as_(account).get("/me")
    assert r.json == {"id": account.id, "username": account.username, "roles": ["member"],
                      "org_unit_id": account.org_unit_id, "profile_id": None}


def test_me_with_profile_and_roles(as_, make):
    account = make.account("reviewer", "admin")
    profile = make.profile(account)
    r = as_(account).get("/me")
    assert r.json["profile_id"] == profile.id
    assert r.json["roles"] == ["member", "reviewer", "admin"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "bearer x.y.z"])
def test_me_without_valid_token_401(client, header):
    headers = {"Authorization": header} if header else {}
    r = client.get("/api/v1/me", headers=headers)
    assert_problem(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_me_token_of_deleted_account_401(client, make):
    account = make.account()
    token = create_access_token(identity=str(account.id))
    db.session.delete(account)
    db.session.commit()
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


@pytest.mark.parametrize("sub", ["abc", "0", "-3", "99999999999999999999"])
def test_me_token_with_odd_subject_401(client, sub):
    token = create_access_token(identity=sub)
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_me_token_signed_with_other_key_401(client, make):
    import jwt as pyjwt

    token = pyjwt.encode({"sub": str(make.account().id), "type": "access"}, "another-key-0123456789abcdef0123",
                         algorithm="HS256")
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_accounts_list_admin(as_, make):
    admin = make.account("admin", username="root-admin")
    for name in ("alice", "alina", "bob"):
        make.account(username=name)
    r = as_(admin).get("/accounts")
    assert r.status_code == 200
    assert set(r.json) == {"items", "total", "page", "per_page"}
    assert r.json["total"] == 4 and r.json["page"] == 1 and r.json["per_page"] == 20
    assert [a["username"] for a in r.json["items"]] == ["root-admin", "alice", "alina", "bob"]
    assert set(r.json["items"][0]) == {"id", "username", "roles", "org_unit_id", "disabled", "password_change_required"}
    r = as_(admin).get("/accounts?username=ali")
    assert [a["username"] for a in r.json["items"]] == ["alice", "alina"] and r.json["total"] == 2


def test_accounts_list_pages(as_, make):
    admin = make.account("admin")
    for i in range(4):
        make.account(username=f"u{i}")
    r = as_(admin).get("/accounts?page=2&per_page=2")
    assert r.json["total"] == 5 and r.json["page"] == 2 and r.json["per_page"] == 2
    assert [a["username"] for a in r.json["items"]] == ["u1", "u2"]
    assert as_(admin).get("/accounts?page=9").json["items"] == []


def test_accounts_list_per_page_above_cap_is_clamped(as_, make):
    r = as_(make.account("admin")).get("/accounts?per_page=5000")
    assert r.status_code == 200 and r.json["per_page"] == 100


@pytest.mark.parametrize("query", ["per_page=0", "page=0", "page=x", "per_page=-1", "username=" + "x" * 65])
def test_accounts_list_bad_query_422(as_, make, query):
    field_errors(as_(make.account("admin")).get(f"/accounts?{query}"))


def test_accounts_list_not_admin(as_, make):
    assert_problem(as_(make.account("reviewer", "organizer")).get("/accounts"), 403, "role_required")
    assert_problem(as_(None).get("/accounts"), 401)


def test_put_roles_grants_and_audits(as_, make):
    admin = make.account("admin")
    unit = make.unit("妇联")
    target = make.account()
    r = as_(admin).put(f"/accounts/{target.id}/roles", json={"roles": ["reviewer", "organizer"], "org_unit_id": unit.id})
    assert r.status_code == 200, r.json
    assert r.json == {"id": target.id, "username": target.username, "roles": ["member", "reviewer", "organizer"],
                      "org_unit_id": unit.id}
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "role_granted")).all()
    assert sorted(e.detail["role"] for e in entries) == ["organizer", "reviewer"]
    assert all(e.actor_id == admin.id and e.target == f"account:{target.id}" for e in entries)
    # the new role applies at once, with the token the account already holds
    assert as_(target).get("/reviews/queue").status_code == 200


def test_put_roles_revoke_applies_at_once(as_, make):
    admin = make.account("admin")
    target = make.account("reviewer")
    acting = as_(target)
    assert acting.get("/reviews/queue").status_code == 200
    r = as_(admin).put(f"/accounts/{target.id}/roles", json={"roles": [], "org_unit_id": target.org_unit_id})
    assert r.json["roles"] == ["member"]
    assert_problem(acting.get("/reviews/queue"), 403)


def test_put_roles_admin_cannot_remove_own_admin(as_, make):
    admin = make.account("admin")
    r = as_(admin).put(f"/accounts/{admin.id}/roles", json={"roles": ["member"], "org_unit_id": admin.org_unit_id})
    assert_problem(r, 409, "self_demotion")
    assert as_(admin).get("/me").json["roles"] == ["member", "admin"]


@pytest.mark.parametrize("body", [{"roles": ["king"], "org_unit_id": 1}, {"roles": "admin", "org_unit_id": 1},
                                  {"roles": ["admin"]}, {"org_unit_id": 1}, {"roles": [], "org_unit_id": 9999},
                                  {"roles": [], "org_unit_id": 1, "extra": 1}])
def test_put_roles_invalid_body_422(as_, make, body):
    admin = make.account("admin")
    field_errors(as_(admin).put(f"/accounts/{make.account().id}/roles", json=body))


@pytest.mark.parametrize("account_id", [9999, 99999999999999999])
def test_put_roles_unknown_account_404(as_, make, account_id):
    admin = make.account("admin")
    r = as_(admin).put(f"/accounts/{account_id}/roles", json={"roles": [], "org_unit_id": admin.org_unit_id})
    assert_problem(r, 404)


def test_put_roles_not_admin(as_, make):
    target = make.account()
    body = {"roles": ["admin"], "org_unit_id": target.org_unit_id}
    assert_problem(as_(make.account("reviewer")).put(f"/accounts/{target.id}/roles", json=body), 403)
    assert_problem(as_(target).put(f"/accounts/{target.id}/roles", json=body), 403)
    assert_problem(as_(None).put(f"/accounts/{target.id}/roles", json=body), 401)


@pytest.fixture
def limited_app(app):
    """A second app on the same database with rate limits on."""
    limited = create_app({**TEST_CONFIG, "RATELIMIT_ENABLED": True,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    yield limited
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def test_rate_limit_on_login(limited_app, make):
    account = make.account()
    client = limited_app.test_client()
    statuses = [client.post("/api/v1/auth/token", json={"username": account.username, "password": "wrong pass!"}
                            ).status_code for _ in range(25)]
    assert statuses[0] == 401 and statuses[-1] == 429
    r = client.post("/api/v1/auth/token", json={"username": account.username, "password": PASSWORD})
    body = assert_problem(r, 429, "rate_limited")
    assert body["detail"] == "请求过于频繁（限制：每 1 分钟 20 次），请稍后重试。"
    r = client.post("/api/v1/auth/token", json={"username": account.username, "password": PASSWORD},
                    headers={"Accept-Language": "en"})
    assert assert_problem(r, 429, "rate_limited")["detail"] == "Too many requests: 20 per 1 minute. Try again later."
    assert "Retry-After" in r.headers


def test_rate_limit_on_register(limited_app, make):
    unit = make.root()
    client = limited_app.test_client()
    statuses = [client.post("/api/v1/auth/register", json={"username": f"user{i}", "password": "0123456789",
                                                           "org_unit_id": unit.id}).status_code for i in range(65)]
    assert statuses[:60] == [201] * 60 and statuses[-1] == 429


def test_rate_limits_stay_off_in_the_app_that_switched_them_off(limited_app, client, make):
    account = make.account()
    for _ in range(30):
        r = client.post("/api/v1/auth/token", json={"username": account.username, "password": "wrong pass!"})
        assert r.status_code == 401
