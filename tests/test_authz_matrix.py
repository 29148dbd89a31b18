"""Who may do what: each endpoint of API.md's Accounts, Profiles and Review sections × each role,
asserting the exact status (401 no token, 403 not allowed, 404 where existence must not leak)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from tests.factories import PASSWORD
from tests.helpers import assert_problem

ROLES = ("anonymous", "member", "approved", "reviewer_in", "reviewer_out", "organizer", "admin")


@dataclass
class World:
    accounts: dict[str, Any]
    unit_id: int
    approved_id: int
    pending_id: int
    approved_account_id: int
    login: str


@pytest.fixture
def world(make) -> World:
    """Unit A and its sibling B under the root. Targets: an approved and a pending profile in A."""
    root = make.root()
    a, b = make.unit("甲单位", root), make.unit("乙单位", root)
    approved_account, approved = make.member(unit=a, gender="male", seeking_gender="female")
    _, pending = make.member(unit=a, approved=False, pending=True)
    caller, _ = make.member(unit=a)
    accounts = {
        "anonymous": None,
        "member": make.account(unit=a),
        "approved": caller,
        "reviewer_in": make.account("reviewer", unit=a),
        "reviewer_out": make.account("reviewer", unit=b),
        "organizer": make.account("organizer", unit=a),
        "admin": make.account("admin", unit=root),
    }
    return World(accounts, a.id, approved.id, pending.id, approved_account.id, caller.username)


_names = itertools.count()


def everyone(status: int, anonymous: int | None = None) -> dict[str, int]:
    return {role: status for role in ROLES} | ({"anonymous": anonymous} if anonymous else {})


def only(allowed: dict[str, int], others: int = 403) -> dict[str, int]:
    return {role: allowed.get(role, others) for role in ROLES} | {"anonymous": allowed.get("anonymous", 401)}


Body = Callable[[World], Any]
REVIEWERS = {"reviewer_in": 200, "reviewer_out": 200}
NO_PROFILE = {"member": 404, "reviewer_in": 404, "reviewer_out": 404, "organizer": 404, "admin": 404}

MATRIX: list[tuple[str, str, Body | None, dict[str, int]]] = [
    # Accounts, roles, org units
    ("POST", "/auth/register", lambda w: {"username": f"new{next(_names)}", "password": "0123456789",
                                          "org_unit_id": w.unit_id}, everyone(201)),
    ("POST", "/auth/token", lambda w: {"username": w.login, "password": PASSWORD}, everyone(200)),
    ("GET", "/me", None, everyone(200, anonymous=401)),
    ("GET", "/org-units", None, everyone(200)),
    ("POST", "/org-units", lambda w: {"name": "新单位", "parent_id": w.unit_id}, only({"admin": 201})),
    ("GET", "/accounts", None, only({"admin": 200})),
    ("PUT", "/accounts/{approved_account_id}/roles", lambda w: {"roles": ["reviewer"], "org_unit_id": w.unit_id},
     only({"admin": 200})),
    ("PUT", "/accounts/99999/roles", lambda w: {"roles": [], "org_unit_id": w.unit_id}, only({"admin": 404})),
    # Profiles
    ("PUT", "/me/profile", lambda w: {"intro": "你好"}, everyone(200, anonymous=401)),
    ("GET", "/me/profile", None, only({"approved": 200} | NO_PROFILE)),
    ("POST", "/me/profile/submit", None, only({"approved": 409} | NO_PROFILE)),
    ("POST", "/me/profile/pause", None, only({"approved": 200} | NO_PROFILE)),
    ("POST", "/me/profile/resume", None, only({"approved": 409} | NO_PROFILE)),
    ("DELETE", "/me/profile", None, everyone(204, anonymous=401)),
    ("GET", "/me/export", None, everyone(200, anonymous=401)),
    ("GET", "/profiles/{approved_id}", None, only({"approved": 200, "reviewer_in": 200})),
    ("GET", "/profiles/{pending_id}", None, only({"approved": 404, "reviewer_in": 404, "reviewer_out": 404})),
    ("GET", "/profiles/99999", None, only({"approved": 404, "reviewer_in": 404, "reviewer_out": 404})),
    ("GET", "/consent", None, everyone(200)),
    # Review
    ("GET", "/reviews/queue", None, only(REVIEWERS)),
    ("POST", "/profiles/{pending_id}/review", lambda w: {"decision": "approve"}, only({"reviewer_in": 200})),
    ("POST", "/profiles/{approved_id}/review", lambda w: {"decision": "approve"},
     only({"reviewer_in": 409})),
    ("POST", "/profiles/99999/review", lambda w: {"decision": "approve"},
     only({"reviewer_in": 404, "reviewer_out": 404})),
    ("POST", "/profiles/{approved_id}/suspend", lambda w: {"reason": "举报属实"}, only({"reviewer_in": 200})),
    ("POST", "/profiles/99999/suspend", lambda w: {"reason": "举报属实"},
     only({"reviewer_in": 404, "reviewer_out": 404})),
    ("GET", "/reviews/reports", None, only(REVIEWERS)),
    ("GET", "/audit", None, only(REVIEWERS | {"admin": 200})),
]

CASES = [pytest.param(method, path, body, role, expected[role], id=f"{method} {path} as {role}")
         for method, path, body, expected in MATRIX for role in ROLES]


@pytest.mark.parametrize("method,path,body,role,status", CASES)
def test_authz(as_, world, method, path, body, role, status):
    url = path.format(approved_id=world.approved_id, pending_id=world.pending_id,
                      approved_account_id=world.approved_account_id)
    kwargs = {"json": body(world)} if body else {}
    r = as_(world.accounts[role]).open(method, url, **kwargs)
    if status >= 400:
        assert_problem(r, status)
    else:
        assert r.status_code == status, (r.status_code, r.get_json())
