"""The HTTP contract of likes, passes, matches, blocks and reports."""

from __future__ import annotations

import pytest

from matchsvc.extensions import db
from matchsvc.profiles.models import ProfileStatus


def _pair(make):
    a_acc, a = make.member(gender="female", seeking_gender="male", contact={"phone": "13800000001"})
    b_acc, b = make.member(gender="male", seeking_gender="female", contact={"wechat": "wx_zhang_san"})
    return a_acc, a, b_acc, b


def test_mutual_like_reveals_both_contacts(as_, make):
    a_acc, a, b_acc, b = _pair(make)
    r = as_(a_acc).post("/me/likes", json={"profile_id": b.id})
    assert r.status_code == 201 and r.json == {"mutual": False, "match_id": None}
    assert "contact" not in as_(a_acc).get(f"/profiles/{b.id}").json
    r = as_(b_acc).post("/me/likes", json={"profile_id": a.id})
    assert r.status_code == 201 and r.json["mutual"] is True and isinstance(r.json["match_id"], int)
    mine = as_(a_acc).get("/me/matches").json["items"]
    assert len(mine) == 1 and mine[0]["source"] == "like"
    assert mine[0]["profile"]["contact"] == {"wechat": "wx_zhang_san"}
    theirs = as_(b_acc).get("/me/matches").json["items"]
    assert theirs[0]["profile"]["contact"] == {"phone": "13800000001"}
    assert as_(a_acc).get(f"/profiles/{b.id}").json["contact"] == {"wechat": "wx_zhang_san"}
    inbox = as_(a_acc).get("/me/notifications").json["items"]
    assert inbox[0]["kind"] == "match" and inbox[0]["payload"]["match_id"] == r.json["match_id"]


def test_unmatch_hides_contacts_again(as_, make):
    a_acc, a, b_acc, b = _pair(make)
    as_(a_acc).post("/me/likes", json={"profile_id": b.id})
    match_id = as_(b_acc).post("/me/likes", json={"profile_id": a.id}).json["match_id"]
    assert as_(b_acc).delete(f"/me/matches/{match_id}").status_code == 204
    assert as_(a_acc).get("/me/matches").json["items"] == []
    assert "contact" not in as_(a_acc).get(f"/profiles/{b.id}").json
    assert as_(a_acc).delete(f"/me/matches/{match_id}").status_code == 404


def test_matches_leave_out_a_partner_no_longer_shown_until_shown_again(as_, make):
    """A match whose partner paused, was suspended or was disabled does not list them (nor their
    contact): only shown profiles reach another member (DESIGN.md; API.md: a disabled account's
    profile leaves every list). The match stands, so it is back when they are shown again."""
    a_acc, a, b_acc, b = _pair(make)
    as_(a_acc).post("/me/likes", json={"profile_id": b.id})
    as_(b_acc).post("/me/likes", json={"profile_id": a.id})
    reviewer, admin = make.account("reviewer", unit=make.root()), make.account("admin", unit=make.root())

    def partners() -> list[int]:
        return [m["profile"]["id"] for m in as_(a_acc).get("/me/matches").json["items"]]

    assert partners() == [b.id]
    assert as_(b_acc).post("/me/profile/pause").status_code == 200
    assert partners() == [] and as_(a_acc).get("/me/matches").json["total"] == 0
    assert as_(b_acc).get("/me/matches").json["items"][0]["profile"]["id"] == a.id  # a paused member still sees theirs
    assert as_(b_acc).post("/me/profile/resume").status_code == 200
    assert partners() == [b.id]
    assert as_(reviewer).post(f"/profiles/{b.id}/suspend", json={"reason": "骚扰"}).status_code == 200
    assert partners() == []
    assert as_(reviewer).post(f"/profiles/{b.id}/unsuspend", json={}).status_code == 200
    assert partners() == [b.id]
    assert as_(admin).post(f"/accounts/{b_acc.id}/disable").status_code == 200
    assert partners() == []
    assert as_(admin).post(f"/accounts/{b_acc.id}/enable").status_code == 200
    assert partners() == [b.id]


