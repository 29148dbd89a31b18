"""Profiles: the status machine, consent, submit, pause/resume, view, export, withdrawal (no HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from marshmallow import missing

from matchsvc.accounts.models import Account
from matchsvc.errors import ConsentRequired, Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Like, Match, MatchSource
from matchsvc.profiles import service
from matchsvc.profiles.models import ConsentAction, ConsentRecord, Profile, ProfileStatus
from matchsvc.profiles.schemas import ProfileUpdateSchema
from matchsvc.reviews import service as reviews
from matchsvc.reviews.models import AuditEntry
from tests.helpers import COMPLETE_PROFILE

CONSENT = {"version": "2026-11", "accepted": True}


def edit(account: Account, **body: Any) -> Profile:
    """Apply a PUT /me/profile body the way the route does: schema first, then the service."""
    return service.update_own(actor=account, changes=ProfileUpdateSchema().load(body))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _consents(account: Account) -> list[tuple[str, ConsentAction]]:
    return [(c.version, c.action) for c in db.session.scalars(
        sa.select(ConsentRecord).where(ConsentRecord.account_id == account.id).order_by(ConsentRecord.id))]


# --- creating and editing ---------------------------------------------------------------------

def test_first_edit_creates_a_draft(make):
    account = make.account()
    profile = edit(account, display_name="王小明")
    assert profile.status is ProfileStatus.draft
    assert profile.account_id == account.id and profile.interests == [] and profile.contact == {}
    assert service.get_own(account) is profile


def test_get_own_without_profile_is_not_found(make):
    with pytest.raises(NotFound) as exc:
        service.get_own(make.account())
    assert exc.value.code == "no_profile"


def test_fields_not_given_keep_their_value(make):
    account = make.account()
    edit(account, **COMPLETE_PROFILE)
    profile = edit(account, city="宁波")
    assert profile.city == "宁波" and profile.display_name == "王小明" and profile.height_cm == 175
    assert profile.seeking_gender.value == "female" and profile.contact["phone"] == "13800138000"


def test_null_clears_an_optional_field(make):
    account = make.account()
    edit(account, **COMPLETE_PROFILE)
    profile = edit(account, height_cm=None, intro=None, goal=None)
    assert profile.height_cm is None and profile.intro is None and profile.goal is None


def test_seeking_replaces_only_the_keys_given(make):
    account = make.account()
    edit(account, seeking={"gender": "female", "age_min": 25, "age_max": 35, "cities": ["杭州"]})
    profile = edit(account, seeking={"age_max": 40})
    assert (profile.seeking_gender.value, profile.seeking_age_min, profile.seeking_age_max) == ("female", 25, 40)
    assert profile.seeking_cities == ["杭州"]
    assert edit(account, seeking={"cities": None}).seeking_cities == []


def test_seeking_range_checked_against_stored_bound_and_nothing_changes(make):
    account = make.account()
    edit(account, display_name="王", seeking={"age_min": 30, "age_max": 35})
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        edit(account, display_name="李", seeking={"age_max": 25})
    assert "seeking.age_max" in exc.value.errors
    db.session.flush()  # the refused edit left nothing behind to flush
    profile = service.get_own(account)
    assert (profile.display_name, profile.seeking_age_min, profile.seeking_age_max) == ("王", 30, 35)


def test_height_range_checked_against_stored_bound(make):
    account = make.account()
    edit(account, seeking={"height_min": 170})
    with pytest.raises(ValidationFailed) as exc:
        edit(account, seeking={"height_max": 160})
    assert "seeking.height_max" in exc.value.errors


def test_contact_keys_merge(make):
    account = make.account()
    edit(account, contact={"phone": "13800138000"})
    profile = edit(account, contact={"wechat": "wxid_abc123"})
    assert profile.contact == {"phone": "13800138000", "wechat": "wxid_abc123"}


def test_contact_key_set_to_null_is_removed(make):
    account = make.account()
    edit(account, contact={"phone": "13800138000", "email": "a@example.com"})
    profile = edit(account, contact={"phone": None})
    assert profile.contact == {"email": "a@example.com"}


def test_contact_null_clears_all(make):
    account = make.account()
    edit(account, contact={"phone": "13800138000", "email": "a@example.com"})
    assert edit(account, contact=None).contact == {}


# --- consent ----------------------------------------------------------------------------------

def test_consent_is_recorded_with_version_and_time(make):
    account = make.account()
    profile = edit(account, consent=CONSENT)
    assert profile.consent_version == "2026-11" and profile.consented_at is not None
    record = db.session.scalar(sa.select(ConsentRecord).where(ConsentRecord.account_id == account.id))
    assert (record.version, record.action, record.at) == ("2026-11", ConsentAction.given, profile.consented_at)
    [entry] = _audit("consent_given")
    assert entry.actor_id == account.id and entry.target == f"profile:{profile.id}"
    assert entry.detail == {"version": "2026-11"} and entry.org_unit_id == account.org_unit_id


def test_consent_again_to_same_version_records_once(make):
    account = make.account()
    edit(account, consent=CONSENT)
    edit(account, consent=CONSENT)
    assert _consents(account) == [("2026-11", ConsentAction.given)]
    assert len(_audit("consent_given")) == 1


def test_consent_to_other_version_refused_and_nothing_changes(make):
    account = make.account()
    edit(account, display_name="王")
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        edit(account, display_name="李", consent={"version": "2020-01", "accepted": True})
    assert "consent.version" in exc.value.errors
    db.session.flush()
    assert service.get_own(account).display_name == "王"
    assert service.get_own(account).consent_version is None and _consents(account) == []


def test_consent_to_new_version_recorded(make, app, monkeypatch):
    account = make.account()
    edit(account, consent=CONSENT)
    monkeypatch.setitem(app.config, "CONSENT_VERSION", "2027-01")
    profile = edit(account, consent={"version": "2027-01", "accepted": True})
    assert profile.consent_version == "2027-01"
    assert _consents(account) == [("2026-11", ConsentAction.given), ("2027-01", ConsentAction.given)]


# --- submit -----------------------------------------------------------------------------------

def test_submit_complete_profile(make):
    account = make.account()
    edit(account, **COMPLETE_PROFILE, consent=CONSENT)
    profile = service.submit(actor=account)
    assert profile.status is ProfileStatus.pending and profile.submitted_at is not None


def test_submit_without_profile_is_not_found(make):
    with pytest.raises(NotFound):
        service.submit(actor=make.account())


def test_submit_incomplete_lists_every_missing_field(make):
    account = make.account()
    edit(account, intro="你好")
    with pytest.raises(ValidationFailed) as exc:
        service.submit(actor=account)
    assert not isinstance(exc.value, ConsentRequired)
    assert set(exc.value.errors) == {"display_name", "gender", "birth_date", "seeking.gender", "seeking.age_min",
                                     "seeking.age_max", "consent"}
    assert service.get_own(account).status is ProfileStatus.draft


def test_submit_without_consent_only_is_consent_required(make):
    account = make.account()
    edit(account, **COMPLETE_PROFILE)
    with pytest.raises(ConsentRequired) as exc:
        service.submit(actor=account)
    assert exc.value.code == "consent_required" and exc.value.status == 422
    assert set(exc.value.errors) == {"consent"}


def test_submit_with_consent_to_an_old_version_is_consent_required(make, app, monkeypatch):
    account = make.account()
    edit(account, **COMPLETE_PROFILE, consent=CONSENT)
    monkeypatch.setitem(app.config, "CONSENT_VERSION", "2027-01")
    with pytest.raises(ConsentRequired):
        service.submit(actor=account)


def test_submit_under_18_refused(make):
    from tests.helpers import years_ago

    account = make.account()
    profile = make.profile(account, consented=True, birth_date=years_ago(18, days=1))
    with pytest.raises(ValidationFailed) as exc:
        service.submit(actor=account)
    assert "birth_date" in exc.value.errors
    assert profile.status is ProfileStatus.draft


@pytest.mark.parametrize("status", [ProfileStatus.pending, ProfileStatus.approved, ProfileStatus.paused,
                                    ProfileStatus.suspended])
def test_submit_from_other_states_is_invalid_transition(make, status):
    account = make.account()
    make.profile(account, approved=True, status=status)
    with pytest.raises(InvalidTransition) as exc:
        service.submit(actor=account)
    assert exc.value.status == 409 and exc.value.code == "invalid_transition"


@pytest.mark.parametrize("status", [ProfileStatus.rejected, ProfileStatus.changes_requested])
def test_resubmit_after_review(make, status):
    account = make.account()
    make.profile(account, consented=True, status=status, review_note="请补充")
    assert service.submit(actor=account).status is ProfileStatus.pending


# --- the status machine -----------------------------------------------------------------------

MATERIAL = [{"display_name": "新名字"}, {"gender": "male"}, {"birth_date": "1990-01-01"}, {"height_cm": 180},
            {"education": "doctorate"}, {"occupation": "教师"}, {"city": "上海"}, {"hometown": "苏州"},
            {"interests": ["攀岩"]}, {"intro": "新的自我介绍"}, {"goal": "friendship"}]
PRIVATE = [{"contact": {"phone": "13900139000"}}, {"contact": None}, {"seeking": {"age_max": 45}},
           {"consent": CONSENT}]


@pytest.mark.parametrize("body", MATERIAL, ids=lambda b: next(iter(b)))
@pytest.mark.parametrize("status", [ProfileStatus.approved, ProfileStatus.paused])
def test_material_edit_of_approved_goes_back_to_review(make, body, status):
    account = make.account()
    old = make.profile(account, approved=True, status=status, review_note="很好")
    submitted = old.submitted_at
    profile = edit(account, **body)
    assert profile.status is ProfileStatus.pending
    assert profile.submitted_at > submitted and profile.review_note is None


@pytest.mark.parametrize("body", PRIVATE, ids=lambda b: next(iter(b)))
def test_private_edit_keeps_approved(make, body):
    account = make.account()
    make.profile(account, approved=True)
    assert edit(account, **body).status is ProfileStatus.approved


def test_edit_with_unchanged_public_values_keeps_approved(make):
    account = make.account()
    profile = make.profile(account, approved=True)
    same = {"display_name": profile.display_name, "gender": "female", "birth_date": "1996-06-01", "height_cm": 165,
            "education": "bachelor", "city": "杭州", "interests": ["爬山", {"tag": "阅读", "weight": 4}]}
    assert edit(account, **same).status is ProfileStatus.approved


@pytest.mark.parametrize("status", [ProfileStatus.rejected, ProfileStatus.changes_requested])
def test_edit_after_review_makes_a_draft(make, status):
    account = make.account()
    make.profile(account, consented=True, status=status, review_note="请补充")
    assert edit(account, intro="补充了").status is ProfileStatus.draft
    assert service.submit(actor=account).status is ProfileStatus.pending


@pytest.mark.parametrize("status", [ProfileStatus.draft, ProfileStatus.pending, ProfileStatus.suspended])
def test_edit_keeps_other_states(make, status):
    account = make.account()
    make.profile(account, approved=True, status=status)
    assert edit(account, intro="改一下").status is status


def test_pause_and_resume(make):
    account = make.account()
    make.profile(account, approved=True)
    assert service.pause(actor=account).status is ProfileStatus.paused
    assert service.resume(actor=account).status is ProfileStatus.approved


@pytest.mark.parametrize("action,status", [(action, status) for action, source in (("pause", ProfileStatus.approved),
                                                                                 ("resume", ProfileStatus.paused))
                                           for status in ProfileStatus if status is not source])
def test_pause_and_resume_from_other_states_are_409(make, action, status):
    account = make.account()
    make.profile(account, approved=True, status=status)
    with pytest.raises(InvalidTransition):
        getattr(service, action)(actor=account)


def test_pause_without_profile_is_not_found(make):
    with pytest.raises(NotFound):
        service.pause(actor=make.account())


# --- the public view --------------------------------------------------------------------------

def test_view_approved_profile_without_contact(make):
    me, _ = make.member()
    _, other = make.member(gender="male")
    view = service.view(actor=me, profile_id=other.id)
    assert view.display_name == other.display_name
    assert view.contact is missing


def test_view_with_standing_match_shows_contact(make):
    me, mine = make.member()
    _, other = make.member(gender="male")
    db.session.add(Match(low_id=min(mine.id, other.id), high_id=max(mine.id, other.id), source=MatchSource.like))
    db.session.commit()
    assert service.view(actor=me, profile_id=other.id).contact == {"phone": "13800138000"}


def test_view_own_profile_shows_contact(make):
    me, mine = make.member()
    assert service.view(actor=me, profile_id=mine.id).contact == mine.contact


@pytest.mark.parametrize("status", [s for s in ProfileStatus if s is not ProfileStatus.approved])
def test_view_not_approved_is_not_found(make, status):
    me, _ = make.member()
    _, other = make.member(status=status)
    with pytest.raises(NotFound):
        service.view(actor=me, profile_id=other.id)


def test_view_blocked_either_way_is_not_found(make):
    me, mine = make.member()
    _, other = make.member()
    _, third = make.member()
    db.session.add_all([Block(actor_id=mine.id, target_id=other.id), Block(actor_id=third.id, target_id=mine.id)])
    db.session.commit()
    for target in (other, third):
        with pytest.raises(NotFound):
            service.view(actor=me, profile_id=target.id)


def test_view_needs_an_approved_own_profile(make):
    _, other = make.member()
    for account in (make.account(), make.member(status=ProfileStatus.pending)[0],
                    make.member(status=ProfileStatus.paused)[0], make.account("organizer", "admin")):
        with pytest.raises(Forbidden):
            service.view(actor=account, profile_id=other.id)


def test_view_reviewer_in_and_out_of_scope(make):
    unit, sibling = make.unit("甲"), make.unit("乙")
    _, other = make.member(unit=make.unit("甲下", unit))
    assert service.view(actor=make.account("reviewer", unit=unit), profile_id=other.id).id == other.id
    assert service.view(actor=make.account("reviewer", unit=make.root()), profile_id=other.id).id == other.id
    with pytest.raises(Forbidden):
        service.view(actor=make.account("reviewer", unit=sibling), profile_id=other.id)
    with pytest.raises(NotFound):
        service.view(actor=make.account("reviewer", unit=unit), profile_id=other.id + 1000)


# --- export and withdrawal --------------------------------------------------------------------

def test_export_holds_everything(make):
    account = make.account()
    edit(account, **COMPLETE_PROFILE, consent=CONSENT)
    data = service.export(actor=account)
    assert data["account"]["id"] == account.id and data["account"]["username"] == account.username
    assert data["profile"].display_name == "王小明"
    assert [(c["version"], c["action"]) for c in data["consents"]] == [("2026-11", "given")]
    for key in ("likes", "passes", "blocks", "reports", "matches", "events", "notifications"):
        assert isinstance(data[key], list), key


def test_export_without_profile(make):
    data = service.export(actor=make.account())
    assert data["profile"] is None and data["consents"] == []


def test_withdraw_erases_profile_keeps_account_and_consent_trail(make):
    reviewer = make.account("reviewer")
    account = make.account()
    edit(account, **COMPLETE_PROFILE, consent=CONSENT)
    profile = service.submit(actor=account)
    reviews.decide(actor=reviewer, profile_id=profile.id, decision="request_changes", note="照片不清楚，王小明")
    reviews.suspend(actor=reviewer, profile_id=profile.id, reason="用户举报：王小明")
    db.session.commit()
    profile_id = profile.id

    service.withdraw(actor=account)
    db.session.commit()

    assert db.session.get(Profile, profile_id) is None
    assert db.session.get(Account, account.id) is not None
    assert service.find_own(account) is None
    assert _consents(account) == [("2026-11", ConsentAction.given), ("2026-11", ConsentAction.withdrawn)]
    [entry] = _audit("consent_withdrawn")
    assert entry.target == f"profile:{profile_id}" and entry.detail == {"version": "2026-11"}
    for old in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.target == f"profile:{profile_id}")):
        assert "note" not in old.detail and "reason" not in old.detail
        assert "王小明" not in str(old.detail)
    assert {e.action for e in db.session.scalars(sa.select(AuditEntry))} >= {"consent_given", "request_changes",
                                                                            "suspend", "consent_withdrawn"}


def test_withdraw_removes_what_hangs_off_the_profile(make):
    me, mine = make.member()
    _, other = make.member()
    db.session.add_all([Like(actor_id=mine.id, target_id=other.id), Like(actor_id=other.id, target_id=mine.id),
                        Match(low_id=min(mine.id, other.id), high_id=max(mine.id, other.id), source=MatchSource.like),
                        Block(actor_id=other.id, target_id=mine.id)])
    db.session.commit()
    service.withdraw(actor=me)
    db.session.commit()
    for model in (Like, Match, Block):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model


def test_withdraw_without_profile_is_a_no_op(make):
    account = make.account()
    service.withdraw(actor=account)
    assert _audit("consent_withdrawn") == []


def test_withdraw_then_apply_again(make):
    account = make.account()
    edit(account, **COMPLETE_PROFILE, consent=CONSENT)
    service.withdraw(actor=account)
    db.session.commit()
    profile = edit(account, display_name="重新开始")
    assert profile.status is ProfileStatus.draft and profile.consent_version is None
    assert profile.city is None
    edit(account, **COMPLETE_PROFILE, consent=CONSENT)
    assert service.submit(actor=account).status is ProfileStatus.pending
