"""The outbox: deliver queued messages to their senders, retrying with back-off, so nothing is lost.

Delivery is at least once: a receiver that answers too slowly, or a worker that dies between the
send and the commit, means the message is sent again with the same delivery id. Rows are claimed
with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers (the sidecar
``deliver-outbox --loop`` and the request threads below) never send one message at the same
time; SQLite ignores the clause, and there one delivering process is the supported set-up.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy.orm import Session

from matchsvc.core.clock import utcnow
from matchsvc.extensions import db
from matchsvc.notifications.models import Notification, OutboxMessage
from matchsvc.notifications.senders import DeliveryError, Sender, configured, document

log = logging.getLogger(__name__)

FIRST_DELAY_SECONDS = 30.0
MAX_DELAY_SECONDS = 3600.0
#: After this many failed attempts every further failure is logged as an error.
LOUD_AFTER = 10
#: Background deliveries running at once per process; past that the outbox job does the work.
INLINE_THREADS = 4
_INLINE_IDS = "matchsvc.outbox.inline_ids"


def enqueue(sender: Sender, note: Notification) -> OutboxMessage:
    """Queue ``note`` for ``sender`` in the notification's own transaction (a transactional
    outbox: the message exists exactly when the notification does)."""
    message = OutboxMessage(sender=sender.name, notification_id=note.id, payload=document(note),
                            next_attempt_at=utcnow())
    db.session.add(message)
    return message


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s doubling each time up to 1 h, ±10 %."""
    base = min(FIRST_DELAY_SECONDS * 2 ** min(max(attempts, 1) - 1, 20), MAX_DELAY_SECONDS)
    return timedelta(seconds=base * (rng or random).uniform(0.9, 1.1))


def deliver_due(*, now: datetime | None = None, limit: int = 500,
                ids: Collection[int] | None = None) -> dict[str, int]:
    """Deliver up to ``limit`` due messages (undelivered, next attempt at or before ``now``) in id
    order, optionally only those in ``ids``, and return the counts delivered, failed and pending.

    Each message is claimed, sent and recorded in a transaction of its own and committed, so one bad
    response undoes nothing else (this commits the session). A failure is retried after
    :func:`retry_delay`, forever. Messages of a sender the config no longer turns on stay queued.
    """
    now = now or utcnow()
    senders = {sender.name: sender for sender in configured()}
    counts = {"delivered": 0, "failed": 0}
    after = 0
    try:
        while senders and counts["delivered"] + counts["failed"] < limit:
            message = db.session.scalar(_due(now=now, senders=senders, after=after, ids=ids))
            if message is None:
                break
            after = message.id
            counts["delivered" if _attempt(message, senders[message.sender], now=now) else "failed"] += 1
            db.session.commit()
    finally:
        for sender in senders.values():
            sender.close()
    counts["pending"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.delivered_at.is_(None))) or 0
    db.session.commit()
    return counts


def _due(*, now: datetime, senders: Iterable[str], after: int, ids: Collection[int] | None) -> sa.Select[Any]:
    stmt = (sa.select(OutboxMessage)
            .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.next_attempt_at <= now,
                   OutboxMessage.sender.in_(list(senders)), OutboxMessage.id > after)
            .order_by(OutboxMessage.id).limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True))
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(ids)))
    return stmt


def _attempt(message: OutboxMessage, sender: Sender, *, now: datetime) -> bool:
    """Send one message and record the outcome (not committed)."""
    changes: dict[str, Any]
    try:
        sender.deliver(message)
    except Exception as exc:  # any failure is retried; the sender's own text says what went wrong
        attempts = message.attempts + 1
        error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
        changes = {"attempts": attempts, "last_error": error[:500], "next_attempt_at": now + retry_delay(attempts)}
        level = logging.ERROR if attempts >= LOUD_AFTER else logging.WARNING
        log.log(level, "outbox message %s (%s) failed %d time(s), next try at %s: %s", message.id,
                message.sender, attempts, changes["next_attempt_at"].isoformat(timespec="seconds"), changes["last_error"])
        delivered = False
    else:
        changes = {"delivered_at": now}
        delivered = True
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(**changes))
    return delivered


# --- delivering right after the request commits --------------------------------------------------

_slots = threading.BoundedSemaphore(INLINE_THREADS)
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def deliver_after_commit(messages: Iterable[OutboxMessage]) -> None:
    """In a request, when ``WEBHOOK_INLINE`` is on, deliver these messages in a background thread
    once the request's transaction commits (best effort: the outbox job retries whatever fails)."""
    if not (has_request_context() and current_app.config.get("WEBHOOK_INLINE", True)):
        return
    db.session.flush()
    db.session.info.setdefault(_INLINE_IDS, set()).update(m.id for m in messages)


def register_listeners() -> None:
    """Start background deliveries when a session commits (and forget them on rollback). The
    app factory calls this; registering twice changes nothing."""
    for name, listener in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)


def _after_commit(session: Session) -> None:
    ids = session.info.pop(_INLINE_IDS, None)
    if ids and has_app_context():
        _spawn(current_app._get_current_object(), sorted(ids))  # type: ignore[attr-defined]


def _after_rollback(session: Session) -> None:
    session.info.pop(_INLINE_IDS, None)


def _spawn(app: Flask, ids: list[int]) -> None:
    if not _slots.acquire(blocking=False):
        log.info("background deliveries busy; the outbox job will deliver %d message(s)", len(ids))
        return
    thread = threading.Thread(target=_deliver_in_background, args=(app, ids), name="outbox-inline", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()


def _deliver_in_background(app: Flask, ids: list[int]) -> None:
    # Its own app context, hence its own session and connection.
    try:
        with app.app_context():
            deliver_due(ids=ids)
    except Exception:
        log.exception("background delivery failed; the outbox job will retry")
    finally:
        _slots.release()
        with _threads_lock:
            _threads.discard(threading.current_thread())


def join_background(timeout: float = 10.0) -> None:
    """Wait for the background deliveries started so far (tests, graceful shutdown)."""
    deadline = time.monotonic() + timeout
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
