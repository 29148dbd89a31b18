"""Events themselves: create, edit, cancel; the lists members see; recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Sequence

import sqlalchemy as sa
from tqdm import tqdm

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account, Role
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _, label
from matchsvc.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchsvc.events.models import (Event, EventStatus, EventUnit, Invitation, InvitationStatus, Signup,
                                    SignupStatus)
from matchsvc.events.service.common import (ACTIVE, GENDERS, Seats, get_event, ineligibility, lock_event,
                                            open_to_unit, people_of, require_manager, seat_status, seats,
                                            unit_chain)
from matchsvc.events.service.seats import settle
from matchsvc.extensions import db
from matchsvc.matching import index as pool_index
from matchsvc.matching import service as matching
from matchsvc.notifications import service as notifications
from matchsvc.orgs import service as orgs
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Gender, Profile

#: Columns a create or edit body sets directly (``quota`` and ``org_unit_ids`` are mapped).
_COLUMNS = ("title", "description", "tags", "location", "starts_at", "ends_at", "signup_deadline", "capacity",
            "age_min", "age_max")
_TIMES = ("signup_deadline", "starts_at", "ends_at")
#: event suggestions written per bulk insert
SUGGESTION_BATCH = 5000


def _check(values: dict[str, Any], *, now: datetime, future: tuple[str, ...]) -> None:
    """The rules across fields: times in order (those in ``future`` still ahead), quota within
    capacity, a sane age range. ValidationFailed (422) with field errors otherwise."""
    errors: dict[str, list[str]] = {}
    for name in future:
        if values[name] <= now:
            errors.setdefault(name, []).append("Must be in the future.")
    if values["signup_deadline"] > values["starts_at"]:
        errors.setdefault("signup_deadline", []).append("Must not be after starts_at.")
    if values["starts_at"] >= values["ends_at"]:
        errors.setdefault("ends_at", []).append("Must be after starts_at.")
    quota = values["quota"]
    if quota is not None and quota["male"] + quota["female"] > values["capacity"]:
        errors["quota"] = [_("quota.male + quota.female must not exceed the capacity (%(capacity)d).",
                              capacity=values["capacity"])]
    if values["age_min"] is not None and values["age_max"] is not None and values["age_min"] > values["age_max"]:
        errors["age_max"] = ["Must not be below age_min."]
    if errors:
        raise ValidationFailed("The event does not add up; see errors.", errors=errors)


def _check_units(actor: Account, unit_ids: list[int]) -> None:
    """Every unit exists (422) and lies in the organizer's scope (403)."""
    for i, unit_id in enumerate(unit_ids):
        orgs.require_unit(unit_id, field=f"org_unit_ids.{i}")
    outside = [u for u in unit_ids if not visibility.in_scope(actor, u)]
    if outside:
        raise Forbidden(_("Org units outside your scope: %(ids)s.", ids=", ".join(map(str, outside))),
                        code="out_of_scope")


def _values(event: Event | None, changes: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(event, name) if event else None for name in _COLUMNS}
    values["quota"] = None
    if event is not None and event.quota_male is not None and event.quota_female is not None:
        values["quota"] = {"male": event.quota_male, "female": event.quota_female}
    values.update(changes)
    return values


def _apply(event: Event, values: dict[str, Any]) -> None:
    for name in _COLUMNS:
        setattr(event, name, values[name])
    quota = values["quota"]
    event.quota_male = quota["male"] if quota else None
    event.quota_female = quota["female"] if quota else None
    if "org_unit_ids" in values:
        event.units = [EventUnit(org_unit_id=u) for u in values["org_unit_ids"]]


def create_event(*, actor: Account, data: dict[str, Any]) -> EventView:
    """Publish an event open to ``org_unit_ids`` (and the units below them).

    ValidationFailed (422) for unknown units or fields that do not add up (``now < signup_deadline
    ≤ starts_at < ends_at``, quota within capacity, age_min ≤ age_max); Forbidden (403) for units
    outside the organizer's scope.
    """
    now = utcnow()
    values = _values(None, {"description": "", "tags": [], "location": "", **data})
    _check(values, now=now, future=("signup_deadline",))
    _check_units(actor, values["org_unit_ids"])
    event = Event(status=EventStatus.published, created_by=actor.id, created_at=now, updated_at=now)
    _apply(event, values)
    db.session.add(event)
    db.session.flush()
    return _view(actor, event, now=now)


