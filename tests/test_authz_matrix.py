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


# -- issue 10: the new endpoints of members, reviewers, admins and organizers ------------------
#
# Roles beyond the ones above: a member with an approved profile in the sibling unit B
# ("member_other"), an organizer of unit B who runs another event ("organizer_other"), and the
# checked-in attendee of the running event ("attendee", an approved member of unit A).

ROLES_10 = ROLES + ("member_other", "organizer_other", "attendee")


@dataclass
class World10:
    accounts: dict[str, Any]
    ids: dict[str, int]


@pytest.fixture
def world10(make) -> World10:
    """Units A and B under the root. In A: an organizer's running event with a checked-in
    attendee and a checked-in man; an approved target, a suspended profile and an open report."""
    from datetime import timedelta

    from matchsvc.core.clock import utcnow
    from matchsvc.events.models import Signup, SignupStatus
    from matchsvc.extensions import db
    from matchsvc.interactions.models import Report
    from matchsvc.profiles.models import ProfileStatus
    from tests.factories import EventFactory

    root = make.root()
    a, b = make.unit("甲单位", root), make.unit("乙单位", root)
    organizer = make.account("organizer", unit=a)
    organizer_other = make.account("organizer", unit=b)
    attendee, attendee_profile = make.member(unit=a, gender="female", seeking_gender="male")
    _, man = make.member(unit=a, gender="male", seeking_gender="female")
    target_account, target = make.member(unit=a, gender="male", seeking_gender="female")
    _, suspended = make.member(unit=a, status=ProfileStatus.suspended)
    event = EventFactory(created_by=organizer.id, org_units=[a], signup_deadline=utcnow() - timedelta(days=1),
                         starts_at=utcnow() - timedelta(minutes=30), ends_at=utcnow() + timedelta(hours=2))
    EventFactory(created_by=organizer_other.id, org_units=[b])
    for p in (attendee_profile, man):
        db.session.add(Signup(event_id=event.id, profile_id=p.id, gender=p.gender, status=SignupStatus.confirmed,
                              confirmed_at=utcnow(), checked_in_at=utcnow()))
    report = Report(reporter_id=attendee_profile.id, profile_id=target.id, reason="骚扰", created_at=utcnow())
    db.session.add(report)
    db.session.commit()
    accounts = {
        "anonymous": None,
        "member": make.account(unit=a),
        "approved": make.member(unit=a)[0],
        "reviewer_in": make.account("reviewer", unit=a),
        "reviewer_out": make.account("reviewer", unit=b),
        "organizer": organizer,
        "admin": make.account("admin", unit=root),
        "member_other": make.member(unit=b)[0],
        "organizer_other": organizer_other,
        "attendee": attendee,
    }
    ids = {"unit_a": a.id, "unit_b": b.id, "event": event.id, "man": man.id, "target_account": target_account.id,
           "suspended": suspended.id, "report": report.id}
    return World10(accounts, ids)


def only10(allowed: dict[str, int], others: int = 403) -> dict[str, int]:
    return {role: allowed.get(role, others) for role in ROLES_10} | {"anonymous": allowed.get("anonymous", 401)}


def everyone10(status: int) -> dict[str, int]:
    return {role: status for role in ROLES_10} | {"anonymous": 401}


REVIEWERS_IN = {"reviewer_in": 200}
EVENT_ORGANIZER = {"organizer": 200}

MATRIX_10: list[tuple[str, str, Body | None, dict[str, int]]] = [
    # Accounts
    ("POST", "/auth/logout", None, only10({r: 204 for r in ROLES_10 if r != "anonymous"})),
    ("POST", "/me/password", lambda w: {"old_password": PASSWORD, "new_password": "a new password"},
     only10({r: 204 for r in ROLES_10 if r != "anonymous"})),
    ("POST", "/me/password", lambda w: {"old_password": "not the password", "new_password": "a new password"},
     only10({r: 422 for r in ROLES_10 if r != "anonymous"})),
    ("POST", "/accounts/{target_account}/disable", None, only10({"admin": 200})),
    ("POST", "/accounts/{target_account}/enable", None, only10({"admin": 200})),
    ("POST", "/accounts/{target_account}/reset-password", None, only10({"admin": 200})),
    ("POST", "/accounts/99999/disable", None, only10({"admin": 404})),
    # Members
    ("GET", "/me/events", None, everyone10(200)),
    ("GET", "/me/invitations", None, everyone10(200)),
    ("GET", "/me/notifications/unread-count", None, everyone10(200)),
    ("POST", "/me/notifications/read-all", None, everyone10(200)),
    ("GET", "/events/{event}/attendees", None, only10({"attendee": 200})),
    ("GET", "/events/99999/attendees", None, only10({r: 404 for r in ROLES_10 if r != "anonymous"})),
    # Reviewers
    ("GET", "/reviews/queue?org_unit_id={unit_a}", None, only10(REVIEWERS_IN)),
    ("GET", "/reviews/queue?org_unit_id={unit_b}", None, only10({"reviewer_out": 200})),
    ("GET", "/reviews/profiles", None, only10({"reviewer_in": 200, "reviewer_out": 200})),
    ("GET", "/reviews/profiles?status=suspended&org_unit_id={unit_a}", None, only10(REVIEWERS_IN)),
    ("GET", "/reviews/reports?status=resolved", None, only10({"reviewer_in": 200, "reviewer_out": 200})),
    ("POST", "/reports/{report}/resolve", lambda w: {"outcome": "warned", "note": "请遵守规则"}, only10(REVIEWERS_IN)),
    ("POST", "/reports/99999/resolve", lambda w: {"outcome": "dismissed"},
     only10({"reviewer_in": 404, "reviewer_out": 404})),
    ("POST", "/profiles/{suspended}/unsuspend", lambda w: {"note": "申诉成立"}, only10(REVIEWERS_IN)),
    ("POST", "/profiles/99999/unsuspend", lambda w: {}, only10({"reviewer_in": 404, "reviewer_out": 404})),
    # Organizers
    ("GET", "/events/{event}/signups", None, only10(EVENT_ORGANIZER)),
    ("GET", "/events/{event}/signups?q=a&format=csv", None, only10(EVENT_ORGANIZER)),
    ("GET", "/events/{event}/report?format=csv", None, only10(EVENT_ORGANIZER)),
    ("GET", "/events/99999/signups", None, only10({"organizer": 404, "organizer_other": 404})),
    ("DELETE", "/events/{event}/checkins/{man}", None, only10({"organizer": 204})),
]

CASES_10 = [pytest.param(method, path, body, role, expected[role], id=f"{method} {path} as {role}")
            for method, path, body, expected in MATRIX_10 for role in ROLES_10]


@pytest.mark.parametrize("method,path,body,role,status", CASES_10)
def test_authz_issue_10(as_, world10, method, path, body, role, status):
    url = path.format(**world10.ids)
    kwargs = {"json": body(world10)} if body else {}
    r = as_(world10.accounts[role]).open(method, url, **kwargs)
    if status >= 400:
        assert_problem(r, status)
    else:
        assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:500])
