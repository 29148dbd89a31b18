"""Senders chosen by config, the documents they get, and the webhook signature."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.notifications import senders, service
from matchsvc.notifications.models import Notification, OutboxMessage
from matchsvc.notifications.senders import (MemorySender, Sender, WebhookSender, canonical_json, sign,
                                            verify_signature)

from tests import factories


def _outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_no_sender_besides_the_inbox_by_default(make, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_MEMORY", False)
    assert senders.configured() == []
    account = make.account()
    note = service.notify(account_id=account.id, kind="match", payload={"match_id": 1})
    db.session.commit()
    assert note is not None and db.session.get(Notification, note.id) is not None
    assert _outbox() == [] and senders.memory.sent == []


def test_webhook_sender_is_configured_by_its_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_URL", "https://host.example/hook")
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s")
    (sender,) = senders.configured()
    assert isinstance(sender, WebhookSender) and sender.name == "webhook"
    assert (sender.url, sender.secret, sender.timeout) == ("https://host.example/hook", "s", (3.0, 10.0))


def test_memory_sender_records_every_notification(make, memory):
    account = make.account()
    note = service.notify(account_id=account.id, kind="daily_picks", payload={"count": 2, "profile_ids": [4, 5]})
    assert [m.name for m in senders.configured()] == ["memory"]
    assert memory.sent == [senders.document(note)]
    assert memory.sent[0]["text_en"] == "Today's 2 picks for you are ready."
    assert _outbox() == []  # it records at once; only external senders use the outbox


def test_memory_sender_is_emptied_after_each_test():
    assert senders.memory.reset in factories.RESETS
    assert senders.memory.sent == []


def test_dispatch_writes_one_outbox_row_per_external_sender_in_the_same_transaction(make, memory, app,
                                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_URL", "http://127.0.0.1:9/hook")
    account = make.account()
    note = service.notify(account_id=account.id, kind="match", payload={"match_id": 7, "profile_id": 8})
    assert note is not None
    (message,) = _outbox()
    assert message.sender == "webhook" and message.notification_id == note.id and message.attempts == 0
    assert message.payload == senders.document(note) and message.delivered_at is None
    assert len(memory.sent) == 1

    db.session.rollback()  # the request failed: neither the notification nor its message remain
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert _outbox() == []


def test_document_holds_ids_and_texts_but_never_contact_details(make):
    account = make.account()
    note = service.notify(account_id=account.id, kind="match",
                          payload={"match_id": 3, "profile_id": 9, "contact": {"phone": "13800138000"},
                                   "nested": [{"Email": "a@b.cn", "id": 1}]})
    doc = senders.document(note)
    assert set(doc) == {"id", "account_id", "kind", "payload", "text_zh", "text_en", "created_at"}
    assert doc["payload"] == {"match_id": 3, "profile_id": 9, "nested": [{"id": 1}]}
    assert (doc["id"], doc["account_id"], doc["kind"]) == (note.id, account.id, "match")
    assert doc["text_zh"].startswith("你们互相喜欢") and doc["text_en"].startswith("It's mutual")
    assert doc["created_at"] == note.created_at.isoformat() and doc["created_at"].endswith("+00:00")
    assert "13800138000" not in json.dumps(doc) and "a@b.cn" not in json.dumps(doc)


def test_canonical_json_is_sorted_compact_utf8():
    body = canonical_json({"b": 1, "a": {"d": [1, 2], "c": "红娘"}})
    assert body == '{"a":{"c":"红娘","d":[1,2]},"b":1}'.encode("utf-8")


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    import hashlib
    import hmac

    body = canonical_json({"id": 1, "text_zh": "你好"})
    expected = hmac.new(b"k3y", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("k3y", 1700000000, body) == f"sha256={expected}"
    assert sign(b"k3y", "1700000000", body.decode("utf-8")) == f"sha256={expected}"


@pytest.mark.parametrize(("secret", "timestamp", "body", "signature", "ok"), [
    ("k3y", "1700000000", b'{"id":1}', None, True),
    ("k3y", 1700000000, '{"id":1}', None, True),
    ("other", "1700000000", b'{"id":1}', None, False),
    ("k3y", "1700000001", b'{"id":1}', None, False),
    ("k3y", "1700000000", b'{"id":2}', None, False),
    ("k3y", "1700000000", b'{"id":1}', "", False),
    ("k3y", "1700000000", b'{"id":1}', "sha1=00", False),
    ("k3y", "1700000000", b'{"id":1}', "sha256=红娘", False),
    ("k3y", "", b'{"id":1}', None, False),
    ("k3y", "17e8", b'{"id":1}', None, False),
    ("k3y", "١٧٠٠٠٠٠٠٠٠", b'{"id":1}', None, False),
])
def test_verify_signature(secret, timestamp, body, signature, ok):
    if signature is None:
        signature = sign("k3y", "1700000000", b'{"id":1}')
    assert verify_signature(secret, timestamp, body, signature) is ok


def test_verify_signature_rejects_stale_timestamps_with_a_tolerance():
    signature = sign("k3y", 1700000000, b"{}")
    assert verify_signature("k3y", 1700000000, b"{}", signature, tolerance=300, now=1700000299)
    assert not verify_signature("k3y", 1700000000, b"{}", signature, tolerance=300, now=1700000301)
    assert not verify_signature("k3y", 1700000000, b"{}", signature, tolerance=300)  # long ago


def test_base_sender_must_implement_deliver(make):
    class Bare(Sender):
        name = "bare"

    with pytest.raises(NotImplementedError):
        Bare().deliver(OutboxMessage())
    with pytest.raises(NotImplementedError):
        Bare().record({"id": 1})
    Bare().close()
    # an external sender goes through the outbox; the in-memory one records at once
    assert Bare.outboxed and WebhookSender.outboxed and not MemorySender.outboxed


def test_the_app_factory_registers_the_outbox_session_listeners_once(app):
    from sqlalchemy.orm import Session

    from matchsvc import create_app
    from matchsvc.notifications import outbox

    create_app(dict(app.config))
    outbox.register_listeners()
    for name, listener in (("after_commit", outbox._after_commit), ("after_rollback", outbox._after_rollback)):
        assert sa.event.contains(Session, name, listener)
    # registered once however often the factory runs: one removal takes each listener away
    try:
        for name, listener in (("after_commit", outbox._after_commit), ("after_rollback", outbox._after_rollback)):
            sa.event.remove(Session, name, listener)
            assert not sa.event.contains(Session, name, listener)
    finally:
        outbox.register_listeners()
