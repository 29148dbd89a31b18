"""Reviewers: the queue by unit with the unit's name and what changed since the last approval,
browsing profiles in scope, resolving reports with an outcome, and lifting a suspension."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.errors import Forbidden, InvalidTransition, NotFound
from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.interactions.models import ReportOutcome
from matchsvc.notifications.models import Notification
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import ProfileStatus
from matchsvc.reviews import service
from matchsvc.reviews.models import AuditEntry

from tests.helpers import assert_problem


@pytest.fixture
def tree(make):
    """The city, agency A with sub-unit A1, sibling agency B; a reviewer of A."""
    city = make.root()
    a = make.unit("财政局工会", city)
    a1 = make.unit("税务科", a)
    b = make.unit("教育局工会", city)
    return city, a, a1, b, make.account("reviewer", unit=a)


def _kinds(account):
    return list(db.session.scalars(sa.select(Notification.kind).where(Notification.account_id == account.id)))


def _actions(action):
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


# -- service ------------------------------------------------------------------------------------

def test_queue_filters_to_a_sub_unit_in_scope(make, tree):
    city, a, a1, b, reviewer = tree
    _, in_a = make.member(unit=a, approved=False, pending=True)
    _, in_a1 = make.member(unit=a1, approved=False, pending=True)
    assert [p.id for p in db.session.scalars(service.queue(actor=reviewer))] == [in_a.id, in_a1.id]
    assert [p.id for p in db.session.scalars(service.queue(actor=reviewer, org_unit_id=a1.id))] == [in_a1.id]
    with pytest.raises(Forbidden):
        service.queue(actor=reviewer, org_unit_id=b.id)
    with pytest.raises(Forbidden):
        service.queue(actor=reviewer, org_unit_id=city.id)
    with pytest.raises(NotFound):
        service.queue(actor=reviewer, org_unit_id=99999)


def test_approval_keeps_a_snapshot_and_changes_show_after_an_edit(make, tree):
    _, a, _, _, reviewer = tree
    account, profile = make.member(unit=a, approved=False, pending=True)
    assert profiles.changes_since_approval(profile) is None
    service.decide(actor=reviewer, profile_id=profile.id, decision="approve", note=None)
    db.session.commit()
    assert profiles.changes_since_approval(profile) == {}
    city, intro = profile.city, profile.intro
    profiles.update_own(actor=account, changes={"city": "宁波", "intro": "新的介绍"})
    db.session.commit()
    assert profile.status is ProfileStatus.pending
    assert profiles.changes_since_approval(profile) == {
        "city": {"before": city, "after": "宁波"}, "intro": {"before": intro, "after": "新的介绍"}}


def test_browse_by_status_unit_and_name(make, tree):
    _, a, a1, b, reviewer = tree
    _, paused = make.member(unit=a, status=ProfileStatus.paused, display_name="小王")
    _, suspended = make.member(unit=a1, status=ProfileStatus.suspended, display_name="小李")
    make.member(unit=b, status=ProfileStatus.suspended)
    ids = lambda **kw: sorted(p.id for p in db.session.scalars(service.browse(actor=reviewer, **kw)))  # noqa: E731
    assert ids() == sorted([paused.id, suspended.id])
    assert ids(status=ProfileStatus.suspended) == [suspended.id]
    assert ids(org_unit_id=a1.id) == [suspended.id]
    assert ids(q="王") == [paused.id]
    assert ids(q="%") == []
    with pytest.raises(Forbidden):
        service.browse(actor=reviewer, org_unit_id=b.id)


def test_unsuspend_approves_audits_and_notifies(make, tree):
    _, a, _, b, reviewer = tree
    account, profile = make.member(unit=a)
    service.suspend(actor=reviewer, profile_id=profile.id, reason="照片不实")
    service.unsuspend(actor=reviewer, profile_id=profile.id, note="已核实")
    db.session.commit()
    assert profile.status is ProfileStatus.approved and profile.is_matchable
    assert _kinds(account)[-1] == "profile_unsuspended"
    (entry,) = _actions("unsuspend")
    assert entry.target == f"profile:{profile.id}" and entry.detail == {"note": "已核实"}
    with pytest.raises(InvalidTransition):
        service.unsuspend(actor=reviewer, profile_id=profile.id)
    _, outside = make.member(unit=b, status=ProfileStatus.suspended)
    with pytest.raises(Forbidden):
        service.unsuspend(actor=reviewer, profile_id=outside.id)


@pytest.mark.parametrize("outcome,status,kind", [
    (ReportOutcome.dismissed, ProfileStatus.approved, None),
    (ReportOutcome.warned, ProfileStatus.approved, "profile_warned"),
    (ReportOutcome.suspended, ProfileStatus.suspended, "profile_suspended"),
])
def test_resolve_report_outcomes(make, tree, outcome, status, kind):
    _, a, _, _, reviewer = tree
    reporter, reporter_profile = make.member(unit=a)
    account, target = make.member(unit=a, gender="male", seeking_gender="female")
    rep = interactions.report(actor=reporter, profile_id=target.id, reason="骚扰")
    done = interactions.resolve_report(actor=reviewer, report_id=rep.id, outcome=outcome, note="已处理")
    db.session.commit()
    assert done.status.value == "resolved" and done.outcome is outcome and done.resolution_note == "已处理"
    assert done.resolved_by == reviewer.id and done.reporter_id == reporter_profile.id
    assert target.status is status
    kinds = _kinds(account)
    assert (kinds[-1] if kinds else None) == kind
    with pytest.raises(InvalidTransition):
        interactions.resolve_report(actor=reviewer, report_id=rep.id, outcome=outcome)
    (entry,) = _actions("report_resolved")
    assert entry.detail["outcome"] == outcome.value
    resolved = list(db.session.scalars(interactions.reports(actor=reviewer, status=rep.status)))
    assert [r.id for r in resolved] == [rep.id]


# -- HTTP ---------------------------------------------------------------------------------------

def test_queue_items_carry_unit_name_and_changes(as_, make, tree):
    _, a, a1, b, reviewer = tree
    account, profile = make.member(unit=a1, approved=False, pending=True)
    _, fresh = make.member(unit=a, approved=False, pending=True)
    assert as_(reviewer).post(f"/profiles/{profile.id}/review", json={"decision": "approve"}).status_code == 200
    occupation = profile.occupation
    assert as_(account).put("/me/profile", json={"occupation": "教师"}).json["status"] == "pending"
    r = as_(reviewer).get("/reviews/queue")
    assert r.status_code == 200
    items = {i["id"]: i for i in r.json["items"]}
    assert items[profile.id]["org_unit_name"] == "税务科" and items[fresh.id]["org_unit_name"] == "财政局工会"
    assert items[profile.id]["changes"] == {"occupation": {"before": occupation, "after": "教师"}}
    assert items[fresh.id]["changes"] is None
    r = as_(reviewer).get(f"/reviews/queue?org_unit_id={a1.id}")
    assert r.status_code == 200, r.json
    assert [i["id"] for i in r.json["items"]] == [profile.id]
    assert_problem(as_(reviewer).get(f"/reviews/queue?org_unit_id={b.id}"), 403, "out_of_scope")
    assert_problem(as_(reviewer).get("/reviews/queue?org_unit_id=abc"), 422)
    assert_problem(as_(reviewer).get("/reviews/queue?org_unit_id=99999"), 404)


def test_browse_profiles_over_http(as_, make, tree):
    _, a, a1, b, reviewer = tree
    _, suspended = make.member(unit=a1, status=ProfileStatus.suspended, display_name="小李")
    make.member(unit=a)
    r = as_(reviewer).get("/reviews/profiles?status=suspended")
    assert r.status_code == 200 and [i["id"] for i in r.json["items"]] == [suspended.id]
    assert r.json["items"][0]["org_unit_name"] == "税务科"
    assert as_(reviewer).get("/reviews/profiles", query_string={"q": "小李"}).json["total"] == 1
    assert as_(reviewer).get("/reviews/profiles").json["total"] == 2
    # API.md writes the filters as ?status=&org_unit_id=&q=: sent empty, each one is not sent
    r = as_(reviewer).get("/reviews/profiles?status=&org_unit_id=&q=")
    assert r.status_code == 200 and r.json["total"] == 2, r.json
    assert_problem(as_(reviewer).get("/reviews/profiles?status=lost"), 422)
    assert_problem(as_(reviewer).get(f"/reviews/profiles?org_unit_id={b.id}"), 403)
    assert_problem(as_(make.account()).get("/reviews/profiles"), 403)


def test_reports_resolve_and_history_over_http(as_, make, tree):
    _, a, _, b, reviewer = tree
    reporter, reporter_profile = make.member(unit=a)
    account, target = make.member(unit=a, gender="male", seeking_gender="female")
    rid = as_(reporter).post("/reports", json={"profile_id": target.id, "reason": "骚扰"}).json["id"]
    (item,) = as_(reviewer).get("/reviews/reports").json["items"]
    assert item["reporter_profile_id"] == reporter_profile.id and item["status"] == "open"
    assert_problem(as_(reviewer).post(f"/reports/{rid}/resolve", json={"outcome": "banned"}), 422)
    assert_problem(as_(make.account("reviewer", unit=b)).post(f"/reports/{rid}/resolve",
                                                              json={"outcome": "dismissed"}), 403)
    r = as_(reviewer).post(f"/reports/{rid}/resolve", json={"outcome": "suspended", "note": "属实"})
    assert r.status_code == 200
    assert r.json["outcome"] == "suspended" and r.json["note"] == "属实" and r.json["status"] == "resolved"
    assert db.session.get(type(target), target.id).status is ProfileStatus.suspended
    assert as_(reviewer).get("/reviews/reports").json["items"] == []
    (done,) = as_(reviewer).get("/reviews/reports?status=resolved").json["items"]
    assert done["id"] == rid and done["outcome"] == "suspended"
    assert_problem(as_(reviewer).post(f"/reports/{rid}/resolve", json={"outcome": "dismissed"}), 409)
    assert_problem(as_(reviewer).post("/reports/99999/resolve", json={"outcome": "dismissed"}), 404)
    r = as_(reviewer).post(f"/profiles/{target.id}/unsuspend", json={"note": "申诉成立"})
    assert r.status_code == 200 and r.json["status"] == "approved"
    assert as_(reviewer).post(f"/profiles/{target.id}/unsuspend", json={}).status_code == 409
    assert_problem(as_(reviewer).post("/profiles/99999/unsuspend", json={}), 404)
    texts = [n["text"] for n in as_(account).get("/me/notifications", headers={"Accept-Language": "en"}).json["items"]]
    assert any("suspension was lifted" in t for t in texts)
