"""The in-app inbox and the outbox of deliveries to other channels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from matchsvc.core.models import Base, CreatedAtMixin, UTCDateTime, intpk


class Notification(CreatedAtMixin, Base):
    """One inbox item. ``payload`` holds ids and facts only; the text is rendered when read, in the
    reader's language, so erasing a profile leaves no name behind in someone else's inbox."""

    __tablename__ = "notifications"

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: review_decided, match, daily_picks, event_invitation, ...
    kind: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Makes a job's notification idempotent (e.g. "daily:2026-11-22"); null for one-off ones.
    dedup_key: Mapped[str | None] = mapped_column(sa.String(80))

    __table_args__ = (sa.UniqueConstraint("account_id", "dedup_key"),
                      sa.Index("ix_notifications_account_unread", "account_id", "read_at"))


class OutboxMessage(CreatedAtMixin, Base):
    """A notification waiting to be delivered by a sender other than the inbox (the webhook).

    Written in the transaction that creates the notification, delivered afterwards with retries and
    exponential back-off, so nothing is lost while the receiver is down.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[intpk]
    sender: Mapped[str] = mapped_column(sa.String(20))
    notification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"))
    #: The JSON document sent (ids and facts, no contact details).
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    __table_args__ = (sa.UniqueConstraint("sender", "notification_id"),
                      sa.Index("ix_outbox_due", "delivered_at", "next_attempt_at"))
