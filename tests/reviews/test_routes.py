"""Review over HTTP: the queue, decisions, suspension, GET /audit."""

from __future__ import annotations

import pytest

from tests.helpers import COMPLETE_PROFILE, assert_problem, field_errors


def test_queue_oldest_first_with_full_profiles(as_, make, units, pending):
    _, newer = pending(units["tax"], 1)
    _, older = pending(units["tax_sub"], 60)
    pending(units["women"], 120)
    r = as_(make.account("reviewer", unit=units["tax"])).get("/reviews/queue")
    assert r.status_code == 200
    assert r.json["total"] == 2 and r.json["page"] == 1 and r.json["per_page"] == 20
    items = r.json["items"]
    assert [p["id"] for p in items] == [older.id, newer.id]
    first = items[0]
    assert first["status"] == "pending" and first["submitted_at"] and first["birth_date"] == "1996-06-01"
    assert first["display_name"] == older.display_name and first["contact"] == {"phone": "13800138000"}
    assert first["org_unit_id"] == units["tax_sub"].id and "seeking" in first
    assert items[0]["submitted_at"] < items[1]["submitted_at"]


def test_queue_pages(as_, make, units, pending):
    for i in range(3):
        pending(units["tax"], i)
    r = as_(make.account("reviewer", unit=units["tax"])).get("/reviews/queue?per_page=2&page=2")
    assert r.json["total"] == 3 and len(r.json["items"]) == 1


def test_queue_not_reviewer_403(as_, make):
    assert_problem(as_(make.account("organizer", "admin")).get("/reviews/queue"), 403)


def test_member_applies_reviewer_approves_member_sees_it(as_, make, units):
    account = make.account(unit=units["tax_sub"])
    member = as_(account)
    member.put("/me/profile", json={**COMPLETE_PROFILE, "consent": {"version": "2026-11", "accepted": True}})
    profile_id = member.post("/me/profile/submit").json["id"]
    reviewer = as_(make.account("reviewer", unit=units["tax"]))
    assert [p["id"] for p in reviewer.get("/reviews/queue").json["items"]] == [profile_id]
    r = reviewer.post(f"/profiles/{profile_id}/review", json={"decision": "approve", "note": "欢迎加入"})
    assert r.status_code == 200 and r.json["status"] == "approved" and r.json["id"] == profile_id
    assert reviewer.get("/reviews/queue").json["items"] == []
    mine = member.get("/me/profile").json
    assert mine["status"] == "approved" and mine["review_note"] == "欢迎加入" and mine["reviewed_at"]
    inbox = member.get("/me/notifications").json["items"]
    assert [(n["kind"], n["payload"]["decision"]) for n in inbox] == [("review_decided", "approve")]
    assert "欢迎加入" in inbox[0]["text"]


@pytest.mark.parametrize("decision,status", [("reject", "rejected"), ("request_changes", "changes_requested")])
def test_reject_and_request_changes(as_, make, units, decision, status, pending):
    account, profile = pending(units["tax"])
    reviewer = as_(make.account("reviewer", unit=units["tax"]))
    for body in ({"decision": decision}, {"decision": decision, "note": ""}, {"decision": decision, "note": "  "},
                 {"decision": decision, "note": None}):
        assert "note" in field_errors(reviewer.post(f"/profiles/{profile.id}/review", json=body))
    r = reviewer.post(f"/profiles/{profile.id}/review", json={"decision": decision, "note": "请上传清晰照片"})
    assert r.json["status"] == status
    member = as_(account)
    assert member.get("/me/profile").json["review_note"] == "请上传清晰照片"
    en = as_(account, **{"Accept-Language": "en"}).get("/me/notifications").json["items"][0]
    assert en["kind"] == "review_decided" and "请上传清晰照片" in en["text"]
    # the member edits and resubmits
    assert member.put("/me/profile", json={"intro": "改好了"}).json["status"] == "draft"
    assert member.post("/me/profile/submit").json["status"] == "pending"


@pytest.mark.parametrize("body", [{}, {"decision": "maybe"}, {"decision": "approve", "extra": 1},
                                  {"decision": "approve", "note": "x" * 1001}])
def test_review_invalid_body_422(as_, make, units, body, pending):
    _, profile = pending(units["tax"])
    field_errors(as_(make.account("reviewer", unit=units["tax"])).post(f"/profiles/{profile.id}/review", json=body))


@pytest.mark.parametrize("status", ["draft", "approved", "rejected", "changes_requested", "paused", "suspended"])
def test_review_not_pending_409(as_, make, units, status):
    from matchsvc.profiles.models import ProfileStatus

    _, profile = make.member(unit=units["tax"], status=ProfileStatus(status))
    r = as_(make.account("reviewer", unit=units["tax"])).post(f"/profiles/{profile.id}/review",
                                                            json={"decision": "approve"})
    assert_problem(r, 409, "invalid_transition")


