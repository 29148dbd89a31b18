"""The audit log of every reviewer and admin action and every consent given or withdrawn."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from matchsvc.core.clock import utcnow
from matchsvc.core.models import Base, UTCDateTime, intpk


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[intpk]
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Who acted (null for the system). No FK: the trail must outlive what it mentions.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    #: approve, reject, request_changes, suspend, consent_given, consent_withdrawn, role_granted, ...
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    #: "profile:12", "account:3", "org_unit:5", "report:7", "event:2" ...
    target: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: Unit whose reviewers may read this entry (the target's unit when it was written).
    org_unit_id: Mapped[int | None] = mapped_column(index=True)
    #: Facts about the action without personal content (notes are scrubbed on withdrawal).
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