def update_event(*, actor: Account, event_id: int, changes: dict[str, Any]) -> EventView:
    """Edit an event the caller runs; the merged event must pass the rules of creation (times that
    change must still be ahead), and capacity or quota cannot drop below the seats already taken.

    Everyone signed up or invited hears of any change (which fields changed). Forbidden unless the caller
    runs it (or for units outside their scope); InvalidTransition (409) once cancelled;
    ValidationFailed (422), ``below_taken_seats`` for a capacity or quota below the taken seats.
    """
    event = lock_event(event_id)
    require_manager(actor, event)
    if event.status is EventStatus.cancelled:
        raise InvalidTransition("A cancelled event cannot be edited.")
    now = utcnow()
    values = _values(event, changes)
    _check(values, now=now, future=tuple(t for t in _TIMES if t in changes and changes[t] != getattr(event, t)))
    if "org_unit_ids" in changes:
        _check_units(actor, changes["org_unit_ids"])
    settle(event, now=now)
    taken = seats(event, now=now).taken
    errors: dict[str, list[str]] = {}
    if values["capacity"] < sum(taken.values()):
        errors["capacity"] = [_("%(count)d seats are taken already.", count=sum(taken.values()))]
    for gender in GENDERS:
        if values["quota"] is not None and values["quota"][gender.value] < taken[gender]:
            errors[f"quota.{gender.value}"] = [_("%(count)d seats are taken by %(gender)s members already.",
                                                   count=taken[gender], gender=label(gender.value))]
    if errors:
        raise ValidationFailed("Seats that are taken cannot be removed.", code="below_taken_seats", errors=errors)
    before = _values(event, {})
    before["org_unit_ids"] = sorted(event.org_unit_ids)
    changed = [n for n, v in changes.items() if (sorted(v) if n == "org_unit_ids" else v) != before.get(n)]
    _apply(event, values)
    event.updated_at = now
    db.session.flush()
    settle(event, now=now)
    if changed:
        signals.event_changed.send(event, profiles=people_of(event, ACTIVE), fields=changed)
    return _view(actor, event, now=now)


def cancel_event(*, actor: Account, event_id: int) -> Event:
    """Cancel an event the caller runs; everyone signed up or invited is told, pending invitations
    lapse. Forbidden unless the caller runs it; InvalidTransition (409) if already cancelled or over."""
    event = lock_event(event_id)
    require_manager(actor, event)
    now = utcnow()
    if event.status is EventStatus.cancelled:
        raise InvalidTransition("This event is already cancelled.")
    if now >= event.ends_at:
        raise InvalidTransition("This event is over.")
    told = people_of(event, ACTIVE)
    for invitation in db.session.scalars(sa.select(Invitation).where(
            Invitation.event_id == event.id, Invitation.status == InvitationStatus.pending)):
        invitation.status = InvitationStatus.cancelled
        invitation.responded_at = now
    event.status = EventStatus.cancelled
    event.cancelled_at = now
    db.session.flush()
    signals.event_cancelled.send(event, profiles=told)
    return event


# -- what members see -------------------------------------------------------------------------

class EventView:
    """An event with the seats left and the caller's own seat, for the detail view."""

    def __init__(self, event: Event, *, seats_left: dict[str, int], my_status: str | None, now: datetime,
                 signup: Signup | None = None) -> None:
        self._event = event
        self.seats_left = seats_left
        self.my_status = my_status
        self.signup_open = bool(event.is_open_at(now))
        #: the caller checked in at it
        self.attended = signup is not None and signup.checked_in_at is not None
        #: it has ended
        self.past = event.ends_at <= now

    def __getattr__(self, name: str) -> Any:
        return getattr(self._event, name)


