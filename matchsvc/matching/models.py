"""What the matching domain stores: the log of pool changes that keeps every worker's index fresh,
and the daily picks of the push."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from matchsvc.core.clock import utcnow
from matchsvc.core.models import Base, UTCDateTime, intpk


class PoolChange(Base):
    """One row per change that may add, move or remove a profile in the recommendable pool.

    Written in the same transaction as the change; each worker's in-memory index replays the rows
    after the last id it saw before answering, so a withdrawn, paused, suspended or blocked profile
    never appears once the change is committed, in any worker.
    """

    __tablename__ = "pool_changes"

    id: Mapped[intpk]
    #: The profile that changed (no FK: the profile may be gone, which is the point).
    profile_id: Mapped[int | None] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DailyPick(Base):
    """One pick of one member's daily push."""

    __tablename__ = "daily_picks"

    id: Mapped[intpk]
    push_date: Mapped[date] = mapped_column(sa.Date)
    viewer_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    #: Reciprocal score when pushed (reasons are worded when read, in the reader's language).
    score: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # (push_date, …) serves "who was pushed on a date"; (viewer_id, push_date) a member's picks;
    # target_id the cascade when a profile goes.
    __table_args__ = (sa.UniqueConstraint("push_date", "viewer_id", "target_id"),
                      sa.Index("ix_daily_picks_viewer_date", "viewer_id", "push_date"))
