"""Review: queue, decisions, suspension, the audit log (no HTTP)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.notifications.models import Notification
from matchsvc.profiles.models import ProfileStatus
from matchsvc.reviews import audit, service
from matchsvc.reviews.models import AuditEntry


def _queue(actor):
    return [p.id for p in db.session.scalars(service.queue(actor=actor))]


def test_queue_in_scope_oldest_first(make, units, pending):
    newer = pending(units["tax"], 5)[1]
    older = pending(units["tax_sub"], 50)[1]
    pending(units["women"], 100)
    pending(units["root"], 200)
    make.member(unit=units["tax"])  # approved: not in the queue
    assert _queue(make.account("reviewer", unit=units["tax"])) == [older.id, newer.id]
    assert _queue(make.account("reviewer", unit=units["tax_sub"])) == [older.id]
    assert len(_queue(make.account("reviewer", unit=units["root"]))) == 4


def test_approve(make, units, pending):
    reviewer = make.account("reviewer", unit=units["tax"])
    profile = pending(units["tax_sub"], 30)[1]
    decided = service.decide(actor=reviewer, profile_id=profile.id, decision="approve", note=None)
    assert decided.status is ProfileStatus.approved
    assert decided.approved_at is not None and decided.reviewed_at is not None and decided.review_note is None
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "approve")).all()
    assert entry.actor_id == reviewer.id and entry.target == f"profile:{profile.id}"
    assert entry.org_unit_id == units["tax_sub"].id and entry.detail["review_seconds"] >= 30 * 60 - 5


@pytest.mark.parametrize("decision,status", [("reject", ProfileStatus.rejected),
                                             ("request_changes", ProfileStatus.changes_requested)])
def test_reject_and_request_changes_need_a_note(make, units, decision, status, pending):
    reviewer = make.account("reviewer", unit=units["tax"])
    profile = pending(units["tax"])[1]
    for note in (None, "", "   "):
        with pytest.raises(ValidationFailed) as exc:
            service.decide(actor=reviewer, profile_id=profile.id, decision=decision, note=note)
        assert "note" in exc.value.errors
    decided = service.decide(actor=reviewer, profile_id=profile.id, decision=decision, note=" 请补充学历 ")
    assert decided.status is status and decided.review_note == "请补充学历"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == decision))
    assert entry.detail["note"] == "请补充学历"


def test_decision_notifies_the_member(make, units, pending):
    reviewer = make.account("reviewer", unit=units["tax"])
    profile = pending(units["tax"])[1]
    service.decide(actor=reviewer, profile_id=profile.id, decision="reject", note="资料不实")
    note = db.session.scalar(sa.select(Notification).where(Notification.account_id == profile.account_id))
    assert note.kind == "review_decided"
    assert note.payload == {"profile_id": profile.id, "decision": "reject", "note": "资料不实"}


@pytest.mark.parametrize("status", [s for s in ProfileStatus if s is not ProfileStatus.pending])
def test_decide_not_pending_is_409(make, units, status):
    reviewer = make.account("reviewer", unit=units["tax"])
    _, profile = make.member(unit=units["tax"], status=status)
    with pytest.raises(InvalidTransition):
        service.decide(actor=reviewer, profile_id=profile.id, decision="approve", note=None)


@pytest.mark.parametrize("where", ["women", "root"])
def test_decide_out_of_scope_is_forbidden(make, units, where, pending):
    reviewer = make.account("reviewer", unit=units["tax"])
    profile = pending(units[where])[1]
    with pytest.raises(Forbidden) as exc:
        service.decide(actor=reviewer, profile_id=profile.id, decision="approve", note=None)
    assert exc.value.code == "out_of_scope"
    assert profile.status is ProfileStatus.pending


def test_reviewer_cannot_review_own_profile(make, units):
    reviewer = make.account("reviewer", unit=units["tax"])
    profile = make.profile(reviewer, pending=True)
    with pytest.raises(Forbidden) as exc:
        service.decide(actor=reviewer, profile_id=profile.id, decision="approve", note=None)
    assert exc.value.code == "own_profile"


def test_decide_unknown_profile_is_not_found(make, units):
    with pytest.raises(NotFound):
        service.decide(actor=make.account("reviewer"), profile_id=999, decision="approve", note=None)


@pytest.mark.parametrize("status", [s for s in ProfileStatus if s is not ProfileStatus.suspended])
def test_suspend(make, units, status):
    reviewer = make.account("reviewer", unit=units["tax"])
    _, profile = make.member(unit=units["tax_sub"], status=status)
    suspended = service.suspend(actor=reviewer, profile_id=profile.id, reason="冒用他人照片")
    assert suspended.status is ProfileStatus.suspended and suspended.review_note == "冒用他人照片"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "suspend"))
    assert entry.detail == {"reason": "冒用他人照片", "from": status.value}
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.account_id == profile.account_id)).all()
    assert kinds == ["profile_suspended"]
    with pytest.raises(InvalidTransition):
        service.suspend(actor=reviewer, profile_id=profile.id, reason="again")


def test_suspend_out_of_scope_forbidden(make, units):
    _, profile = make.member(unit=units["women"])
    with pytest.raises(Forbidden):
        service.suspend(actor=make.account("reviewer", unit=units["tax"]), profile_id=profile.id, reason="x")


def test_audit_log_admin_sees_all_reviewer_own_scope(make, units):
    for unit in ("tax", "tax_sub", "women"):
        audit.record(actor=None, action="approve", target=f"profile:{unit}", org_unit_id=units[unit].id)
    audit.record(actor=None, action="role_granted", target="account:1", org_unit_id=None)
    db.session.commit()

    def targets(actor, **kw):
        return sorted(e.target for e in db.session.scalars(audit.audit_log(actor=actor, **kw)))

    assert len(targets(make.account("admin", unit=units["women"]))) == 4
    assert targets(make.account("reviewer", unit=units["tax"])) == ["profile:tax", "profile:tax_sub"]
    assert targets(make.account("reviewer", unit=units["women"])) == ["profile:women"]
    assert targets(make.account("admin"), action="role_granted") == ["account:1"]
    assert targets(make.account("admin"), target="profile:women") == ["profile:women"]
    with pytest.raises(Forbidden):
        audit.audit_log(actor=make.account("organizer"))


def test_audit_log_newest_first(make):
    for i in range(3):
        audit.record(actor=None, action="approve", target=f"profile:{i}", org_unit_id=None)
        db.session.flush()
    entries = db.session.scalars(audit.audit_log(actor=make.account("admin"))).all()
    assert [e.target for e in entries] == ["profile:2", "profile:1", "profile:0"]


def test_scrub_target_drops_notes_and_reasons_only(make):
    audit.record(actor=None, action="reject", target="profile:7", org_unit_id=None,
                   detail={"note": "私人内容", "review_seconds": 12})
    audit.record(actor=None, action="suspend", target="profile:7", org_unit_id=None,
                   detail={"reason": "私人内容", "from": "approved"})
    audit.record(actor=None, action="reject", target="profile:8", org_unit_id=None, detail={"note": "留下"})
    db.session.flush()
    audit.scrub_target("profile:7")
    db.session.flush()
    details = {(e.target, e.action): e.detail for e in db.session.scalars(sa.select(AuditEntry))}
    assert details[("profile:7", "reject")] == {"review_seconds": 12}
    assert details[("profile:7", "suspend")] == {"from": "approved"}
    assert details[("profile:8", "reject")] == {"note": "留下"}