def event_detail(*, actor: Account, event_id: int) -> EventView:
    """One event with ``seats_left`` and the caller's seat. Members see the events open to their
    unit and the ones they are signed up or invited to; organizers the ones they run; admins all;
    anyone else gets NotFound (the event's existence does not leak)."""
    event = get_event(event_id)
    view = _view(actor, event, now=utcnow())
    if not (view.my_status or visibility.manages_event(actor, event) or actor.has_role(Role.admin)
            or set(unit_chain(actor.org_unit_id)) & set(event.org_unit_ids)):
        raise NotFound("No such event.")
    return view


def managed_event(*, actor: Account, event_id: int) -> EventView:
    """An event the caller runs, with its seats left (the organizer console's event page).
    NotFound for an unknown id; Forbidden unless the caller runs it."""
    event = get_event(event_id)
    require_manager(actor, event)
    return _view(actor, event, now=utcnow())


def _view(actor: Account, event: Event, *, now: datetime) -> EventView:
    return views(actor, [event], now=now)[0]


def views(actor: Account, events: Sequence[Event], *, now: datetime | None = None) -> list[EventView]:
    """``events`` with their seats left and the caller's place, as the list items show them: four
    queries for the whole page, not two per event."""
    now = now or utcnow()
    if not events:
        return []
    ids = [e.id for e in events]
    taken: dict[int, dict[Gender, int]] = {e.id: {g: 0 for g in GENDERS} for e in events}
    confirmed = sa.select(Signup.event_id, Signup.gender, sa.func.count()).where(
        Signup.event_id.in_(ids), Signup.status == SignupStatus.confirmed).group_by(Signup.event_id, Signup.gender)
    held = sa.select(Invitation.event_id, Invitation.gender, sa.func.count()).where(
        Invitation.event_id.in_(ids), Invitation.status == InvitationStatus.pending,
        Invitation.expires_at > now).group_by(Invitation.event_id, Invitation.gender)
    for stmt in (confirmed, held):
        for event_id, gender, count in db.session.execute(stmt):
            taken[event_id][gender] += count
    profile = profiles.find_own(actor)
    signups: dict[int, Signup] = {}
    invitations: dict[int, Invitation] = {}
    if profile is not None:
        signups = {s.event_id: s for s in db.session.scalars(sa.select(Signup).where(
            Signup.event_id.in_(ids), Signup.profile_id == profile.id))}
        invitations = {i.event_id: i for i in db.session.scalars(sa.select(Invitation).where(
            Invitation.event_id.in_(ids), Invitation.profile_id == profile.id))}
    return [EventView(e, seats_left=Seats(e, taken[e.id]).as_dict(),
                      my_status=seat_status(signups.get(e.id), invitations.get(e.id), now=now), now=now,
                      signup=signups.get(e.id))
            for e in events]


def list_events(*, actor: Account, managed: bool = False) -> sa.Select[Any]:
    """Upcoming events the caller may join, soonest first: published, sign-up still open, open to
    their unit, and (with a profile) of their age and with seats for their gender.

    ``managed``: for organizers, every event they run (any state), latest first; Forbidden otherwise.
    """
    if managed:
        if not actor.has_role(Role.organizer):
            raise Forbidden("Only organizers run events.", code="role_required")
        return sa.select(Event).where(visibility.managed_events_clause(actor)).order_by(Event.starts_at.desc(), Event.id.desc())
    now = utcnow()
    stmt = sa.select(Event).where(Event.is_open_at(now), open_to_unit(actor.org_unit_id))
    profile = profiles.find_own(actor)
    if profile is not None and profile.gender is not None:
        ids = [e.id for e in db.session.scalars(stmt) if ineligibility(e, profile) is None]
        stmt = sa.select(Event).where(Event.id.in_(ids))
    return stmt.order_by(Event.starts_at, Event.id)


def _joinable(profile: Profile, *, now: datetime) -> list[Event]:
    """Open events the member is eligible for and not yet signed up or invited to."""
    taken = sa.union(sa.select(Signup.event_id).where(Signup.profile_id == profile.id, Signup.status.in_(ACTIVE)),
                     sa.select(Invitation.event_id).where(Invitation.profile_id == profile.id))
    events = db.session.scalars(sa.select(Event).where(Event.is_open_at(now),
                                                       open_to_unit(profile.account.org_unit_id),
                                                       Event.id.not_in(taken))
                                .order_by(Event.starts_at, Event.id)).all()
    return [e for e in events if ineligibility(e, profile) is None]