def test_review_twice_409(as_, make, units, pending):
    _, profile = pending(units["tax"])
    reviewer = as_(make.account("reviewer", unit=units["tax"]))
    assert reviewer.post(f"/profiles/{profile.id}/review", json={"decision": "approve"}).status_code == 200
    assert_problem(reviewer.post(f"/profiles/{profile.id}/review", json={"decision": "approve"}), 409)


@pytest.mark.parametrize("where", ["women", "root"])
def test_review_out_of_scope_403(as_, make, units, where, pending):
    _, profile = pending(units[where])
    r = as_(make.account("reviewer", unit=units["tax"])).post(f"/profiles/{profile.id}/review",
                                                            json={"decision": "approve"})
    assert_problem(r, 403, "out_of_scope")


def test_reviewer_cannot_review_own_profile(as_, make, units):
    reviewer = make.account("reviewer", unit=units["tax"])
    profile = make.profile(reviewer, pending=True)
    assert_problem(as_(reviewer).post(f"/profiles/{profile.id}/review", json={"decision": "approve"}), 403,
                   "own_profile")


@pytest.mark.parametrize("profile_id", [999, 99999999999999999])
def test_review_unknown_profile_404(as_, make, profile_id):
    r = as_(make.account("reviewer")).post(f"/profiles/{profile_id}/review", json={"decision": "approve"})
    assert_problem(r, 404)


def test_suspend(as_, make, units):
    account, profile = make.member(unit=units["tax"])
    reviewer = as_(make.account("reviewer", unit=units["tax"]))
    r = reviewer.post(f"/profiles/{profile.id}/suspend", json={"reason": "多次骚扰其他成员"})
    assert r.status_code == 200 and r.json["status"] == "suspended"
    assert_problem(reviewer.post(f"/profiles/{profile.id}/suspend", json={"reason": "again"}), 409)
    assert [n["kind"] for n in as_(account).get("/me/notifications").json["items"]] == ["profile_suspended"]
    me, _ = make.member(unit=units["tax"])
    assert_problem(as_(me).get(f"/profiles/{profile.id}"), 404)
    assert_problem(as_(account).post("/me/profile/resume"), 409)


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}, {"reason": "x" * 1001}])
def test_suspend_needs_a_reason(as_, make, units, body):
    _, profile = make.member(unit=units["tax"])
    assert "reason" in field_errors(as_(make.account("reviewer", unit=units["tax"])).post(
        f"/profiles/{profile.id}/suspend", json=body))


def test_suspend_out_of_scope_403_and_unknown_404(as_, make, units):
    _, profile = make.member(unit=units["women"])
    reviewer = as_(make.account("reviewer", unit=units["tax"]))
    assert_problem(reviewer.post(f"/profiles/{profile.id}/suspend", json={"reason": "x"}), 403)
    assert_problem(reviewer.post("/profiles/424242/suspend", json={"reason": "x"}), 404)


def test_audit_admin_reviewer_member_anonymous(as_, make, units, pending):
    _, in_scope = pending(units["tax_sub"])
    _, out_of_scope = pending(units["women"])
    tax_reviewer = make.account("reviewer", unit=units["tax"])
    women_reviewer = make.account("reviewer", unit=units["women"])
    as_(tax_reviewer).post(f"/profiles/{in_scope.id}/review", json={"decision": "approve"})
    as_(women_reviewer).post(f"/profiles/{out_of_scope.id}/review", json={"decision": "reject", "note": "不实"})
    admin = make.account("admin", unit=units["root"])
    granted = as_(admin).put(f"/accounts/{make.account().id}/roles", json={"roles": ["organizer"],
                                                                          "org_unit_id": units["women"].id})
    assert granted.status_code == 200

    r = as_(admin).get("/audit")
    assert r.status_code == 200
    assert set(r.json) == {"items", "total", "page", "per_page"}
    assert [e["action"] for e in r.json["items"]] == ["unit_changed", "role_granted", "reject", "approve"]
    entry = r.json["items"][-1]
    assert {"at", "actor_id", "action", "target", "detail"} <= set(entry)
    assert entry["actor_id"] == tax_reviewer.id and entry["target"] == f"profile:{in_scope.id}"
    assert entry["at"].endswith("+00:00")

    mine = as_(tax_reviewer).get("/audit").json["items"]
    assert [(e["action"], e["target"]) for e in mine] == [("approve", f"profile:{in_scope.id}")]
    assert [e["action"] for e in as_(women_reviewer).get("/audit").json["items"]] == ["unit_changed", "role_granted",
                                                                                      "reject"]
    assert [e["action"] for e in as_(admin).get("/audit?action=reject").json["items"]] == ["reject"]

    assert_problem(as_(make.account("organizer")).get("/audit"), 403)
    assert_problem(as_(make.member()[0]).get("/audit"), 403)
    assert_problem(as_(None).get("/audit"), 401)
