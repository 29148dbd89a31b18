"""Review: the queue, decisions and suspensions (the audit log itself lives in ``reviews.audit``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account, Role
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _, label
from matchsvc.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.photos import service as photos
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews import audit


def _profile_unit(profile: Any) -> int:
    return profile.account.org_unit_id


def _scope_unit(actor: Account, org_unit_id: int | None) -> int:
    """The unit whose subtree a reviewer's list covers: their own, or a unit inside it
    (``org_unit_id``). NotFound for an unknown unit; Forbidden (403) for one outside the scope."""
    if org_unit_id is None:
        return actor.org_unit_id
    orgs.get_unit(org_unit_id)
    if not visibility.in_scope(actor, org_unit_id):
        raise Forbidden(_("This org unit is outside your scope."), code="out_of_scope")
    return org_unit_id


def queue(*, actor: Account, org_unit_id: int | None = None) -> sa.Select[Any]:
    """Pending profiles of the reviewer's unit and every unit below it (or of the sub-unit
    ``org_unit_id`` and the units below it), oldest first. NotFound / Forbidden for a unit that
    does not exist or lies outside the reviewer's scope."""
    return (browse(actor=actor, status=ProfileStatus.pending, org_unit_id=org_unit_id)
            .order_by(None).order_by(Profile.submitted_at, Profile.id))


def browse(*, actor: Account, status: Any = None, org_unit_id: int | None = None,
           q: str | None = None) -> sa.Select[Any]:
    """Profiles in the reviewer's scope (or the sub-unit ``org_unit_id``), newest change first:
    of one ``status`` if given, and whose display name or username contains ``q``. NotFound /
    Forbidden for a unit that does not exist or lies outside the scope."""
    unit = _scope_unit(actor, org_unit_id)
    stmt = (sa.select(Profile).join(Account, Account.id == Profile.account_id)
            .where(orgs.subtree_clause(unit, Account.org_unit_id)))
    if status is not None:
        stmt = stmt.where(Profile.status == status)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(Profile.display_name.ilike(pattern, escape="\\"),
                                 Account.username.ilike(pattern, escape="\\")))
    return stmt.order_by(Profile.updated_at.desc(), Profile.id.desc())


def profile_for_review(*, actor: Account, profile_id: int) -> Any:
    """A profile in the reviewer's scope, in any state (the console shows it with the decision,
    suspend or unsuspend that fits). NotFound for an unknown id; Forbidden out of scope."""
    return _profile_for_reviewer(actor, profile_id)


def _profile_for_reviewer(actor: Account, profile_id: int) -> Any:
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
    profile = _profile_for_reviewer(actor, profile_id)
    if profile.account_id == actor.id:
        raise Forbidden("Nobody reviews their own profile.", code="own_profile")
    if profile.status is not ProfileStatus.pending:
        raise InvalidTransition(_("Only pending profiles are reviewed; this one is %(status)s.",
                                  status=label(profile.status.value)))
    if decision != "approve" and not (note or "").strip():
        raise ValidationFailed("Tell the member why.", errors={"note": ["Required when rejecting or requesting changes."]})
    now = utcnow()
    profile.status = {"approve": ProfileStatus.approved, "reject": ProfileStatus.rejected,
                      "request_changes": ProfileStatus.changes_requested}[decision]
    profile.review_note = (note or "").strip() or None
    profile.reviewed_at = now
    if decision == "approve":
        profile.approved_snapshot = profiles.public_snapshot(profile)
        if profile.approved_at is None:
            profile.approved_at = now
    audit.record_many([decision_entry(reviewer_id=actor.id, decision=decision, profile_id=profile.id,
                                      org_unit_id=_profile_unit(profile), submitted_at=profile.submitted_at,
                                      at=now, note=profile.review_note)])
    if decision == "approve":  # the photos sent with it were shown in its queue item
        photos.approve_with_profile(actor=actor, profile=profile)
    db.session.flush()
    signals.profile_reviewed.send(profile, decision=decision, note=profile.review_note)
    if decision == "approve":
        signals.pool_changed.send(profile)
    return profile


def decision_entry(*, reviewer_id: int | None, decision: str, profile_id: int, org_unit_id: int,
                   submitted_at: datetime | None, at: datetime, note: str | None = None,
                   via: str | None = None) -> dict[str, Any]:
    """The audit entry of a review decision: how long the profile waited (the statistics' review
    time), the note the member was sent, and ``via`` for a job that decided in bulk."""
    detail: dict[str, Any] = {"review_seconds": (at - submitted_at).total_seconds() if submitted_at else None}
    if note:
        detail["note"] = note
    if via:
        detail["via"] = via
    return audit.entry(actor_id=reviewer_id, action=decision, target=f"profile:{profile_id}",
                       org_unit_id=org_unit_id, detail=detail, at=at)


def approve_in_bulk(*, reviewer_id: int, items: list[tuple[int, int, dict[str, Any]]],
                    via: str) -> list[dict[str, Any]]:
    """Approvals made by a job rather than at the console (the demo's seed), for profiles about to
    be inserted in bulk: each ``(profile_id, org_unit_id, values)`` holds the columns of a profile
    approved at ``values["approved_at"]``. Sets the approved snapshot in ``values`` as `decide`
    does, and returns the audit entries `decide` would have written (for `audit.record_many`
    once the profiles are in)."""
    entries = []
    for profile_id, org_unit_id, values in items:
        values["approved_snapshot"] = profiles.public_snapshot(values)
        entries.append(decision_entry(reviewer_id=reviewer_id, decision="approve", profile_id=profile_id,
                                      org_unit_id=org_unit_id, submitted_at=values["submitted_at"],
                                      at=values["approved_at"], via=via))
    return entries


def suspend(*, actor: Account, profile_id: int, reason: str) -> Any:
    """Take a profile in scope out of the pool (after a report, say). 409 if already suspended."""
    profile = _profile_for_reviewer(actor, profile_id)
    if profile.status is ProfileStatus.suspended:
        raise InvalidTransition("This profile is already suspended.")
    previous = profile.status
    profile.status = ProfileStatus.suspended
    profile.review_note = reason
    profile.reviewed_at = utcnow()
    audit.record(actor=actor, action="suspend", target=f"profile:{profile.id}", org_unit_id=_profile_unit(profile),
           detail={"reason": reason, "from": previous.value})
    db.session.flush()
    signals.profile_suspended.send(profile, reason=reason)
    signals.pool_changed.send(profile)
    return profile


def unsuspend(*, actor: Account, profile_id: int, note: str | None = None) -> Any:
    """Lift a suspension of a profile in scope: it is approved (and shown) again, the member is
    notified, and it is audited. NotFound; Forbidden out of scope; InvalidTransition (409) unless
    suspended."""
    profile = _profile_for_reviewer(actor, profile_id)
    if profile.status is not ProfileStatus.suspended:
        raise InvalidTransition(_("Only a suspended profile can be unsuspended."))
    profile.status = ProfileStatus.approved
    profile.review_note = note or None
    profile.reviewed_at = utcnow()
    if profile.approved_at is None:
        profile.approved_at = profile.reviewed_at
    detail: dict[str, Any] = {}
    if note:
        detail["note"] = note
    audit.record(actor=actor, action="unsuspend", target=f"profile:{profile.id}", org_unit_id=_profile_unit(profile),
           detail=detail)
    db.session.flush()
    signals.profile_unsuspended.send(profile, note=note)
    signals.pool_changed.send(profile)
    return profile
