"""Every status each interactions route answers with, as problem+json where it is an error."""

from __future__ import annotations

import pytest

from matchsvc.extensions import db
from matchsvc.profiles.models import ProfileStatus
from tests.helpers import assert_problem


def _pair(make):
    a_acc, a = make.member(gender="female", seeking_gender="male")
    b_acc, b = make.member(gender="male", seeking_gender="female")
    return a_acc, a, b_acc, b


@pytest.mark.parametrize("path", ["/me/likes", "/me/passes"])
def test_like_and_pass_answer_201_then_201_again(as_, make, path):
    a_acc, _, _, b = _pair(make)
    first = as_(a_acc).post(path, json={"profile_id": b.id})
    assert first.status_code == 201
    assert as_(a_acc).post(path, json={"profile_id": b.id}).status_code == 201
    if path == "/me/likes":
        assert first.json == {"mutual": False, "match_id": None}


@pytest.mark.parametrize("path", ["/me/likes", "/me/passes"])
def test_like_and_pass_without_an_approved_profile_are_403(as_, make, path):
    _, b = make.member()
    paused_acc, paused = make.member()
    paused.status = ProfileStatus.paused
    db.session.commit()
    for actor in (make.account(), paused_acc):
        assert_problem(as_(actor).post(path, json={"profile_id": b.id}), 403, "profile_not_approved")


@pytest.mark.parametrize("path", ["/me/likes", "/me/passes"])
def test_like_and_pass_of_a_blocked_or_hidden_profile_are_404(as_, make, path):
    a_acc, _, _, b = _pair(make)
    _, hidden = make.member(gender="male", seeking_gender="female")
    hidden.status = ProfileStatus.suspended
    db.session.commit()
    assert as_(a_acc).post("/me/blocks", json={"profile_id": b.id}).status_code == 201
    for target in (b.id, hidden.id):
        assert_problem(as_(a_acc).post(path, json={"profile_id": target}), 404, "not_found")


def test_matches_list_is_paginated_with_contacts(as_, make):
    me_acc, me = make.member(gender="female", seeking_gender="male")
    for _ in range(3):
        other_acc, other = make.member(gender="male", seeking_gender="female", contact={"phone": "13900000000"})
        as_(me_acc).post("/me/likes", json={"profile_id": other.id})
        assert as_(other_acc).post("/me/likes", json={"profile_id": me.id}).json["mutual"] is True
    r = as_(me_acc).get("/me/matches?per_page=2")
    assert r.status_code == 200 and r.json["total"] == 3 and len(r.json["items"]) == 2
    item = r.json["items"][0]
    assert item["source"] == "like" and item["event_id"] is None and item["profile"]["contact"]["phone"]
    assert as_(make.account()).get("/me/matches").json["items"] == []
    assert_problem(as_(me_acc).get("/me/matches?per_page=0"), 422, "validation_failed")


def test_unmatch_is_204_then_404(as_, make):
    a_acc, a, b_acc, b = _pair(make)
    as_(a_acc).post("/me/likes", json={"profile_id": b.id})
    match_id = as_(b_acc).post("/me/likes", json={"profile_id": a.id}).json["match_id"]
    stranger, _ = make.member()
    assert_problem(as_(stranger).delete(f"/me/matches/{match_id}"), 404, "not_found")
    r = as_(a_acc).delete(f"/me/matches/{match_id}")
    assert r.status_code == 204 and r.get_data() == b""
    assert_problem(as_(b_acc).delete(f"/me/matches/{match_id}"), 404, "not_found")
    assert as_(None).delete(f"/me/matches/{match_id}").status_code == 401


def test_block_is_201_with_the_target_and_needs_a_profile(as_, make):
    a_acc, _, _, b = _pair(make)
    r = as_(a_acc).post("/me/blocks", json={"profile_id": b.id})
    assert r.status_code == 201 and r.json["profile_id"] == b.id and r.json["created_at"]
    assert as_(a_acc).post("/me/blocks", json={"profile_id": b.id}).json == r.json
    assert_problem(as_(make.account()).post("/me/blocks", json={"profile_id": b.id}), 403, "no_profile")


@pytest.mark.parametrize("body", [{"profile_id": 1}, {"profile_id": 1, "reason": ""},
                                  {"profile_id": 1, "reason": "x" * 1001}, {"reason": "x"},
                                  {"profile_id": 1, "reason": "x", "extra": True}])
def test_report_bodies_are_checked(as_, make, body):
    acc, _ = make.member()
    assert_problem(as_(acc).post("/reports", json=body), 422, "validation_failed")


def test_report_is_201_open(as_, make):
    acc, _ = make.member()
    _, target = make.member()
    r = as_(acc).post("/reports", json={"profile_id": target.id, "reason": "fake profile"})
    assert r.status_code == 201
    assert (r.json["profile_id"], r.json["reason"], r.json["status"]) == (target.id, "fake profile", "open")


def test_resolve_report_statuses(as_, make):
    here, there = make.unit(), make.unit()
    acc, _ = make.member()
    _, target = make.member(unit=here)
    report_id = as_(acc).post("/reports", json={"profile_id": target.id, "reason": "spam"}).json["id"]
    assert_problem(as_(acc).post(f"/reports/{report_id}/resolve"), 403)
    outside = make.account("reviewer", unit=there)
    assert_problem(as_(outside).post(f"/reports/{report_id}/resolve"), 403, "out_of_scope")
    inside = make.account("reviewer", unit=here)
    assert_problem(as_(inside).post("/reports/999999/resolve"), 404, "not_found")
    r = as_(inside).post(f"/reports/{report_id}/resolve")
    assert r.status_code == 200 and r.json["status"] == "resolved"
    assert_problem(as_(inside).post(f"/reports/{report_id}/resolve"), 409, "invalid_transition")
    assert as_(inside).get("/reviews/reports").json["total"] == 0
    assert as_(None).post(f"/reports/{report_id}/resolve").status_code == 401
