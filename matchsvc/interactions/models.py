"""What members do to each other: likes, passes, matches, blocks, reports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from matchsvc.core.models import Base, CreatedAtMixin, UTCDateTime, enum_column, intpk
from matchsvc.profiles.models import profile_fk


class _OneWay(CreatedAtMixin):
    """One member's act towards another (``actor`` to ``target``): once per pair, never oneself."""

    id: Mapped[intpk]
    actor_id: Mapped[profile_fk]
    target_id: Mapped[profile_fk]

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("actor_id", "target_id"),
                sa.CheckConstraint("actor_id != target_id", name="not_self"))


class Like(_OneWay, Base):
    __tablename__ = "likes"


class Pass(_OneWay, Base):
    __tablename__ = "passes"


class Block(_OneWay, Base):
    __tablename__ = "blocks"


MatchSource = StrEnum("MatchSource", "like event")


class Match(CreatedAtMixin, Base):
    """A mutual choice; contacts are revealed while it stands (``ended_at`` null)."""

    __tablename__ = "matches"

    id: Mapped[intpk]
    #: The pair, smaller id first, so one pair has one row.
    low_id: Mapped[profile_fk]
    high_id: Mapped[profile_fk]
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


ReportStatus = StrEnum("ReportStatus", "open resolved")
#: ``dismissed``: nothing wrong found; ``warned``: the member was warned; ``suspended``: the
#: profile was suspended.
ReportOutcome = StrEnum("ReportOutcome", "dismissed warned suspended")


class Report(CreatedAtMixin, Base):
    __tablename__ = "reports"

    id: Mapped[intpk]
    #: The reporter; null once they withdraw (the report itself stays with the reviewers).
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("profiles.id", ondelete="SET NULL"), index=True)
    profile_id: Mapped[profile_fk]
    reason: Mapped[str] = mapped_column(sa.String(1000))
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"),
                                                 default=ReportStatus.open, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[ReportOutcome | None] = mapped_column(enum_column(ReportOutcome, "report_outcome"))
    #: The reviewer's note on the resolution (seen by reviewers only).
    resolution_note: Mapped[str | None] = mapped_column(sa.String(1000))
    #: The reviewer who resolved it. No FK: the record must outlive the account.
    resolved_by: Mapped[int | None]
