"""Profiles over HTTP: own profile, consent, submit, pause/resume, public view, export, withdrawal."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Match, MatchSource
from matchsvc.profiles.models import ConsentAction, ConsentRecord, Profile, ProfileStatus
from matchsvc.reviews.models import AuditEntry
from tests.helpers import COMPLETE_PROFILE, assert_problem, field_errors

CONSENT = {"version": "2026-11", "accepted": True}
OWNER_FIELDS = {"id", "status", "review_note", "display_name", "gender", "birth_date", "age", "height_cm", "education",
                "occupation", "city", "hometown", "interests", "intro", "goal", "contact", "seeking", "consent",
                "social_frequency", "values", "friends_say", "submitted_at", "reviewed_at", "created_at",
                "updated_at", "thumb_url", "photos"}
PUBLIC_FIELDS = {"id", "display_name", "gender", "age", "height_cm", "education", "occupation", "city", "hometown",
                 "interests", "intro", "goal", "thumb_url"}


@pytest.fixture
def member(as_, make):
    account = make.account()
    return account, as_(account)


def _apply(acting, **extra):
    r = acting.put("/me/profile", json={**COMPLETE_PROFILE, "consent": CONSENT, **extra})
    assert r.status_code == 200, r.json
    return r


def test_get_own_profile_404_before_first_edit(member):
    assert_problem(member[1].get("/me/profile"), 404, "no_profile")


def test_put_creates_then_get_returns_every_field(member):
    account, acting = member
    r = _apply(acting)
    assert set(r.json) == OWNER_FIELDS
    assert r.json["status"] == "draft" and r.json["review_note"] is None
    assert r.json["birth_date"] == "1995-03-04" and isinstance(r.json["age"], int)
    assert r.json["contact"] == {"phone": "13800138000", "wechat": "wxid_abc123", "email": "xm@example.com"}
    assert r.json["seeking"] == {"gender": "female", "age_min": 24, "age_max": 34, "height_min": None,
                                 "height_max": None, "education_min": None, "cities": []}
    assert r.json["consent"]["version"] == "2026-11" and r.json["consent"]["accepted"] is True
    assert r.json["consent"]["at"].endswith("+00:00")
    assert r.json["interests"] == [{"tag": "爬山", "weight": 3}, {"tag": "摄影", "weight": 5}]
    assert acting.get("/me/profile").json == r.json
    assert acting.get("/me").json["profile_id"] == r.json["id"]


def test_put_empty_body_creates_empty_draft(member):
    r = member[1].put("/me/profile", json={})
    assert r.status_code == 200 and r.json["status"] == "draft" and r.json["consent"] is None


def test_get_consent_text(as_):
    r = as_(None).get("/consent")
    assert r.status_code == 200
    assert r.json["version"] == "2026-11" and r.json["language"] == "zh"
    assert "同意" in r.json["text"] and "同意".encode() in r.data
    en = as_(None, **{"Accept-Language": "en"}).get("/consent")
    assert en.json["language"] == "en" and "consent" in en.json["text"] and en.json["version"] == "2026-11"
    assert as_(None, **{"Accept-Language": "zh-CN,en;q=0.5"}).get("/consent").json["language"] == "zh"


def test_consent_recorded_and_audited(member):
    account, acting = member
    r = acting.put("/me/profile", json={"consent": CONSENT})
    assert r.json["consent"]["version"] == "2026-11"
    record = db.session.scalar(sa.select(ConsentRecord).where(ConsentRecord.account_id == account.id))
    assert record.version == "2026-11" and record.action is ConsentAction.given and record.at is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "consent_given"))
    assert entry.actor_id == account.id and entry.target == f"profile:{r.json['id']}"


def test_consent_wrong_version_422(member):
    account, acting = member
    r = acting.put("/me/profile", json={"display_name": "王", "consent": {"version": "1999-01", "accepted": True}})
    assert "consent.version" in field_errors(r)
    assert_problem(acting.get("/me/profile"), 404)  # the refused edit created nothing
    assert db.session.scalar(sa.select(ConsentRecord)) is None


@pytest.mark.parametrize("accepted", [False, "yes", "true", 1, "on", None])
def test_consent_not_accepted_422(member, accepted):
    """Only a JSON true gives consent: nothing is read into a "yes" or a 1."""
    r = member[1].put("/me/profile", json={"consent": {"version": "2026-11", "accepted": accepted}})
    assert "consent.accepted" in field_errors(r)


def test_submit_complete_profile(member):
    _, acting = member
    _apply(acting)
    r = acting.post("/me/profile/submit")
    assert r.status_code == 200 and r.json["status"] == "pending" and r.json["submitted_at"]
    assert acting.get("/me/profile").json["status"] == "pending"


def test_submit_without_profile_404(member):
    assert_problem(member[1].post("/me/profile/submit"), 404)


def test_submit_incomplete_422_with_field_errors(member):
    _, acting = member
    acting.put("/me/profile", json={"intro": "你好"})
    r = acting.post("/me/profile/submit")
    body = assert_problem(r, 422, "validation_failed")
    assert {"display_name", "gender", "birth_date", "seeking.gender", "seeking.age_min", "seeking.age_max",
            "consent"} == set(body["errors"])


def test_submit_without_consent_only_is_consent_required(member):
    _, acting = member
    acting.put("/me/profile", json=COMPLETE_PROFILE)
    body = assert_problem(acting.post("/me/profile/submit"), 422, "consent_required")
    assert set(body["errors"]) == {"consent"}
    acting.put("/me/profile", json={"consent": CONSENT})
    assert acting.post("/me/profile/submit").status_code == 200


@pytest.mark.parametrize("status", ["pending", "approved", "paused", "suspended"])
def test_submit_from_wrong_state_409(as_, make, status):
    account = make.account()
    make.profile(account, approved=True, status=ProfileStatus(status))
    assert_problem(as_(account).post("/me/profile/submit"), 409, "invalid_transition")


def test_material_edit_of_approved_profile_goes_back_to_review(as_, make):
    account, profile = make.member()
    r = as_(account).put("/me/profile", json={"intro": "新的介绍"})
    assert r.json["status"] == "pending"
    reviewer = make.account("reviewer")
    assert [p["id"] for p in as_(reviewer).get("/reviews/queue").json["items"]] == [profile.id]


@pytest.mark.parametrize("body", [{"contact": {"wechat": "wxid_zzz999"}}, {"seeking": {"age_max": 45}},
                                  {"consent": CONSENT}, {"contact": None}])
def test_private_edit_keeps_approved(as_, make, body):
    account, _ = make.member()
    assert as_(account).put("/me/profile", json=body).json["status"] == "approved"


@pytest.mark.parametrize("status", ["rejected", "changes_requested"])
def test_edit_after_rejection_makes_draft(as_, make, status):
    account = make.account()
    make.profile(account, consented=True, status=ProfileStatus(status), review_note="请补充")
    assert as_(account).put("/me/profile", json={"intro": "补充"}).json["status"] == "draft"


def test_contact_key_removed_with_null(member):
    _, acting = member
    _apply(acting)
    r = acting.put("/me/profile", json={"contact": {"wechat": None, "email": None}})
    assert r.json["contact"] == {"phone": "13800138000"}


def test_pause_and_resume(as_, make):
    account, _ = make.member()
    acting = as_(account)
    r = acting.post("/me/profile/pause")
    assert r.status_code == 200 and r.json["status"] == "paused"
    assert_problem(acting.post("/me/profile/pause"), 409, "invalid_transition")
    r = acting.post("/me/profile/resume")
    assert r.status_code == 200 and r.json["status"] == "approved"
    assert_problem(acting.post("/me/profile/resume"), 409, "invalid_transition")


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "changes_requested", "suspended"])
def test_pause_and_resume_409_from_other_states(as_, make, status):
    account = make.account()
    make.profile(account, approved=True, status=ProfileStatus(status))
    assert_problem(as_(account).post("/me/profile/pause"), 409)
    assert_problem(as_(account).post("/me/profile/resume"), 409)


def test_pause_without_profile_404(member):
    assert_problem(member[1].post("/me/profile/pause"), 404)
    assert_problem(member[1].post("/me/profile/resume"), 404)


def test_public_view(as_, make):
    me, _ = make.member()
    _, other = make.member(gender="male", seeking_gender="female")
    r = as_(me).get(f"/profiles/{other.id}")
    assert r.status_code == 200
    assert set(r.json) == PUBLIC_FIELDS
    assert r.json["id"] == other.id and r.json["age"] >= 18
    for private in ("birth_date", "contact", "seeking", "status", "review_note", "consent", "account_id"):
        assert private not in r.json
    assert b"13800138000" not in r.data


def test_public_view_shows_contact_to_a_match_only_while_it_stands(as_, make):
    me, mine = make.member()
    _, other = make.member(gender="male", contact={"wechat": "wxid_other1"})
    match = Match(low_id=min(mine.id, other.id), high_id=max(mine.id, other.id), source=MatchSource.like)
    db.session.add(match)
    db.session.commit()
    assert as_(me).get(f"/profiles/{other.id}").json["contact"] == {"wechat": "wxid_other1"}
    from matchsvc.core.clock import utcnow

    match.ended_at = utcnow()
    db.session.commit()
    assert "contact" not in as_(me).get(f"/profiles/{other.id}").json


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "changes_requested", "paused", "suspended"])
def test_public_view_not_approved_404(as_, make, status):
    me, _ = make.member()
    _, other = make.member(status=ProfileStatus(status))
    assert_problem(as_(me).get(f"/profiles/{other.id}"), 404)


@pytest.mark.parametrize("profile_id", ["12345", "99999999999999999", "2147483648", "0", "-1"])
def test_public_view_unknown_or_huge_id_404(as_, make, profile_id):
    me, _ = make.member()
    assert_problem(as_(me).get(f"/profiles/{profile_id}"), 404)


def test_public_view_blocked_404(as_, make):
    me, mine = make.member()
    _, other = make.member()
    db.session.add(Block(actor_id=other.id, target_id=mine.id))
    db.session.commit()
    assert_problem(as_(me).get(f"/profiles/{other.id}"), 404)


@pytest.mark.parametrize("own", [None, "draft", "pending", "paused", "suspended"])
def test_public_view_without_approved_own_profile_403(as_, make, own):
    _, other = make.member()
    account = make.account()
    if own:
        make.profile(account, approved=True, status=ProfileStatus(own))
    assert_problem(as_(account).get(f"/profiles/{other.id}"), 403, "profile_not_approved")


def test_public_view_reviewer_in_scope_200_out_of_scope_403(as_, make):
    unit, sibling = make.unit("甲"), make.unit("乙")
    _, other = make.member(unit=unit)
    assert as_(make.account("reviewer", unit=unit)).get(f"/profiles/{other.id}").status_code == 200
    assert as_(make.account("reviewer", unit=make.root())).get(f"/profiles/{other.id}").status_code == 200
    assert_problem(as_(make.account("reviewer", unit=sibling)).get(f"/profiles/{other.id}"), 403, "out_of_scope")


def test_public_view_anonymous_401(as_, make):
    _, other = make.member()
    assert_problem(as_(None).get(f"/profiles/{other.id}"), 401)


def _reviewed(as_, make, decision, note):
    """A member whose application a reviewer decided: (account, acting client, profile id)."""
    account = make.account()
    acting = as_(account)
    _apply(acting)
    profile_id = acting.post("/me/profile/submit").json["id"]
    r = as_(make.account("reviewer")).post(f"/profiles/{profile_id}/review", json={"decision": decision, "note": note})
    assert r.status_code == 200
    return account, acting, profile_id


def test_export(as_, make):
    account, acting, profile_id = _reviewed(as_, make, "approve", "欢迎")
    r = acting.get("/me/export")
    assert r.status_code == 200
    assert {"account", "profile", "consents", "likes", "passes", "blocks", "reports", "matches", "events",
            "notifications", "exported_at"} <= set(r.json)
    assert r.json["account"]["username"] == account.username
    assert "password" not in str(r.json["account"]) and "argon2" not in r.get_data(as_text=True)
    assert r.json["profile"]["id"] == profile_id and r.json["profile"]["contact"]["phone"] == "13800138000"
    assert r.json["profile"]["status"] == "approved"
    assert [(c["version"], c["action"]) for c in r.json["consents"]] == [("2026-11", "given")]
    assert [n["kind"] for n in r.json["notifications"]] == ["review_decided"]
    assert "欢迎" in r.get_data(as_text=True)


def test_export_without_profile(member):
    r = member[1].get("/me/export")
    assert r.status_code == 200 and r.json["profile"] is None


def test_withdrawal(as_, make):
    _, acting, profile_id = _reviewed(as_, make, "request_changes", "请写清楚工作单位")

    r = acting.delete("/me/profile")
    assert r.status_code == 204 and r.data == b""
    assert db.session.get(Profile, profile_id) is None
    assert_problem(acting.get("/me/profile"), 404)
    assert acting.get("/me").json["profile_id"] is None
    records = db.session.scalars(sa.select(ConsentRecord).order_by(ConsentRecord.id)).all()
    assert [(c.version, c.action.value) for c in records] == [("2026-11", "given"), ("2026-11", "withdrawn")]
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["consent_given", "request_changes", "consent_withdrawn"]
    audit_text = str([e.detail for e in db.session.scalars(sa.select(AuditEntry))])
    assert "请写清楚工作单位" not in audit_text
    # the account stays and may apply again
    assert acting.get("/me").status_code == 200
    r = _apply(acting)
    assert r.json["status"] == "draft" and r.json["id"] != profile_id
    assert acting.post("/me/profile/submit").json["status"] == "pending"


def test_withdrawn_profile_is_gone_for_others(as_, make):
    me, _ = make.member()
    other_account, other = make.member()
    assert as_(me).get(f"/profiles/{other.id}").status_code == 200
    assert as_(other_account).delete("/me/profile").status_code == 204
    assert_problem(as_(me).get(f"/profiles/{other.id}"), 404)


def test_withdrawal_without_profile_is_204(member):
    assert member[1].delete("/me/profile").status_code == 204
