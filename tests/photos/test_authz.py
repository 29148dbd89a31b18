"""Who may see a photo file and use each photo endpoint: each case × each role, with the exact
status (401 no token, 403 a reviewer out of scope deciding, 404 wherever a photo must not leak)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers import assert_problem
from tests.photos import images
from tests.photos.conftest import upload

ROLES = ("anonymous", "owner", "approved", "unapproved", "blocked", "reviewer_in", "reviewer_out", "admin")


@dataclass
class World:
    accounts: dict[str, Any]
    photos: dict[str, dict[str, Any]]


def _photo(as_: Any, account: Any, seed: int) -> dict[str, Any]:
    r = upload(as_(account), images.jpeg(seed=seed))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


@pytest.fixture
def world(as_, make) -> World:
    """Unit A and its sibling B. The owner (approved, in A) has an approved and a pending photo;
    other targets in A: a pending profile, a paused one, one that blocked the caller, and a
    withdrawn one (each with an approved photo)."""
    root = make.root()
    a, b = make.unit("甲单位", root), make.unit("乙单位", root)
    reviewer = make.account("reviewer", unit=root)
    owner, _ = make.member(unit=a, gender="female", seeking_gender="male")
    approved_caller, _ = make.member(unit=a, gender="male", seeking_gender="female")
    blocked_caller, blocked_caller_profile = make.member(unit=a, gender="male", seeking_gender="female")

    def approved_photo(account: Any, seed: int) -> dict[str, Any]:
        photo = _photo(as_, account, seed)
        assert as_(reviewer).post(f"/photos/{photo['id']}/review", json={"decision": "approve"}).status_code == 200
        return photo

    photos = {"approved": approved_photo(owner, 1), "pending": _photo(as_, owner, 2)}
    for name, state in (("of_pending_profile", {"approved": False, "pending": True}),
                        ("of_paused_profile", {}), ("of_blocker", {}), ("of_withdrawn", {})):
        account, profile = make.member(unit=a, gender="female", seeking_gender="male", **state)
        photos[name] = approved_photo(account, 10 + len(photos))
        if name == "of_paused_profile":
            assert as_(account).post("/me/profile/pause").status_code == 200
        if name == "of_blocker":
            assert as_(account).post("/me/blocks", json={"profile_id": blocked_caller_profile.id}).status_code == 201
        if name == "of_withdrawn":
            assert as_(account).delete("/me/profile").status_code == 204
        if name == "of_pending_profile":  # back to pending after its photo was approved
            from matchsvc.extensions import db
            from matchsvc.profiles.models import ProfileStatus

            profile.status = ProfileStatus.pending
            db.session.commit()
    accounts = {
        "anonymous": None,
        "owner": owner,
        "approved": approved_caller,
        "unapproved": make.profile(make.account(unit=a), pending=True).account,
        "blocked": blocked_caller,
        "reviewer_in": make.account("reviewer", unit=a),
        "reviewer_out": make.account("reviewer", unit=b),
        "admin": make.account("admin", unit=root),
    }
    return World(accounts, photos)


def expect(**statuses: int) -> dict[str, int]:
    """404 for every role not named (a photo that must not leak), 401 without a token."""
    return {role: statuses.get(role, 404) for role in ROLES} | {"anonymous": statuses.get("anonymous", 401)}


FILES = [
    ("approved", expect(owner=200, approved=200, blocked=200, reviewer_in=200)),
    ("pending", expect(owner=200, reviewer_in=200)),
    ("of_pending_profile", expect(reviewer_in=200)),
    ("of_paused_profile", expect(reviewer_in=200)),
    ("of_blocker", expect(owner=200, approved=200, reviewer_in=200)),  # the blocked caller: 404
    ("of_withdrawn", expect()),
]
CASES = [pytest.param(photo, thumb, role, expected[role], id=f"{photo}{'-thumb' if thumb else ''} as {role}")
         for photo, expected in FILES for thumb in (False, True) for role in ROLES]


@pytest.mark.parametrize("photo,thumb,role,status", CASES)
def test_photo_file_access(as_, world, photo, thumb, role, status):
    body = world.photos[photo]
    r = as_(world.accounts[role]).get(body["thumb_url" if thumb else "url"])
    if status == 200:
        assert r.status_code == 200 and r.mimetype == "image/jpeg", r.status_code
        assert r.headers["Cache-Control"].startswith("private")
    else:
        assert_problem(r, status)


ENDPOINTS = [
    ("GET", "/me/profile/photos", None, expect(owner=200, approved=200, unapproved=200, blocked=200,
                                               reviewer_in=404, reviewer_out=404, admin=404)),
    ("DELETE", "/me/profile/photos/{pending}", None, expect(owner=204)),
    ("PUT", "/me/profile/photos/order", lambda w: {"ids": [w.photos["pending"]["id"], w.photos["approved"]["id"]]},
     expect(owner=200, approved=422, unapproved=422, blocked=422)),
    ("GET", "/reviews/photos", None, expect(reviewer_in=200, reviewer_out=200, owner=403, approved=403,
                                            unapproved=403, blocked=403, admin=403)),
    ("POST", "/photos/{pending}/review", lambda w: {"decision": "approve"},
     expect(reviewer_in=200, reviewer_out=403, owner=403, approved=403, unapproved=403, blocked=403, admin=403)),
    ("POST", "/photos/{approved}/review", lambda w: {"decision": "approve"},
     expect(reviewer_in=409, reviewer_out=403, owner=403, approved=403, unapproved=403, blocked=403, admin=403)),
]
ENDPOINT_CASES = [pytest.param(method, path, body, role, expected[role], id=f"{method} {path} as {role}")
                  for method, path, body, expected in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize("method,path,body,role,status", ENDPOINT_CASES)
def test_photo_endpoints(as_, world, method, path, body, role, status):
    url = path.format(pending=world.photos["pending"]["id"], approved=world.photos["approved"]["id"])
    kwargs = {"json": body(world)} if body else {}
    r = as_(world.accounts[role]).open(method, url, **kwargs)
    if status >= 400:
        assert_problem(r, status)
    else:
        assert r.status_code == status, (r.status_code, r.get_json())