def suggest_events(*, profile: Profile, limit: int) -> list[tuple[Event, float, list[str]]]:
    """The events that suit ``profile`` best (member interests and text ↔ event tags and text),
    best first, sooner first on a tie: only events they may join and have not joined. Used by
    ``GET /me/event-recommendations`` and the daily push."""
    now = utcnow()
    events = _joinable(profile, now=now)
    if not events:
        return []
    scored = [(e, float(s), list(r)) for e, (s, r) in zip(events, matching.event_scores(profile=profile, events=events))]
    scored.sort(key=lambda item: (-item[1], item[0].starts_at, item[0].id))
    return scored[:limit]


def recommend(*, actor: Account, limit: int) -> dict[str, Any]:
    """``GET /me/event-recommendations``: Forbidden without an approved profile."""
    profile = visibility.require_standing(actor)
    return {"items": [{"event": e, "score": round(s, 4), "reasons": r}
                      for e, s, r in suggest_events(profile=profile, limit=limit)]}


def push_suggestions(*, on: date, progress: bool = False, limit: int = 3) -> int:
    """The event part of the daily push: each approved member who may join an open event hears
    of the ``limit`` that suit them best (one ``event_suggestions`` notification a day, so
    running it twice sends nothing twice). Returns how many members were told."""
    now = utcnow()
    events = db.session.scalars(sa.select(Event).where(Event.is_open_at(now)).order_by(Event.starts_at)).all()
    if not events:
        return 0
    ids = [e.id for e in events]
    taken = {(p, e) for p, e in db.session.execute(sa.select(Signup.profile_id, Signup.event_id).where(
        Signup.event_id.in_(ids), Signup.status.in_(ACTIVE)))}
    taken |= {(p, e) for p, e in db.session.execute(sa.select(Invitation.profile_id, Invitation.event_id).where(
        Invitation.event_id.in_(ids)))}
    chains: dict[int, list[int]] = {}
    # light rows, the member's unit with them: the eligibility rules need five columns and the
    # scores take the rest from the index (a query per member, or whole profiles, took minutes at
    # 100k members); the notifications go out in bulk
    members = db.session.execute(sa.select(Profile.id, Profile.account_id, Profile.birth_date, Profile.gender,
                                           Account.org_unit_id).join(Account, Account.id == Profile.account_id)
                                 .where(visibility.shown_clause()).order_by(Profile.id)
                                 .execution_options(yield_per=2000))
    dedup_key = f"events:{on.isoformat()}"
    told = 0
    batch: list[tuple[int, dict[str, Any]]] = []
    idx = pool_index.get()  # once, not a freshness query per member
    for profile in tqdm(members, desc="event suggestions", disable=not progress, unit=" members"):
        unit = profile.org_unit_id
        if unit not in chains:
            chains[unit] = unit_chain(unit)
        chain = chains[unit]
        fits = [e for e in events if (profile.id, e.id) not in taken and ineligibility(e, profile, chain=chain) is None]
        if not fits:
            continue
        # a member approved since the index was read: scored from the whole profile
        member = profile if idx.position(profile.id) is not None else db.session.get(Profile, profile.id)
        scored = sorted(zip(fits, matching.event_scores(profile=member, events=fits, idx=idx, with_reasons=False)),
                        key=lambda item: (-item[1][0], item[0].starts_at, item[0].id))[:limit]
        batch.append((profile.account_id, {"date": on.isoformat(), "count": len(scored), "event_id": scored[0][0].id,
                                           "event_ids": [e.id for e, _ in scored]}))
        if len(batch) >= SUGGESTION_BATCH:
            told += notifications.notify_many(kind="event_suggestions", dedup_key=dedup_key, items=batch)
            batch = []
    told += notifications.notify_many(kind="event_suggestions", dedup_key=dedup_key, items=batch)
    return told
