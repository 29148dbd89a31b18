"""What members do to each other: likes, passes, matches, blocks, reports."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from matchsvc.core.models import Base, CreatedAtMixin, UTCDateTime, enum_column

_PROFILE_FK = {"ondelete": "CASCADE"}


class Like(CreatedAtMixin, Base):
    __tablename__ = "likes"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)

    __table_args__ = (sa.UniqueConstraint("actor_id", "target_id"),
                      sa.CheckConstraint("actor_id != target_id", name="not_self"))


class Pass(CreatedAtMixin, Base):
    __tablename__ = "passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)

    __table_args__ = (sa.UniqueConstraint("actor_id", "target_id"),
                      sa.CheckConstraint("actor_id != target_id", name="not_self"))


class MatchSource(str, enum.Enum):
    like = "like"
    event = "event"


class Match(CreatedAtMixin, Base):
    """A mutual choice; contacts are revealed while it stands (``ended_at`` null)."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The pair, smaller id first, so one pair has one row.
    low_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)
    high_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)
    source: Mapped[MatchSource] = mapped_column(enum_column(MatchSource, "match_source"))
    #: The event whose after-event choice made the match (source "event").
    event_id: Mapped[int | None] = mapped_column(index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who ended it (a profile id; kept only as long as the profiles exist).
    ended_by: Mapped[int | None]

    __table_args__ = (sa.UniqueConstraint("low_id", "high_id"),
                      sa.CheckConstraint("low_id < high_id", name="ordered_pair"))

    def other(self, profile_id: int) -> int:
        return self.high_id if profile_id == self.low_id else self.low_id


class Block(CreatedAtMixin, Base):
    __tablename__ = "blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)

    __table_args__ = (sa.UniqueConstraint("actor_id", "target_id"),
                      sa.CheckConstraint("actor_id != target_id", name="not_self"))


class ReportStatus(str, enum.Enum):
    open = "open"
    resolved = "resolved"


class ReportOutcome(str, enum.Enum):
    #: nothing wrong found
    dismissed = "dismissed"
    #: the member was warned
    warned = "warned"
    #: the profile was suspended
    suspended = "suspended"


class Report(CreatedAtMixin, Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The reporter; null once they withdraw (the report itself stays with the reviewers).
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("profiles.id", ondelete="SET NULL"), index=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", **_PROFILE_FK), index=True)
    reason: Mapped[str] = mapped_column(sa.String(1000))
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"),
                                                 default=ReportStatus.open, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[ReportOutcome | None] = mapped_column(enum_column(ReportOutcome, "report_outcome"))
    #: The reviewer's note on the resolution (seen by reviewers only).
    resolution_note: Mapped[str | None] = mapped_column(sa.String(1000))
    #: The reviewer who resolved it. No FK: the record must outlive the account.
    resolved_by: Mapped[int | None]
