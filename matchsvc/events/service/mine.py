"""A member's own side of events: the events they are part of, their invitations, and (after
checking in) the other attendees they may select."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from matchsvc import visibility
from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _
from matchsvc.errors import Forbidden
from matchsvc.events.models import Event, Invitation, InvitationStatus, Selection, Signup
from matchsvc.events.service.common import get_event, signup_of
from matchsvc.events.service.events import EventView, views
from matchsvc.extensions import db
from matchsvc.photos.models import with_main_photo
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Profile

#: What ``GET /me/invitations?status=`` filters on (a pending invitation past its time is expired).
INVITATION_STATES = ("pending", "accepted", "declined", "expired", "cancelled")


def my_events(*, actor: Account, when: str | None = None) -> list[EventView]:
    """Every event the caller signed up for (confirmed, waitlisted or cancelled) or was invited to,
    with ``my_status``, whether they attended and whether it is over: the ones still ahead first,
    soonest first, then the past ones, latest first. ``when``: only ``upcoming`` or ``past`` ones."""
    profile = profiles.find_own(actor)
    if profile is None:
        return []
    now = utcnow()
    mine = sa.union(sa.select(Signup.event_id).where(Signup.profile_id == profile.id),
                    sa.select(Invitation.event_id).where(Invitation.profile_id == profile.id))
    stmt = sa.select(Event).where(Event.id.in_(mine))
    if when == "upcoming":
        stmt = stmt.where(Event.ends_at > now)
    elif when == "past":
        stmt = stmt.where(Event.ends_at <= now)
    events = db.session.scalars(stmt).all()
    ahead = sorted((e for e in events if e.ends_at > now), key=lambda e: (e.starts_at, e.id))
    behind = sorted((e for e in events if e.ends_at <= now), key=lambda e: (e.starts_at, e.id), reverse=True)
    return views(actor, ahead + behind, now=now)


class InvitationView:
    """An invitation with its event, and its status as the member sees it now."""

    def __init__(self, invitation: Invitation, event: EventView, *, now: datetime) -> None:
        self._invitation = invitation
        self.event = event
        self.status = invitation_status(invitation, now=now)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._invitation, name)


def invitation_status(invitation: Invitation, *, now: datetime) -> str:
    """pending | accepted | declined | expired | cancelled (pending past its time: expired)."""
    if invitation.status is InvitationStatus.pending and invitation.expires_at <= now:
        return "expired"
    return invitation.status.value


def my_invitations(*, actor: Account, status: str | None = None) -> list[InvitationView]:
    """The caller's invitations, newest first, each with its event; ``status`` filters them."""
    profile = profiles.find_own(actor)
    if profile is None:
        return []
    now = utcnow()
    rows = db.session.scalars(sa.select(Invitation).where(Invitation.profile_id == profile.id)
                              .order_by(Invitation.created_at.desc(), Invitation.id.desc())).all()
    if status is not None:
        rows = [i for i in rows if invitation_status(i, now=now) == status]
    shown = {v.id: v for v in views(actor, list({i.event_id: i.event for i in rows}.values()), now=now)}
    return [InvitationView(i, shown[i.event_id], now=now) for i in rows]


class Attendee:
    """An attendee's public view, and whether the caller selected them."""

    def __init__(self, profile: Profile, selected: bool) -> None:
        self._profile = profile
        self.selected = selected

    def __getattr__(self, name: str) -> Any:
        if name == "contact":  # never, whatever a schema asks for
            raise AttributeError(name)
        return getattr(self._profile, name)


def attendees(*, actor: Account, event_id: int) -> list[Attendee]:
    """The other attendees who checked in and whom the caller may select: of the other gender, still
    shown and visible to the caller (``visibility.visible_clause``: no block either way); each with
    whether the caller selected them already. Public fields only, never the contact.

    NotFound for an unknown event; Forbidden (``not_checked_in``) unless the caller checked in.
    """
    event = get_event(event_id)
    own = profiles.find_own(actor)
    mine = signup_of(event.id, own.id) if own is not None else None
    if own is None or mine is None or mine.checked_in_at is None:
        raise Forbidden(_("Only attendees who checked in see the other attendees."), code="not_checked_in")
    rows = db.session.scalars(sa.select(Profile).join(Signup, Signup.profile_id == Profile.id).where(
        Signup.event_id == event.id, Signup.checked_in_at.is_not(None), Profile.gender != own.gender,
        visibility.visible_clause(own.id)).order_by(Profile.display_name, Profile.id)
        .options(with_main_photo())).all()
    selected = set(db.session.scalars(sa.select(Selection.chosen_id).where(
        Selection.event_id == event.id, Selection.chooser_id == own.id)))
    return [Attendee(p, p.id in selected) for p in rows]
