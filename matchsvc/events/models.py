"""Offline events: the event, the units it is open to, sign-ups (confirmed or waitlisted),
invitations that hold a seat, the after-event selections, and the private "did you meet?" answers.

Seat accounting: a seat is taken by a confirmed sign-up or by a pending invitation that has not
expired. Per gender, taken seats never exceed the quota; in all, never the capacity. The rule is
kept by the service under the event row's lock (see ``events.service.seats``); the constraints
below keep what the database can check by itself.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from matchsvc.core.clock import utcnow
from matchsvc.core.models import Base, CreatedAtMixin, UTCDateTime, enum_column, intpk
from matchsvc.profiles.models import Gender, Profile, profile_fk


EventStatus = StrEnum("EventStatus", "published cancelled")
SignupStatus = StrEnum("SignupStatus", "confirmed waitlisted cancelled")
#: ``cancelled``: the event was cancelled, or the invitee withdrew their profile.
InvitationStatus = StrEnum("InvitationStatus", "pending accepted declined expired cancelled")


class Event(CreatedAtMixin, Base):
    __tablename__ = "events"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Tags as the organizer wrote them (matched case-insensitively against member interests).
    tags: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signup_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int]
    #: Seats per gender; null: no separate limit for that gender (only the capacity).
    quota_male: Mapped[int | None]
    quota_female: Mapped[int | None]
    #: Age on the day the event starts; null: no limit on that side.
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus, "event_status"),
                                                default=EventStatus.published, index=True)
    #: The organizer who created it (null once that account is gone).
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    units: Mapped[list["EventUnit"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                    order_by="EventUnit.org_unit_id")

    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("(quota_male IS NULL OR quota_male >= 0) AND (quota_female IS NULL OR quota_female >= 0)",
                           name="quota_not_negative"),
        sa.CheckConstraint("COALESCE(quota_male, 0) + COALESCE(quota_female, 0) <= capacity", name="quota_in_capacity"),
        sa.CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_order"),
        sa.CheckConstraint("signup_deadline <= starts_at AND starts_at < ends_at", name="time_order"),
        sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_when"),
    )

    @property
    def org_unit_ids(self) -> list[int]:
        return [u.org_unit_id for u in self.units]

    @property
    def quota(self) -> dict[str, int | None]:
        return {"male": self.quota_male, "female": self.quota_female}

    def quota_for(self, gender: Gender) -> int | None:
        return self.quota_male if gender is Gender.male else self.quota_female

    @hybrid_method
    def is_open_at(self, now: datetime) -> bool:
        """Members may still sign up: published and before the deadline."""
        return self.status == EventStatus.published and now < self.signup_deadline

    @is_open_at.inplace.expression
    @classmethod
    def _is_open_at_expression(cls, now: datetime) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == EventStatus.published, cls.signup_deadline > now)


class EventUnit(Base):
    """An org unit the event is open to (and so every unit below it)."""

    __tablename__ = "event_units"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id", ondelete="RESTRICT"), primary_key=True,
                                             index=True)


#: A reference to an event, indexed; the row is deleted with the event.
event_fk = Annotated[int, mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)]


class _EventSeat(CreatedAtMixin):
    """What a sign-up and an invitation share: one member's row at one event (unique per pair)."""

    id: Mapped[intpk]
    event_id: Mapped[event_fk]
    #: Null once the member withdrew consent: the row stays, anonymous, for the event's counts.
    profile_id: Mapped[int | None] = mapped_column(sa.ForeignKey("profiles.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def event(cls) -> Mapped[Event]:
        return relationship(Event, lazy="joined", innerjoin=True)

    @declared_attr
    def profile(cls) -> Mapped[Profile | None]:
        return relationship(Profile)


class Signup(_EventSeat, Base):
    """A member's seat at an event. One row per member and event; a cancelled sign-up that signs up
    again is reused and joins the back of the queue."""

    __tablename__ = "event_signups"

    #: The member's gender when they signed up (the seat they take).
    gender: Mapped[Gender] = mapped_column(enum_column(Gender, "signup_gender"))
    status: Mapped[SignupStatus] = mapped_column(enum_column(SignupStatus, "signup_status"))
    #: Place in the queue: the waitlist moves up in this order (first come, first served).
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.UniqueConstraint("event_id", "profile_id"),
        sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_when"),
        sa.CheckConstraint("status != 'confirmed' OR confirmed_at IS NOT NULL", name="confirmed_when"),
        sa.CheckConstraint("checked_in_at IS NULL OR status = 'confirmed'", name="checked_in_confirmed"),
        sa.Index("ix_event_signups_queue", "event_id", "status", "gender", "queued_at"),
    )


class Invitation(_EventSeat, Base):
    """An organizer's invitation; while pending and unexpired it holds a seat for the invitee."""

    __tablename__ = "event_invitations"

    gender: Mapped[Gender] = mapped_column(enum_column(Gender, "invitation_gender"))
    status: Mapped[InvitationStatus] = mapped_column(enum_column(InvitationStatus, "invitation_status"),
                                                     default=InvitationStatus.pending, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The organizer who invited (a back-fill keeps the original organizer).
    invited_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    #: When the seat this invitation freed (declined or expired) was offered again.
    backfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        #: Invited once per event: someone who declined or let it expire is not asked again.
        sa.UniqueConstraint("event_id", "profile_id"),
        sa.CheckConstraint("(status = 'pending') = (responded_at IS NULL)", name="responded_when"),
    )


class Selection(CreatedAtMixin, Base):
    """An after-event selection ("heart card"): ``chooser`` would like to see ``chosen`` again."""

    __tablename__ = "event_selections"

    id: Mapped[intpk]
    event_id: Mapped[event_fk]
    chooser_id: Mapped[profile_fk]
    chosen_id: Mapped[profile_fk]

    __table_args__ = (sa.UniqueConstraint("event_id", "chooser_id", "chosen_id"),
                      sa.CheckConstraint("chooser_id != chosen_id", name="not_self"))


class MatchFollowup(Base):
    """The private follow-up of a match: asked when, and the member's own answer to "did you meet?".

    Never shown to the other member of the match; exported to its author.
    """

    __tablename__ = "match_followups"

    id: Mapped[intpk]
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[profile_fk]
    #: When the follow-up job asked (null: the member answered before being asked).
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    met: Mapped[bool | None]
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.UniqueConstraint("match_id", "profile_id"),
                      sa.CheckConstraint("(met IS NULL) = (answered_at IS NULL)", name="answered_when"))
