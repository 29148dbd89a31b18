"""Seats at an event: sign-ups and the waitlist, invitations, and keeping the seats settled.

Every function here that takes or frees a seat runs under the event's lock (``lock_event``) and
first *settles* the event: invitations past their time expire, the waitlist moves up into free
seats (first come, first served), and seats freed by declined or expired invitations are offered
to the next best candidates. Settling happens whenever the event is next touched, and in the
``expire-invitations`` job for events nobody touches.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _, label
from matchsvc.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from matchsvc.events.models import Event, EventStatus, Invitation, InvitationStatus, Signup, SignupStatus
from matchsvc.events.service import groups
from matchsvc.events.service.common import (ACTIVE, GENDERS, get_event, ineligibility,
                                            invitation_of, lock_event, require_manager, seats, signup_of)
from matchsvc.extensions import db
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Profile


# -- settling ---------------------------------------------------------------------------------

def settle(event: Event, *, now: datetime) -> None:
    """Bring a locked event up to date: expire, move the waitlist up, back-fill invitations."""
    if event.status is EventStatus.cancelled:
        return
    _expire_due(event, now=now)
    _promote(event, now=now)
    _backfill(event, now=now)


def _expire_due(event: Event, *, now: datetime) -> None:
    due = db.session.scalars(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.status == InvitationStatus.pending,
        Invitation.expires_at <= now).order_by(Invitation.id)).all()
    for invitation in due:
        invitation.status = InvitationStatus.expired
        invitation.responded_at = invitation.expires_at
        signals.invitation_expired.send(invitation)
    db.session.flush()


def _promote(event: Event, *, now: datetime) -> None:
    """Confirm waitlisted members, oldest first, while their gender has a seat (until the start)."""
    if now >= event.starts_at:
        return
    free = seats(event, now=now)
    if free.total_left() == 0:
        return
    queue = db.session.scalars(sa.select(Signup).where(
        Signup.event_id == event.id, Signup.status == SignupStatus.waitlisted)
        .order_by(Signup.queued_at, Signup.id)).all()
    for signup in queue:
        if free.total_left() == 0:
            break
        if free.left(signup.gender) == 0 or not visibility.is_shown(signup.profile):
            continue
        signup.status = SignupStatus.confirmed
        signup.confirmed_at = now
        free.take(signup.gender)
        db.session.flush()
        signals.signup_promoted.send(signup)


def _backfill(event: Event, *, now: datetime) -> None:
    """Offer each seat freed by a declined or expired invitation to the next best candidate of
    the same gender, next to the group already there (each freed seat is offered once)."""
    freed = db.session.scalars(sa.select(Invitation).where(
        Invitation.event_id == event.id,
        Invitation.status.in_((InvitationStatus.declined, InvitationStatus.expired)),
        Invitation.backfilled_at.is_(None)).order_by(Invitation.id)).all()
    if not freed:
        return
    for invitation in freed:
        invitation.backfilled_at = now
    db.session.flush()
    if now >= event.starts_at:
        return
    free = seats(event, now=now)
    need = {g: min(sum(1 for i in freed if i.gender is g), free.left(g)) for g in GENDERS}
    if not any(need.values()):
        return
    proposal = groups.propose(event, need, fixed=groups.group_now(event, now=now))
    inviter = freed[0].invited_by
    _send(event, [m.profile for m in proposal.members], invited_by=inviter, now=now)


def _send(event: Event, people: list[Profile], *, invited_by: int | None, now: datetime) -> list[Invitation]:
    ttl = timedelta(hours=current_app.config["INVITATION_TTL_HOURS"])
    sent = []
    for profile in people:
        invitation = Invitation(event_id=event.id, profile_id=profile.id, gender=profile.gender,
                                status=InvitationStatus.pending, expires_at=min(now + ttl, event.starts_at),
                                invited_by=invited_by, created_at=now)
        db.session.add(invitation)
        sent.append(invitation)
    db.session.flush()
    for invitation in sent:
        signals.invitation_sent.send(invitation)
    return sent


def settle_due(*, now: datetime | None = None) -> int:
    """The ``expire-invitations`` job: settle every upcoming event with an invitation past its time
    or a freed seat not yet offered again. Returns how many events were settled."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(Invitation.event_id).join(Event, Event.id == Invitation.event_id).where(
        Event.status == EventStatus.published,
        sa.or_(sa.and_(Invitation.status == InvitationStatus.pending, Invitation.expires_at <= now),
               sa.and_(Invitation.status.in_((InvitationStatus.declined, InvitationStatus.expired)),
                       Invitation.backfilled_at.is_(None)))).distinct()).all()
    for event_id in sorted(due):
        settle(lock_event(event_id), now=now)
        db.session.commit()
    return len(due)


