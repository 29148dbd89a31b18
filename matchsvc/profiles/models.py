"""Profiles (the member's self-application) and the consent records behind them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum, auto
from typing import Annotated, Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, aliased, backref, mapped_column, relationship

from matchsvc.accounts.models import Account

from matchsvc.core.clock import utcnow
from matchsvc.core.models import Base, CreatedAtMixin, UTCDateTime, enum_column, intpk


# Enums store their lower-case member names (``StrEnum``: the value is the name).
ProfileStatus = StrEnum("ProfileStatus", "draft pending approved rejected changes_requested paused suspended")
Gender = StrEnum("Gender", "male female")
Goal = StrEnum("Goal", "marriage dating friendship")
#: How often one goes out with friends, most often first.
SocialFrequency = StrEnum("SocialFrequency", "several_per_week twice_a_week weekly twice_a_month monthly "
                                             "several_per_year almost_never")
ConsentAction = StrEnum("ConsentAction", "given withdrawn")


class Education(StrEnum):
    """Levels in ascending order."""

    high_school = auto()
    associate = auto()
    bachelor = auto()
    master = auto()
    doctorate = auto()

    @property
    def rank(self) -> int:
        return list(Education).index(self)


#: A reference to a member's profile, indexed; the row is deleted with the profile.
profile_fk = Annotated[int, mapped_column(sa.ForeignKey("profiles.id", ondelete="CASCADE"), index=True)]


def account_disabled(account_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """SQL: the account ``account_id`` was disabled by an admin (a primary-key probe; on its own
    alias of ``accounts``, so it stays correlated in a query that joins the accounts too)."""
    owner = aliased(Account)
    return sa.exists().where(owner.id == account_id, owner.disabled_at.is_not(None)).correlate_except(owner)


#: The qualities of ``Profile.partner_values`` (what matters in a partner, 0..10 each) and of
#: ``Profile.friends_say`` (how one's friends describe one, 1..10 each).
VALUE_KEYS = ("looks", "sincerity", "intelligence", "humour", "ambition", "shared_interests")
FRIENDS_SAY_KEYS = ("sincere", "intelligent", "humorous", "ambitious")


class Profile(CreatedAtMixin, Base):
    __tablename__ = "profiles"

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    account: Mapped[Account] = relationship(backref=backref("profile", uselist=False, passive_deletes=True))
    status: Mapped[ProfileStatus] = mapped_column(enum_column(ProfileStatus, "profile_status"),
                                                  default=ProfileStatus.draft, index=True)

    display_name: Mapped[str | None] = mapped_column(sa.String(40))
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, "gender"))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    height_cm: Mapped[int | None]
    education: Mapped[Education | None] = mapped_column(enum_column(Education, "education"))
    occupation: Mapped[str | None] = mapped_column(sa.String(50))
    city: Mapped[str | None] = mapped_column(sa.String(50))
    hometown: Mapped[str | None] = mapped_column(sa.String(50))
    #: [{"tag": str, "weight": 1..5}, ...]
    interests: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    intro: Mapped[str | None] = mapped_column(sa.Text)
    goal: Mapped[Goal | None] = mapped_column(enum_column(Goal, "goal"))
    #: {"phone"?, "wechat"?, "email"?}: private, shown only to mutual matches.
    contact: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    seeking_gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, "seeking_gender"))
    seeking_age_min: Mapped[int | None]
    seeking_age_max: Mapped[int | None]
    seeking_height_min: Mapped[int | None]
    seeking_height_max: Mapped[int | None]
    seeking_education_min: Mapped[Education | None] = mapped_column(enum_column(Education, "seeking_education"))
    seeking_cities: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)

    # Optional matching inputs, private like ``seeking``: never in a public view, and changing
    # them needs no new review.
    social_frequency: Mapped[SocialFrequency | None] = mapped_column(enum_column(SocialFrequency, "social_frequency"))
    #: API ``values``: {looks, sincerity, intelligence, humour, ambition, shared_interests}, each
    #: 0..10, all six or none (null).
    partner_values: Mapped[dict[str, int] | None] = mapped_column(sa.JSON)
    #: {sincere, intelligent, humorous, ambitious}, each 1..10, all four or none (null).
    friends_say: Mapped[dict[str, int] | None] = mapped_column(sa.JSON)

    #: Version of the consent text the member accepted, and when (null: no consent yet).
    consent_version: Mapped[str | None] = mapped_column(sa.String(32))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    review_note: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: First time this profile entered the pool (newcomers get their turn in the daily push).
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: The publicly shown fields as last approved (JSON values), so that reviewers see what changed
    #: when the profile comes back to review; null until the first approval.
    approved_snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("height_cm IS NULL OR (height_cm BETWEEN 120 AND 230)", name="height_range"),
        sa.CheckConstraint("seeking_age_min IS NULL OR seeking_age_max IS NULL OR seeking_age_min <= seeking_age_max",
                           name="seeking_age_order"),
        sa.CheckConstraint("status != 'pending' OR submitted_at IS NOT NULL", name="pending_submitted"),
        {"sqlite_autoincrement": True},
    )
    #: Every UPDATE/DELETE of a profile also requires the status it was read with, so two requests
    #: racing to change it (two reviewers, submit twice, pause during review) cannot both win: the
    #: loser's flush raises StaleDataError, answered with a 409.
    __mapper_args__ = {"version_id_col": status, "version_id_generator": False}

    @hybrid_property
    def is_matchable(self) -> bool:
        """Shown, recommended, searched and invited: approved, consented, and the account not
        disabled by an admin."""
        return (self.status == ProfileStatus.approved and self.consent_version is not None
                and self.account.disabled_at is None)

    @is_matchable.inplace.expression
    @classmethod
    def _is_matchable_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == ProfileStatus.approved, cls.consent_version.is_not(None),
                       ~account_disabled(cls.account_id))


class ConsentRecord(Base):
    """Which consent text an account accepted or withdrew, and when. Holds no personal content,
    so it outlives a withdrawal as proof of what was agreed."""

    __tablename__ = "consent_records"

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(sa.String(32))
    action: Mapped[ConsentAction] = mapped_column(enum_column(ConsentAction, "consent_action"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
