"""The inbox: write notifications, list them, mark them read; hand them to the configured senders.

One flow for every notification: :func:`notify` (or :func:`notify_many`) writes the inbox row,
then :func:`dispatch` hands it to each sender the config turns on: an outbox row per external
sender (`outbox.enqueue`, delivered after commit and retried by the outbox job), or an
immediate record for the in-memory one. `senders` knows only wire formats.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.errors import NotFound
from matchsvc.extensions import db
from matchsvc.notifications import outbox, senders
from matchsvc.notifications.models import Notification, OutboxMessage
from matchsvc.profiles import service as profiles


def notify(*, account_id: int, kind: str, payload: dict[str, Any] | None = None,
           dedup_key: str | None = None) -> Notification | None:
    """Put a notification in an inbox (and the outbox of every other configured sender).

    With ``dedup_key``, a second notification with the same key for the same account is
    skipped and None returned, which makes jobs idempotent.
    """
    if dedup_key is not None:
        exists = db.session.scalar(sa.select(Notification.id).where(
            Notification.account_id == account_id, Notification.dedup_key == dedup_key))
        if exists is not None:
            return None
    note = Notification(account_id=account_id, kind=kind, payload=payload or {}, dedup_key=dedup_key,
                        created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    dispatch(note)
    return note


def dispatch(note: Notification) -> None:
    """Hand ``note`` to every configured sender, in the caller's transaction: an outbox row per
    external sender (delivered after commit by the outbox job, and at once when possible), a
    record at once for a sender that keeps no outbox."""
    messages = []
    for sender in senders.configured():
        if sender.outboxed:
            messages.append(outbox.enqueue(sender, note))
        else:
            sender.record(senders.document(note))
    if messages:
        outbox.deliver_after_commit(messages)


def notify_many(*, kind: str, dedup_key: str, items: list[tuple[int, dict[str, Any]]]) -> int:
    """The same kind of notification to many inboxes at once (the daily push), idempotent through
    ``dedup_key``: accounts that already have it are skipped. Written with one bulk insert; handed
    to the external senders (the webhook outbox) only when one is configured. Returns how many
    were written."""
    if not items:
        return 0
    accounts = [a for a, _ in items]
    done = set(db.session.scalars(sa.select(Notification.account_id).where(
        Notification.dedup_key == dedup_key, Notification.account_id.in_(accounts))))
    now = utcnow()
    rows = [{"account_id": a, "kind": kind, "payload": p, "dedup_key": dedup_key, "created_at": now}
            for a, p in items if a not in done]
    if not rows:
        return 0
    db.session.execute(Notification.__table__.insert(), rows)  # Core: no ORM bookkeeping per row
    if senders.configured():
        fresh = db.session.scalars(sa.select(Notification).where(
            Notification.dedup_key == dedup_key, Notification.account_id.in_([r["account_id"] for r in rows])))
        for note in fresh:
            dispatch(note)
    return len(rows)


def inbox(*, actor: Account, unread: bool = False) -> sa.Select[Any]:
    """The caller's notifications, newest first."""
    stmt = sa.select(Notification).where(Notification.account_id == actor.id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(*, actor: Account, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read (idempotent); NotFound for anyone else's."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.account_id != actor.id:
        raise NotFound("No such notification.")
    if note.read_at is None:
        note.read_at = utcnow()
    db.session.flush()
    return note


def unread_count(*, actor: Account) -> dict[str, int]:
    """How many of the caller's notifications are unread (one count on the inbox index)."""
    count = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.account_id == actor.id, Notification.read_at.is_(None)))
    return {"count": count or 0}


def mark_all_read(*, actor: Account) -> dict[str, int]:
    """Mark every unread notification of the caller read; returns how many were marked."""
    result = db.session.execute(sa.update(Notification).where(
        Notification.account_id == actor.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return {"count": result.rowcount or 0}


@profiles.register_eraser
def erase(profile: Any) -> None:
    """Withdrawal: the member's inbox goes with the profile it was about (a reviewer's note on it,
    whom it matched with, its picks and events), and so do its copies for the other senders,
    delivered or not. Other members' inboxes hold ids only and render no name of it."""
    mine = sa.select(Notification.id).where(Notification.account_id == profile.account_id)
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.notification_id.in_(mine)),
                       execution_options={"synchronize_session": False})
    db.session.execute(sa.delete(Notification).where(Notification.account_id == profile.account_id),
                       execution_options={"synchronize_session": "fetch"})


@profiles.register_exporter("notifications")
def export_rows(*, actor: Account, profile: Any) -> list[dict[str, Any]]:
    from matchsvc.notifications.texts import render

    rows = db.session.scalars(inbox(actor=actor)).all()
    return [{"id": n.id, "kind": n.kind, "payload": n.payload, "text": render(n.kind, n.payload, "zh"),
             "created_at": n.created_at.isoformat(), "read_at": n.read_at.isoformat() if n.read_at else None}
            for n in rows]