# -- sign-ups ---------------------------------------------------------------------------------

def sign_up(*, actor: Account, event_id: int) -> tuple[Signup, bool]:
    """Sign the caller up: confirmed while their gender has a seat, else at the back of the waitlist.

    Returns the sign-up and whether it is new: signing up again while confirmed or waitlisted
    changes nothing and returns the standing sign-up; with a pending invitation it accepts it.
    Forbidden without an approved profile; NotFound for an unknown event; Conflict (409) once the
    event is cancelled (``event_cancelled``) or the deadline passed (``signup_closed``);
    ValidationFailed (422) when not eligible (``out_of_scope``, ``age_not_eligible``,
    ``gender_not_admitted``).
    """
    profile = visibility.require_standing(actor)
    event = lock_event(event_id)
    now = utcnow()
    settle(event, now=now)
    if event.status is EventStatus.cancelled:
        raise Conflict("This event was cancelled.", code="event_cancelled")
    signup = signup_of(event.id, profile.id)
    if signup is not None and signup.status in ACTIVE:
        return signup, False
    if now >= event.signup_deadline:
        raise Conflict("Sign-up for this event has closed.", code="signup_closed")
    problem = ineligibility(event, profile)
    if problem is not None:
        raise ValidationFailed(problem.detail, code=problem.code, errors={problem.field: [problem.detail]})
    invitation = invitation_of(event.id, profile.id)
    if invitation is not None and invitation.status is InvitationStatus.pending:
        return _accept(invitation, profile, now=now), True
    status = SignupStatus.confirmed if seats(event, now=now).left(profile.gender) > 0 else SignupStatus.waitlisted
    return _take_seat(event, profile, signup, status, now=now), True


def _take_seat(event: Event, profile: Profile, signup: Signup | None, status: SignupStatus, *,
           now: datetime) -> Signup:
    if signup is None:
        signup = Signup(event_id=event.id, profile_id=profile.id, gender=profile.gender, created_at=now)
        db.session.add(signup)
    signup.gender = profile.gender
    signup.status = status
    signup.queued_at = now
    signup.confirmed_at = now if status is SignupStatus.confirmed else None
    signup.cancelled_at = None
    db.session.flush()
    return signup


def cancel_signup(*, actor: Account, event_id: int) -> None:
    """Take the caller off an event; their seat goes to the first waitlisted member who fits it.

    NotFound unless signed up (confirmed or waitlisted); Conflict (409, ``event_started``) once the
    event has started.
    """
    profile = profiles.find_own(actor)
    event = lock_event(event_id)
    signup = signup_of(event.id, profile.id) if profile is not None else None
    if signup is None or signup.status not in ACTIVE:
        raise NotFound("You are not signed up for this event.", code="not_signed_up")
    now = utcnow()
    if now >= event.starts_at:
        raise Conflict("The event has started; it is too late to cancel.", code="event_started")
    signup.status = SignupStatus.cancelled
    signup.cancelled_at = now
    signup.confirmed_at = None
    db.session.flush()
    settle(event, now=now)


# -- invitations ------------------------------------------------------------------------------