def test_daily_like_limit_is_a_429_problem(app, as_, make, monkeypatch):
    monkeypatch.setitem(app.config, "DAILY_LIKE_LIMIT", 1)
    acc, _ = make.member()
    t1 = make.member(gender="male", seeking_gender="female")[1]
    t2 = make.member(gender="male", seeking_gender="female")[1]
    assert as_(acc).post("/me/likes", json={"profile_id": t1.id}).status_code == 201
    r = as_(acc).post("/me/likes", json={"profile_id": t2.id})
    assert r.status_code == 429 and r.mimetype == "application/problem+json"
    assert r.json["code"] == "daily_like_limit" and int(r.headers["Retry-After"]) > 0


def test_pass_then_block_then_report(as_, make):
    a_acc, a, b_acc, b = _pair(make)
    assert as_(a_acc).post("/me/passes", json={"profile_id": b.id}).status_code == 201
    assert as_(a_acc).post("/me/blocks", json={"profile_id": b.id}).status_code == 201
    assert as_(b_acc).get(f"/profiles/{a.id}").status_code == 404
    assert as_(a_acc).get(f"/profiles/{b.id}").status_code == 404
    assert as_(b_acc).post("/me/likes", json={"profile_id": a.id}).status_code == 404
    r = as_(a_acc).post("/reports", json={"profile_id": b.id, "reason": "言语骚扰"})
    assert r.status_code == 201 and r.json["profile_id"] == b.id


def test_reviewer_sees_reports_in_scope(as_, make):
    a_acc, a, b_acc, b = _pair(make)
    as_(a_acc).post("/reports", json={"profile_id": b.id, "reason": "资料不实"})
    reviewer = make.account("reviewer")
    r = as_(reviewer).get("/reviews/reports")
    assert r.status_code == 200 and r.json["total"] == 1
    assert set(r.json["items"][0]) >= {"id", "profile_id", "reason", "created_at"}
    assert r.json["items"][0]["status"] == "open"
    assert as_(a_acc).get("/reviews/reports").status_code == 403
    assert as_(None).get("/reviews/reports").status_code == 401


@pytest.mark.parametrize("body", [{}, {"profile_id": "x"}, {"profile_id": 0}, {"profile_id": 2**40},
                                  {"profile_id": 1, "extra": 1}, {"profile_id": True}])
def test_bad_bodies_are_422(as_, make, body):
    acc, _ = make.member()
    for path in ("/me/likes", "/me/passes", "/me/blocks"):
        r = as_(acc).post(path, json=body)
        assert r.status_code == 422 and r.json["code"] == "validation_failed", (path, r.json)


def test_unknown_profile_is_404(as_, make):
    acc, _ = make.member()
    for path in ("/me/likes", "/me/passes", "/me/blocks", "/reports"):
        r = as_(acc).post(path, json={"profile_id": 999999, "reason": "x"} if path == "/reports" else {"profile_id": 999999})
        assert r.status_code == 404, path


@pytest.mark.parametrize("standing", [{}, {"pending": True}])
def test_a_profile_never_approved_cannot_be_blocked_or_reported(as_, make, standing):
    acc, _ = make.member()
    hidden = make.profile(make.account(), **standing)
    for path, body in (("/me/blocks", {"profile_id": hidden.id}), ("/reports", {"profile_id": hidden.id, "reason": "x"})):
        r = as_(acc).post(path, json=body)
        assert r.status_code == 404 and r.json["code"] == "not_found", path  # as for an unknown id


def test_a_profile_approved_once_can_still_be_blocked_and_reported(as_, make):
    acc, _ = make.member()
    _, seen = make.member()
    seen.status = ProfileStatus.pending  # an edit sent it back to review
    db.session.commit()
    assert as_(acc).post("/me/blocks", json={"profile_id": seen.id}).status_code == 201
    assert as_(acc).post("/reports", json={"profile_id": seen.id, "reason": "骚扰"}).status_code == 201


def test_anonymous_is_401(as_):
    for path in ("/me/likes", "/me/passes", "/me/blocks", "/reports"):
        assert as_(None).post(path, json={"profile_id": 1}).status_code == 401
    assert as_(None).get("/me/matches").status_code == 401
