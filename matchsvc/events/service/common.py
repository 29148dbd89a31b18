"""What every event rule needs: the event's lock, its seats, who may join and who runs it.

Concurrency: every change that takes or frees a seat first takes the event row's write lock
(:func:`lock_event`) and counts seats only after that, inside the same transaction; nothing is
checked before the lock and written after it. On PostgreSQL that is ``SELECT ... FOR UPDATE`` on
the event row, so sign-ups for one event queue up while other events are untouched. SQLite has no
row locks: there a no-op ``UPDATE`` of the row takes the database's write lock first (pysqlite
starts the transaction at the first write, and the busy timeout makes the others wait rather than
fail), so the counts read afterwards cannot change under us either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from matchsvc import visibility
from matchsvc.accounts.models import Account
from matchsvc.core.clock import age_on, years_before
from matchsvc.core.i18n import _, _l
from matchsvc.errors import Forbidden, NotFound
from matchsvc.events.models import Event, EventUnit, Invitation, InvitationStatus, Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.orgs.models import OrgUnit
from matchsvc.profiles.models import Gender, Profile

GENDERS = (Gender.male, Gender.female)
#: Sign-up states that take part in the event (a seat, or a place in the queue).
ACTIVE = (SignupStatus.confirmed, SignupStatus.waitlisted)


def get_event(event_id: int) -> Event:
    """The event; NotFound (404) for an unknown id."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


