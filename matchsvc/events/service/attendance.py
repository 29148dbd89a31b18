"""On the day and after: check-in, the after-event mutual choice ("heart cards"), and the private
follow-up that asks matched members whether they met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from matchsvc import visibility
from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _
from matchsvc.errors import Conflict, Forbidden, NotFound, ValidationFailed
from matchsvc.events.models import Event, EventStatus, MatchFollowup, Selection, Signup, SignupStatus
from matchsvc.events.service.common import lock_event, require_manager, signup_of
from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.interactions.models import Match, MatchSource
from matchsvc.notifications import service as notifications
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Profile

#: Check-in opens this long before the start.
CHECKIN_LEAD = timedelta(hours=1)


def check_in(*, actor: Account, event_id: int, profile_id: int) -> tuple[Signup, bool]:
    """The organizer checks a confirmed attendee in, from an hour before the start until the end.

    Returns the sign-up and whether this call checked them in (a second check-in changes nothing).
    Forbidden unless the caller runs the event; Conflict (409, ``checkin_closed``) outside the
    window or once cancelled; ValidationFailed (422, ``not_confirmed``) for anyone without a
    confirmed sign-up.
    """
    event = lock_event(event_id)
    require_manager(actor, event)
    now = utcnow()
    if event.status is EventStatus.cancelled:
        raise Conflict("This event was cancelled.", code="event_cancelled")
    if not event.starts_at - CHECKIN_LEAD <= now <= event.ends_at:
        raise Conflict("Check-in is open from an hour before the start until the end.", code="checkin_closed")
    signup = signup_of(event.id, profile_id)
    if signup is None or signup.status is not SignupStatus.confirmed:
        raise ValidationFailed("Only confirmed attendees are checked in.", code="not_confirmed",
                               errors={"profile_id": ["No confirmed sign-up for this event."]})
    if signup.checked_in_at is not None:
        return signup, False
    signup.checked_in_at = now
    db.session.flush()
    return signup, True


def undo_check_in(*, actor: Account, event_id: int, profile_id: int) -> None:
    """The organizer takes back a check-in (the wrong person was ticked), while check-in is open
    (an hour before the start until the end). Selections made by or of that person at this event go
    too (they were not there); a match already made stays.

    Forbidden unless the caller runs the event; Conflict (409, ``checkin_closed``) outside the
    window or once cancelled; NotFound (``not_checked_in``) for someone not checked in.
    """
    event = lock_event(event_id)
    require_manager(actor, event)
    now = utcnow()
    if event.status is EventStatus.cancelled:
        raise Conflict(_("This event was cancelled."), code="event_cancelled")
    if not event.starts_at - CHECKIN_LEAD <= now <= event.ends_at:
        raise Conflict(_("A check-in can be undone only while check-in is open."), code="checkin_closed")
    signup = signup_of(event.id, profile_id)
    if signup is None or signup.checked_in_at is None:
        raise NotFound(_("This member is not checked in at this event."), code="not_checked_in")
    signup.checked_in_at = None
    db.session.execute(sa.delete(Selection).where(
        Selection.event_id == event.id, sa.or_(Selection.chooser_id == profile_id, Selection.chosen_id == profile_id)))
    db.session.flush()


@dataclass
class EventMatch:
    match_id: int
    #: the other member, with the contact (a standing match reveals it)
    profile: profiles.PublicView


@dataclass
class SelectionResult:
    event_id: int
    profile_ids: list[int]
    matches: list[EventMatch]


def _checked_in(event_id: int) -> dict[int, Profile]:
    rows = db.session.scalars(sa.select(Profile).join(Signup, Signup.profile_id == Profile.id).where(
        Signup.event_id == event_id, Signup.checked_in_at.is_not(None)))
    return {p.id: p for p in rows}


def record_selections(*, actor: Account, event_id: int, profile_ids: list[int]) -> SelectionResult:
    """A checked-in attendee selects people of the other gender who checked in too; a selection
    returned makes a match (``source: "event"``) that reveals both contacts and notifies both.

    Selections add up (sending more later keeps the earlier ones); the answer lists all the
    caller's selections at this event and the matches they made there. Open from the start until
    SELECTION_WINDOW_HOURS after the end (Conflict, ``selection_closed``, outside).
    NotFound for an unknown event; Forbidden (``not_checked_in``) for anyone not checked in;
    ValidationFailed (422) for a selection who is oneself, not checked in, or of the same gender.
    """
    event = lock_event(event_id)
    own = profiles.find_own(actor)
    mine = signup_of(event.id, own.id) if own is not None else None
    if mine is None or mine.checked_in_at is None:
        raise Forbidden("Only attendees who checked in may pick.", code="not_checked_in")
    now = utcnow()
    window = timedelta(hours=current_app.config["SELECTION_WINDOW_HOURS"])
    if not event.starts_at <= now <= event.ends_at + window:
        raise Conflict(_("Picks are open from the start of the event until %(hours)d hours after its end.",
                         hours=current_app.config["SELECTION_WINDOW_HOURS"]),
                       code="selection_closed")
    present = _checked_in(event.id)
    ids = list(dict.fromkeys(profile_ids))
    errors: dict[str, list[str]] = {}
    for i, pid in enumerate(ids):
        other = present.get(pid)
        if pid == own.id:
            errors[f"profile_ids.{i}"] = ["You cannot pick yourself."]
        elif other is None:
            errors[f"profile_ids.{i}"] = ["Not an attendee who checked in."]
        elif other.gender == own.gender:
            errors[f"profile_ids.{i}"] = ["Picks are of the other gender."]
    if errors:
        raise ValidationFailed("Some picks are not possible; see errors.", errors=errors)
    already = set(db.session.scalars(sa.select(Selection.chosen_id).where(
        Selection.event_id == event.id, Selection.chooser_id == own.id)))
    for pid in ids:
        if pid in already:
            continue
        db.session.add(Selection(event_id=event.id, chooser_id=own.id, chosen_id=pid, created_at=now))
        db.session.flush()
        returned = db.session.scalar(sa.select(Selection.id).where(
            Selection.event_id == event.id, Selection.chooser_id == pid, Selection.chosen_id == own.id))
        if returned is not None and not visibility.is_blocked(own.id, pid) and not _ever_matched(own.id, pid):
            interactions.create_match(a=own.id, b=pid, source=MatchSource.event, event_id=event.id)
    return _selection_result(event, own)


def _ever_matched(a: int, b: int) -> bool:
    """A standing or ended match: an ended one means the pair never meets again."""
    return db.session.scalar(sa.select(Match.id).where(Match.low_id == min(a, b), Match.high_id == max(a, b))) \
        is not None


def _selection_result(event: Event, own: Profile) -> SelectionResult:
    chosen = list(db.session.scalars(sa.select(Selection.chosen_id).where(
        Selection.event_id == event.id, Selection.chooser_id == own.id).order_by(Selection.id)))
    matches = db.session.scalars(sa.select(Match).where(
        Match.event_id == event.id, Match.ended_at.is_(None),
        sa.or_(Match.low_id == own.id, Match.high_id == own.id)).order_by(Match.id)).all()
    return SelectionResult(event.id, chosen, [EventMatch(m.id, profiles.PublicView(db.session.get(Profile, m.other(own.id)), True))
                                    for m in matches])


# -- the follow-up ----------------------------------------------------------------------------

def send_followups(*, now: datetime | None = None) -> int:
    """The ``send-followups`` job: FOLLOWUP_DAYS after an event match, ask both members privately
    whether they met (once per member and match, and not someone who already answered; running it
    again sends nothing twice). Commits each match. Returns how many members were asked."""
    now = now or utcnow()
    due_before = now - timedelta(days=current_app.config["FOLLOWUP_DAYS"])
    asked = sa.select(MatchFollowup.id).where(MatchFollowup.match_id == Match.id,
                                              MatchFollowup.asked_at.is_not(None))
    matches = db.session.scalars(sa.select(Match).where(
        Match.source == MatchSource.event, Match.ended_at.is_(None), Match.created_at <= due_before,
        ~sa.exists(asked.where(MatchFollowup.profile_id == Match.low_id)
                   .correlate(Match))).order_by(Match.id)).all()
    count = 0
    for match in matches:
        for pid in (match.low_id, match.high_id):
            row = _followup(match.id, pid)
            row.asked_at = now
            if row.answered_at is not None:
                continue
            profile = db.session.get(Profile, pid)
            notifications.notify(account_id=profile.account_id, kind="match_followup",
                                 payload={"match_id": match.id, "event_id": match.event_id},
                                 dedup_key=f"followup:{match.id}")
            count += 1
        db.session.commit()
    return count


def _followup(match_id: int, profile_id: int) -> MatchFollowup:
    """The member's follow-up row of a match, created if need be (a concurrent twin wins)."""
    def find() -> MatchFollowup | None:
        return db.session.scalar(sa.select(MatchFollowup).where(MatchFollowup.match_id == match_id,
                                                                MatchFollowup.profile_id == profile_id))

    row = find()
    if row is None:
        row = MatchFollowup(match_id=match_id, profile_id=profile_id)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except sa.exc.IntegrityError:
            row = find()
            assert row is not None
    return row


def answer_met(*, actor: Account, match_id: int, met: bool) -> MatchFollowup:
    """Record, privately, whether the caller met the other member of one of their matches (kept
    for them and the matching signals; never shown to the other member). Answering again
    replaces the answer. NotFound unless the caller is in the match."""
    own = profiles.find_own(actor)
    match = db.session.get(Match, match_id)
    if own is None or match is None or own.id not in (match.low_id, match.high_id):
        raise NotFound("No such match.")
    row = _followup(match.id, own.id)
    row.met = met
    row.answered_at = utcnow()
    db.session.flush()
    return row
