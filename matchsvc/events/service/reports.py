"""What is told about an event afterwards: the organizer's report, a member's export, and what a
withdrawal erases."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.events.models import (Event, Invitation, InvitationStatus, MatchFollowup, Selection, Signup,
                                    SignupStatus)
from matchsvc.events.service import rosters
from matchsvc.events.service.common import ACTIVE, get_event, invitation_state, lock_event, require_manager
from matchsvc.events.service.seats import settle
from matchsvc.extensions import db
from matchsvc.interactions.models import Match
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Gender, Profile


def report(*, actor: Account, event_id: int) -> dict[str, Any]:
    """Sign-ups, waitlist, invitations and their answers, attendance, selections and matches of an
    event the caller runs, and where each person stands (display name, gender, age, unit; never
    the contact). Members who withdrew their profile are counted but not listed. NotFound for an unknown event; Forbidden unless the caller runs it."""
    event = get_event(event_id)
    require_manager(actor, event)
    now = utcnow()
    signups = db.session.scalars(sa.select(Signup).where(Signup.event_id == event.id).order_by(Signup.id)).all()
    invitations = db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event.id)
                                     .order_by(Invitation.id)).all()
    counts = {s: {g.value: 0 for g in Gender} for s in ACTIVE}
    for signup in signups:
        if signup.status in counts:
            counts[signup.status][signup.gender.value] += 1
    answers = [invitation_state(i, now=now) for i in invitations]
    people = [asdict(p) for p in rosters.people(event, now=now)]
    return {
        "signups": {"confirmed": counts[SignupStatus.confirmed], "waitlisted": counts[SignupStatus.waitlisted],
                    "cancelled": sum(1 for s in signups if s.status is SignupStatus.cancelled)},
        "invitations": {"sent": len(invitations), "accepted": answers.count("accepted"),
                        "declined": answers.count("declined"), "expired": answers.count("expired")},
        "attendance": {"checked_in": sum(1 for s in signups if s.checked_in_at is not None)},
        "selections": db.session.scalar(sa.select(sa.func.count(Selection.id)).where(
            Selection.event_id == event.id)) or 0,
        "matches": db.session.scalar(sa.select(sa.func.count(Match.id)).where(Match.event_id == event.id)) or 0,
        "people": people,
    }


@profiles.register_exporter("events")
def export_rows(*, actor: Account, profile: Profile | None) -> list[dict[str, Any]]:
    """The member's seats at events, their own selections there and their own follow-up answers."""
    if profile is None:
        return []
    now = utcnow()
    out: dict[int, dict[str, Any]] = {}

    def row(event: Event) -> dict[str, Any]:
        return out.setdefault(event.id, {"event_id": event.id, "title": event.title,
                                         "starts_at": event.starts_at.isoformat(), "signup": None,
                                         "invitation": None, "picks": [], "met": []})

    for signup in db.session.scalars(sa.select(Signup).where(Signup.profile_id == profile.id)):
        row(signup.event)["signup"] = {
            "status": signup.status.value, "queued_at": signup.queued_at.isoformat(),
            "checked_in_at": signup.checked_in_at.isoformat() if signup.checked_in_at else None}
    for invitation in db.session.scalars(sa.select(Invitation).where(Invitation.profile_id == profile.id)):
        row(invitation.event)["invitation"] = {
            "id": invitation.id, "status": invitation_state(invitation, now=now),
            "expires_at": invitation.expires_at.isoformat(),
            "responded_at": invitation.responded_at.isoformat() if invitation.responded_at else None}
    for selection in db.session.scalars(sa.select(Selection).where(Selection.chooser_id == profile.id)):
        row(get_event(selection.event_id))["picks"].append(selection.chosen_id)
    answers = db.session.execute(sa.select(MatchFollowup, Match.event_id).join(Match, Match.id == MatchFollowup.match_id)
                                 .where(MatchFollowup.profile_id == profile.id, MatchFollowup.met.is_not(None)))
    followups = []
    for answer, event_id in answers:
        item = {"match_id": answer.match_id, "met": answer.met, "answered_at": answer.answered_at.isoformat()}
        if event_id is not None:
            row(get_event(event_id))["met"].append(item)
        else:
            followups.append(item)
    return list(out.values()) + ([{"event_id": None, "met": followups}] if followups else [])


@profiles.register_eraser
def erase(profile: Profile) -> None:
    """A withdrawn member leaves every event still ahead at once (the seat goes to the waitlist);
    the rows stay, anonymous (the profile's deletion nulls them), so past events keep their counts."""
    now = utcnow()
    active = db.session.scalars(sa.select(Signup).where(Signup.profile_id == profile.id, Signup.status.in_(ACTIVE))).all()
    pending = db.session.scalars(sa.select(Invitation).where(Invitation.profile_id == profile.id,
                                                             Invitation.status == InvitationStatus.pending)).all()
    touched = set()
    for signup in active:
        if signup.event.starts_at > now:
            lock_event(signup.event_id)
            signup.status = SignupStatus.cancelled
            signup.cancelled_at = now
            signup.confirmed_at = None
            touched.add(signup.event_id)
    for invitation in pending:
        lock_event(invitation.event_id)
        invitation.status = InvitationStatus.cancelled
        invitation.responded_at = now
        touched.add(invitation.event_id)
    db.session.flush()
    for event_id in sorted(touched):
        settle(get_event(event_id), now=now)
