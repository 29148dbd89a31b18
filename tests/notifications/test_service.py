"""The inbox: notify (idempotent with a key), list, mark read."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.errors import NotFound
from matchsvc.extensions import db
from matchsvc.notifications import service
from matchsvc.notifications.models import Notification, OutboxMessage
from matchsvc.profiles import service as profiles


def test_notify_with_dedup_key_is_idempotent(make):
    account = make.account()
    first = service.notify(account_id=account.id, kind="daily_picks", payload={"count": 3}, dedup_key="daily:1")
    again = service.notify(account_id=account.id, kind="daily_picks", payload={"count": 3}, dedup_key="daily:1")
    assert first is not None and again is None
    other = make.account()
    assert service.notify(account_id=other.id, kind="daily_picks", dedup_key="daily:1") is not None
    assert service.notify(account_id=account.id, kind="match") is not None
    assert service.notify(account_id=account.id, kind="match") is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 4


def test_inbox_newest_first_and_unread(make):
    account = make.account()
    notes = [service.notify(account_id=account.id, kind="match", payload={"match_id": i}) for i in range(3)]
    service.notify(account_id=make.account().id, kind="match")
    service.mark_read(actor=account, notification_id=notes[1].id)
    listed = db.session.scalars(service.inbox(actor=account)).all()
    assert [n.id for n in listed] == [notes[2].id, notes[1].id, notes[0].id]
    unread = db.session.scalars(service.inbox(actor=account, unread=True)).all()
    assert [n.id for n in unread] == [notes[2].id, notes[0].id]


def test_mark_read_is_idempotent_and_only_for_the_owner(make):
    account = make.account()
    note = service.notify(account_id=account.id, kind="match")
    first = service.mark_read(actor=account, notification_id=note.id).read_at
    assert first is not None
    assert service.mark_read(actor=account, notification_id=note.id).read_at == first
    with pytest.raises(NotFound):
        service.mark_read(actor=make.account(), notification_id=note.id)
    with pytest.raises(NotFound):
        service.mark_read(actor=account, notification_id=999)


def test_withdrawal_empties_the_members_inbox_and_its_outbox_copies(make, webhook):
    """Withdrawing consent erases what the inbox held about the profile (a reviewer's note on it,
    whom it matched with) and the copies waiting for the webhook; other members keep theirs."""
    me, mine = make.member()
    other_account, other = make.member()
    service.notify(account_id=me.id, kind="review_decided",
                   payload={"profile_id": mine.id, "decision": "request_changes", "note": "请写清楚工作单位"})
    service.notify(account_id=me.id, kind="match", payload={"match_id": 1, "profile_id": other.id})
    kept = service.notify(account_id=other_account.id, kind="match", payload={"match_id": 1, "profile_id": mine.id})
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 3
    profiles.withdraw(actor=me)
    db.session.commit()
    assert [n.id for n in db.session.scalars(sa.select(Notification))] == [kept.id]
    assert [m.notification_id for m in db.session.scalars(sa.select(OutboxMessage))] == [kept.id]
    assert service.export_rows(actor=me, profile=None) == []
