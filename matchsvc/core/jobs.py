"""Runs of the command-line jobs (push-daily...), recorded so that ``GET /metrics`` can tell when
the last one ran, how long it took and how much it did, whichever host or container ran it."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from matchsvc.core.clock import utcnow
from matchsvc.core.models import Base, UTCDateTime


class JobRun(Base):
    """One finished run of a command-line job."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The command's name, e.g. ``push-daily``.
    name: Mapped[str] = mapped_column(sa.String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[float] = mapped_column(sa.Float)
    #: What the run did, in the job's own unit (picks written for push-daily).
    items: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.Index("ix_job_runs_name_finished_at", "name", "finished_at"),)


def record(*, name: str, started_at: datetime, started: float, items: int) -> JobRun:
    """Add a finished run (the caller commits); ``started`` is its ``time.perf_counter()``."""
    from matchsvc.extensions import db

    run = JobRun(name=name, started_at=started_at, finished_at=utcnow(),
                 duration_seconds=time.perf_counter() - started, items=items)
    db.session.add(run)
    return run


def last(name: str) -> Any:
    """The latest run of ``name`` as a row (finished_at, duration_seconds, items), or None."""
    from matchsvc.extensions import db

    return db.session.execute(
        sa.select(JobRun.finished_at, JobRun.duration_seconds, JobRun.items)
        .where(JobRun.name == name).order_by(JobRun.finished_at.desc()).limit(1)).first()