def invite(*, actor: Account, event_id: int, profile_ids: list[int]) -> dict[str, list[Invitation]]:
    """Invite members to an event the caller runs; each invitation holds a seat until it expires
    (INVITATION_TTL_HOURS, at the latest when the event starts) and notifies the invitee.

    All or nothing. Forbidden unless the caller runs the event; Conflict (409) once it is cancelled
    or started, or with too few seats left for a gender (``no_seats``); ValidationFailed (422,
    ``not_eligible``) naming each profile that is not approved, not eligible, signed up, or
    already invited (someone who declined is not asked again).
    """
    event = lock_event(event_id)
    require_manager(actor, event)
    now = utcnow()
    settle(event, now=now)
    if event.status is EventStatus.cancelled:
        raise Conflict("This event was cancelled.", code="event_cancelled")
    if now >= event.starts_at:
        raise Conflict("The event has started.", code="event_started")
    ids = list(dict.fromkeys(profile_ids))
    found = {p.id: p for p in db.session.scalars(sa.select(Profile).where(Profile.id.in_(ids)))}
    errors: dict[str, list[str]] = {}
    for i, pid in enumerate(ids):
        problem = _invite_problem(event, found.get(pid))
        if problem:
            errors[f"profile_ids.{i}"] = [problem]
    if errors:
        raise ValidationFailed("Some of these members cannot be invited; see errors.", code="not_eligible",
                               errors=errors)
    people = [found[pid] for pid in ids]
    free = seats(event, now=now)
    for gender in GENDERS:
        wanted = sum(1 for p in people if p.gender is gender)
        if wanted > free.left(gender):
            raise Conflict(_("Only %(left)d seats are left for %(gender)s members; %(wanted)d invitations "
                             "would need more.", left=free.left(gender), gender=label(gender.value),
                             wanted=wanted), code="no_seats")
    return {"items": _send(event, people, invited_by=actor.id, now=now)}


def _invite_problem(event: Event, profile: Profile | None) -> str | None:
    if not visibility.is_shown(profile):
        return _("No approved profile with this id.")
    problem = ineligibility(event, profile)
    if problem is not None:
        return problem.about_other
    signup = signup_of(event.id, profile.id)
    if signup is not None and signup.status in ACTIVE:
        return _("Already signed up.")
    if invitation_of(event.id, profile.id) is not None:
        return _("Already invited to this event.")
    return None


def _own_invitation(actor: Account, invitation_id: int) -> tuple[Invitation, Profile]:
    """The caller's invitation, under its event's lock; NotFound for anyone else's."""
    profile = profiles.find_own(actor)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or profile is None or invitation.profile_id != profile.id:
        raise NotFound("No such invitation.")
    lock_event(invitation.event_id)
    db.session.refresh(invitation)
    return invitation, profile


def _respondable(invitation: Invitation) -> None:
    if invitation.event.status is EventStatus.cancelled:
        raise Conflict("This event was cancelled.", code="event_cancelled")
    if invitation.status is InvitationStatus.expired:
        raise Conflict("This invitation has expired.", code="invitation_expired")
    if invitation.status is not InvitationStatus.pending:
        raise InvalidTransition(_("This invitation was already %(status)s.", status=label(invitation.status.value)))


def accept(*, actor: Account, invitation_id: int) -> Invitation:
    """The invitee takes the seat the invitation held: a confirmed sign-up.

    NotFound unless it is the caller's; Conflict (409) if the event was cancelled, the invitation
    expired (``invitation_expired``) or was already answered; Forbidden without an approved profile.
    """
    invitation, profile = _own_invitation(actor, invitation_id)
    now = utcnow()
    settle(invitation.event, now=now)
    _respondable(invitation)
    visibility.require_standing(actor)
    _accept(invitation, profile, now=now)
    return invitation


def _accept(invitation: Invitation, profile: Profile, *, now: datetime) -> Signup:
    invitation.status = InvitationStatus.accepted
    invitation.responded_at = now
    return _take_seat(invitation.event, profile, signup_of(invitation.event_id, profile.id), SignupStatus.confirmed,
                  now=now)


def decline(*, actor: Account, invitation_id: int) -> Invitation:
    """The invitee says no; the seat is offered to the waitlist, then to the next best candidate.

    NotFound unless it is the caller's; Conflict (409) if cancelled, expired or already answered.
    """
    invitation, _profile = _own_invitation(actor, invitation_id)
    now = utcnow()
    settle(invitation.event, now=now)
    _respondable(invitation)
    invitation.status = InvitationStatus.declined
    invitation.responded_at = now
    db.session.flush()
    settle(invitation.event, now=now)
    return invitation


def propose_group(*, actor: Account, event_id: int, size: int) -> groups.Proposal:
    """A matched group of ``size`` members for an event the caller runs (see ``groups``); at most
    as many as there are seats, split between the genders by the quota. Nothing is written.

    Forbidden unless the caller runs the event; Conflict (409) if it is cancelled or started.
    """
    event = get_event(event_id)
    require_manager(actor, event)
    now = utcnow()
    if event.status is EventStatus.cancelled:
        raise Conflict("This event was cancelled.", code="event_cancelled")
    if now >= event.starts_at:
        raise Conflict("The event has started.", code="event_started")
    return groups.propose(event, groups.split_seats(size, seats(event, now=now)))
