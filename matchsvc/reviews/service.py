"""Review: the queue, decisions, suspensions, and the audit log."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account, Role
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _, label
from matchsvc.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.reviews.models import AuditEntry


def record(*, actor: Account | None, action: str, target: str, org_unit_id: int | None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one audit entry (never personal content in ``detail`` beyond a reviewer's note)."""
    entry = AuditEntry(actor_id=actor.id if actor else None, action=action, target=target,
                       org_unit_id=org_unit_id, detail=detail or {}, at=utcnow())
    db.session.add(entry)
    return entry


def scrub_target(target: str) -> None:
    """Drop personal content (notes, reasons) from the entries about ``target``; keep the facts."""
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.target == target)).all()
    for entry in entries:
        if any(k in entry.detail for k in ("note", "reason")):
            entry.detail = {k: v for k, v in entry.detail.items() if k not in ("note", "reason")}


def audit_log(*, actor: Account, action: str | None = None, target: str | None = None) -> sa.Select[Any]:
    """Entries newest first: all of them for an admin, their subtree's for a reviewer (403 otherwise)."""
    stmt = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if not actor.has_role(Role.admin):
        if not actor.has_role(Role.reviewer):
            raise Forbidden("The audit log is for admins and reviewers.", code="role_required")
        stmt = stmt.where(visibility.scope_clause(actor, AuditEntry.org_unit_id))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if target:
        stmt = stmt.where(AuditEntry.target == target)
    return stmt


def _profile_unit(profile: Any) -> int:
    return profile.account.org_unit_id


def queue(*, actor: Account, org_unit_id: int | None = None) -> sa.Select[Any]:
    """Pending profiles of the reviewer's unit and every unit below it, oldest first;
    ``org_unit_id`` narrows it to that unit's subtree (which must lie in scope: 403 otherwise)."""
    from matchsvc.profiles.models import Profile, ProfileStatus

    stmt = (sa.select(Profile).join(Account, Account.id == Profile.account_id)
            .where(Profile.status == ProfileStatus.pending,
                   visibility.scope_clause(actor, Account.org_unit_id))
            .order_by(Profile.submitted_at, Profile.id))
    if org_unit_id is not None:
        visibility.require_in_scope(actor, org_unit_id)
        stmt = stmt.where(orgs.subtree_clause(org_unit_id, Account.org_unit_id))
    return stmt


def profile_for_review(*, actor: Account, profile_id: int) -> Any:
    """A profile in the reviewer's scope, in any state (the console shows it with the decision,
    suspend or unsuspend that fits). NotFound for an unknown id; Forbidden out of scope."""
    return _profile_for_reviewer(actor, profile_id)


def _profile_for_reviewer(actor: Account, profile_id: int) -> Any:
    from matchsvc.profiles.models import Profile

    profile = db.session.get(Profile, profile_id)
    if profile is None:
        raise NotFound("No such profile.")
    visibility.require_in_scope(actor, _profile_unit(profile))
    return profile


def decide(*, actor: Account, profile_id: int, decision: str, note: str | None) -> Any:
    """Approve, reject or request changes on a pending profile in scope.

    Approving also approves the profile's pending photos (they are decided with it; a reviewer
    rejects a bad one first). NotFound; Forbidden out of scope or for one's own profile;
    InvalidTransition (409) unless pending; ValidationFailed if a rejection or change request has
    no note for the member.
    """
    from matchsvc.profiles.models import ProfileStatus

    profile = _profile_for_reviewer(actor, profile_id)
    if profile.account_id == actor.id:
        raise Forbidden("Nobody reviews their own profile.", code="own_profile")
    if profile.status is not ProfileStatus.pending:
        raise InvalidTransition(_("Only pending profiles are reviewed; this one is %(status)s.",
                                  status=label(profile.status.value)))
    if decision != "approve" and not (note or "").strip():
        raise ValidationFailed("Tell the member why.", errors={"note": ["Required when rejecting or requesting changes."]})
    now = utcnow()
    waited = (now - profile.submitted_at).total_seconds() if profile.submitted_at else None
    profile.status = {"approve": ProfileStatus.approved, "reject": ProfileStatus.rejected,
                      "request_changes": ProfileStatus.changes_requested}[decision]
    profile.review_note = (note or "").strip() or None
    profile.reviewed_at = now
    if decision == "approve" and profile.approved_at is None:
        profile.approved_at = now
    detail: dict[str, Any] = {"review_seconds": waited}
    if profile.review_note:
        detail["note"] = profile.review_note
    record(actor=actor, action=decision, target=f"profile:{profile.id}", org_unit_id=_profile_unit(profile),
           detail=detail)
    if decision == "approve":  # the photos sent with it were shown in its queue item
        from matchsvc.photos import service as photos

        photos.approve_with_profile(actor=actor, profile=profile)
    db.session.flush()
    signals.profile_reviewed.send(profile, decision=decision, note=profile.review_note)
    if decision == "approve":
        signals.pool_changed.send(profile)
    return profile


def suspend(*, actor: Account, profile_id: int, reason: str) -> Any:
    """Take a profile in scope out of the pool (after a report, say). 409 if already suspended."""
    from matchsvc.profiles.models import ProfileStatus

    profile = _profile_for_reviewer(actor, profile_id)
    if profile.status is ProfileStatus.suspended:
        raise InvalidTransition("This profile is already suspended.")
    previous = profile.status
    profile.status = ProfileStatus.suspended
    profile.review_note = reason
    profile.reviewed_at = utcnow()
    record(actor=actor, action="suspend", target=f"profile:{profile.id}", org_unit_id=_profile_unit(profile),
           detail={"reason": reason, "from": previous.value})
    db.session.flush()
    signals.profile_suspended.send(profile, reason=reason)
    signals.pool_changed.send(profile)
    return profile