def lock_event(event_id: int) -> Event:
    """The event, write-locked until the transaction ends and freshly read; NotFound if unknown."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.update(Event).where(Event.id == event_id).values(id=Event.id)
                           .execution_options(synchronize_session=False))
    event = db.session.scalar(sa.select(Event).where(Event.id == event_id).with_for_update(of=Event)
                              .execution_options(populate_existing=True))
    if event is None:
        raise NotFound("No such event.")
    return event


@dataclass
class Seats:
    """Taken seats of one event (confirmed sign-ups and live invitations) and what is left."""

    event: Event
    taken: dict[Gender, int]

    def left(self, gender: Gender) -> int:
        room = self.total_left()
        quota = self.event.quota_for(gender)
        if quota is not None:
            room = min(room, quota - self.taken[gender])
        return max(0, room)

    def total_left(self) -> int:
        return max(0, self.event.capacity - sum(self.taken.values()))

    def take(self, gender: Gender) -> None:
        self.taken[gender] += 1

    def as_dict(self) -> dict[str, int]:
        return {"male": self.left(Gender.male), "female": self.left(Gender.female), "total": self.total_left()}


def seats(event: Event, *, now: datetime) -> Seats:
    """Count the seats taken at ``event`` now (read them under :func:`lock_event` to act on them)."""
    taken = {g: 0 for g in GENDERS}
    confirmed = sa.select(Signup.gender, sa.func.count()).where(
        Signup.event_id == event.id, Signup.status == SignupStatus.confirmed).group_by(Signup.gender)
    held = sa.select(Invitation.gender, sa.func.count()).where(
        Invitation.event_id == event.id, Invitation.status == InvitationStatus.pending,
        Invitation.expires_at > now).group_by(Invitation.gender)
    for stmt in (confirmed, held):
        for gender, count in db.session.execute(stmt):
            taken[gender] += count
    return Seats(event, taken)


def unit_chain(unit_id: int) -> list[int]:
    """The unit and every unit above it (an event open to any of them is open to this unit)."""
    path = db.session.scalar(sa.select(OrgUnit.path).where(OrgUnit.id == unit_id))
    return [int(part) for part in (path or "").split("/") if part]


def open_to_unit(unit_id: int) -> sa.ColumnElement[bool]:
    """SQL: the event is open to ``unit_id`` (one of its units is that unit or above it)."""
    return sa.exists().where(EventUnit.event_id == Event.id, EventUnit.org_unit_id.in_(unit_chain(unit_id)))


def birth_date_bounds(event: Event) -> tuple[date | None, date | None]:
    """Born after the first and on or before the second date ⇔ of age for the event (None: open)."""
    start = event.starts_at.date()
    latest = years_before(start, event.age_min) if event.age_min is not None else None
    earliest = years_before(start, event.age_max + 1) if event.age_max is not None else None
    return earliest, latest


@dataclass(frozen=True)
class Ineligible:
    """Why a member may not join an event. Its texts are put into words when read: a job that
    checks every member against every open event reads none of them."""

    code: str
    #: the member's field that rules them out (the 422's field errors name it)
    field: str
    #: the event's age range, for the age texts
    ages: str = ""

    @property
    def detail(self) -> str:
        """Said to the member."""
        return str(_INELIGIBLE_TEXTS[self.code][0]) % {"ages": self.ages}

    @property
    def about_other(self) -> str:
        """Said to an organizer about the member."""
        return str(_INELIGIBLE_TEXTS[self.code][1]) % {"ages": self.ages}


#: code → (said to the member, said to an organizer about the member)
_INELIGIBLE_TEXTS = {
    "out_of_scope": (_l("This event is not open to your org unit."), _l("The event is not open to their org unit.")),
    "age_not_eligible": (_l("This event is for ages %(ages)s."), _l("Their age is outside the event's %(ages)s.")),
    "gender_not_admitted": (_l("This event has no seats for your gender."),
                            _l("The event has no seats for their gender.")),
}


def ineligibility(event: Event, profile: Any, *, chain: list[int] | None = None) -> Ineligible | None:
    """Why ``profile`` may not join ``event`` (scope, age, gender), or None if it may
    (``chain``: the member's :func:`unit_chain`, when the caller has it already). ``profile`` is a
    `Profile` or any record with its ``birth_date`` and ``gender`` (and then ``chain``)."""
    if chain is None:
        chain = unit_chain(profile.account.org_unit_id)
    if not set(chain) & set(event.org_unit_ids):
        return Ineligible("out_of_scope", "org_unit_id")
    if event.age_min is not None or event.age_max is not None:
        age = age_on(profile.birth_date, event.starts_at.date()) if profile.birth_date else None
        if age is None or (event.age_min is not None and age < event.age_min) or (
                event.age_max is not None and age > event.age_max):
            return Ineligible("age_not_eligible", "birth_date", ages=f"{event.age_min or 18}–{event.age_max or 99}")
    if profile.gender is None or event.quota_for(profile.gender) == 0:
        return Ineligible("gender_not_admitted", "gender")
    return None


def require_manager(actor: Account, event: Event) -> None:
    """Forbidden (403) unless ``actor`` runs ``event``."""
    if not visibility.manages_event(actor, event):
        raise Forbidden("Only the event's organizers may do this.", code="not_event_organizer")


def signup_of(event_id: int, profile_id: int) -> Signup | None:
    return db.session.scalar(sa.select(Signup).where(Signup.event_id == event_id, Signup.profile_id == profile_id))


def invitation_of(event_id: int, profile_id: int) -> Invitation | None:
    return db.session.scalar(sa.select(Invitation).where(Invitation.event_id == event_id,
                                                         Invitation.profile_id == profile_id))


def seat_status_of(event_id: int, profile_id: int, *, now: datetime) -> str | None:
    """A member's seat status at an event, as the event report and detail name it."""
    return seat_status(signup_of(event_id, profile_id), invitation_of(event_id, profile_id), now=now)


def seat_status(signup: Signup | None, invitation: Invitation | None, *, now: datetime) -> str | None:
    """confirmed | waitlisted, else what became of an invitation not accepted (invited, declined,
    expired, cancelled), else cancelled (a sign-up withdrawn), else None."""
    if signup is not None and signup.status is not SignupStatus.cancelled:
        return signup.status.value
    if invitation is not None and invitation.status is not InvitationStatus.accepted:
        return invitation_state(invitation, now=now)
    return signup.status.value if signup is not None else None


def invitation_state(invitation: Invitation, *, now: datetime) -> str:
    """invited | declined | expired | cancelled (a pending one past its time counts as expired)."""
    if invitation.status is InvitationStatus.pending:
        return "expired" if invitation.expires_at <= now else "invited"
    return invitation.status.value


def people_of(event: Event, statuses: Any) -> list[Profile]:
    """Profiles signed up (in ``statuses``) or holding a pending invitation."""
    signed = sa.select(Signup.profile_id).where(Signup.event_id == event.id, Signup.status.in_(statuses))
    invited = sa.select(Invitation.profile_id).where(Invitation.event_id == event.id,
                                                     Invitation.status == InvitationStatus.pending)
    return list(db.session.scalars(sa.select(Profile).where(sa.or_(Profile.id.in_(signed), Profile.id.in_(invited)))
                                   .order_by(Profile.id)))
