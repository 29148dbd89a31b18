"""The webhook outbox against a real HTTP receiver: it fails, is down, recovers; nothing is lost."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from matchsvc.core.clock import utcnow
from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.notifications import cli as outbox_cli
from matchsvc.notifications import outbox, service
from matchsvc.notifications.models import Notification, OutboxMessage
from matchsvc.notifications.senders import canonical_json, verify_signature

from tests.notifications.conftest import SECRET, Receiver


def _notes(make: Any, n: int = 3, kind: str = "daily_picks") -> list[Notification]:
    account = make.account()
    notes = [service.notify(account_id=account.id, kind=kind, payload={"count": i + 1, "profile_ids": [i + 1]})
             for i in range(n)]
    db.session.commit()
    return notes  # type: ignore[return-value]


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _between(value: datetime, start: datetime, seconds: float) -> bool:
    """``value`` is ``seconds`` after ``start``, give or take the 10 % jitter."""
    return start + timedelta(seconds=seconds * 0.9) <= value <= start + timedelta(seconds=seconds * 1.1)


def test_failing_then_down_then_recovered_receiver_gets_each_message_exactly_once(make, webhook):
    notes = _notes(make, 3)
    t0 = utcnow()
    webhook.status = 500

    assert outbox.deliver_due(now=t0) == {"delivered": 0, "failed": 3, "pending": 3}
    assert [h.status for h in webhook.hits] == [500, 500, 500] and all(h.signed for h in webhook.hits)
    first = _messages()
    assert [m.attempts for m in first] == [1, 1, 1]
    assert all(m.delivered_at is None and m.last_error == "HTTP 500 Internal Server Error" for m in first)
    assert all(_between(m.next_attempt_at, t0, 30) for m in first)

    # Not due yet: nothing is sent.
    assert outbox.deliver_due(now=t0 + timedelta(seconds=20)) == {"delivered": 0, "failed": 0, "pending": 3}
    assert len(webhook.hits) == 3

    webhook.stop()  # the port is closed now
    t1 = t0 + timedelta(seconds=40)
    assert outbox.deliver_due(now=t1) == {"delivered": 0, "failed": 3, "pending": 3}
    second = _messages()
    assert [m.attempts for m in second] == [2, 2, 2]
    assert all(m.last_error.startswith("ConnectionError") for m in second)
    assert all(_between(m.next_attempt_at, t1, 60) for m in second)

    webhook.status = 200
    webhook.start()
    t2 = t1 + timedelta(seconds=70)
    assert outbox.deliver_due(now=t2) == {"delivered": 3, "failed": 0, "pending": 0}
    assert all(m.delivered_at == t2 for m in _messages())

    # A later pass sends nothing more.
    assert outbox.deliver_due(now=t2 + timedelta(days=2)) == {"delivered": 0, "failed": 0, "pending": 0}
    accepted = webhook.accepted()
    assert sorted(h.delivery for h in accepted) == sorted(str(m.id) for m in _messages())
    assert [json.loads(h.body)["id"] for h in accepted] == [n.id for n in notes]
    assert len(webhook.hits) == 3 + 3  # three refused at the closed port never arrived
    assert all(h.signed for h in webhook.hits)


def test_one_failing_message_does_not_undo_the_others(make, webhook, monkeypatch):
    _notes(make, 3)
    bad = str(_messages()[1].id)
    real = webhook.handle
    monkeypatch.setattr(webhook, "handle", lambda headers, body: 500 if headers["X-Matchsvc-Delivery"] == bad
                        else real(headers, body))

    assert outbox.deliver_due() == {"delivered": 2, "failed": 1, "pending": 1}
    states = [(str(m.id), m.delivered_at is not None) for m in _messages()]
    assert states == [(s, s != bad) for s, _ in states]


def test_lost_acknowledgement_resends_with_the_same_delivery_id(make, webhook):
    _notes(make, 1)
    t0 = utcnow()
    webhook.lose_ack = True
    assert outbox.deliver_due(now=t0)["failed"] == 1
    webhook.lose_ack = False
    assert outbox.deliver_due(now=t0 + timedelta(minutes=1))["delivered"] == 1

    first, again = webhook.hits
    assert first.delivery == again.delivery and first.body == again.body
    assert len(webhook.processed) == 1  # the receiver de-duplicated on X-Matchsvc-Delivery


def test_body_and_headers_follow_the_contract_with_no_contact_details(make, webhook):
    a, pa = make.member(gender="female", seeking_gender="male", contact={"phone": "13911112222"})
    b, pb = make.member(gender="male", seeking_gender="female", contact={"wechat": "wx_secret_id"})
    interactions.like(actor=a, profile_id=pb.id)
    _, match = interactions.like(actor=b, profile_id=pa.id)
    db.session.commit()
    assert match is not None

    before = int(time.time())
    assert outbox.deliver_due()["delivered"] == 2
    hits = webhook.accepted()
    for hit, message in zip(hits, _messages(), strict=True):
        doc = json.loads(hit.body)
        assert hit.body == canonical_json(doc) == canonical_json(message.payload)
        assert set(doc) == {"id", "account_id", "kind", "payload", "text_zh", "text_en", "created_at"}
        assert doc["kind"] == "match" and doc["payload"]["match_id"] == match.id
        assert "互相喜欢" in hit.body.decode("utf-8")  # UTF-8 as is, not \u escapes
        assert b"13911112222" not in hit.body and b"wx_secret_id" not in hit.body
        assert hit.headers["Content-Type"] == "application/json; charset=utf-8"
        assert hit.headers["X-Matchsvc-Event"] == "match"
        assert hit.headers["X-Matchsvc-Delivery"] == str(message.id)
        assert before <= int(hit.headers["X-Matchsvc-Timestamp"]) <= time.time()
        assert verify_signature(SECRET, hit.headers["X-Matchsvc-Timestamp"], hit.body,
                                hit.headers["X-Matchsvc-Signature"])
        assert not verify_signature("another secret", hit.headers["X-Matchsvc-Timestamp"], hit.body,
                                    hit.headers["X-Matchsvc-Signature"])
    assert sorted(json.loads(h.body)["account_id"] for h in hits) == sorted([a.id, b.id])


def test_slow_receiver_times_out_and_is_retried(make, webhook, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", (1.0, 0.1))
    webhook.delay = 0.3
    _notes(make, 1)
    assert outbox.deliver_due()["failed"] == 1
    assert _messages()[0].last_error.startswith("ReadTimeout")


def test_last_error_never_holds_the_url_token_or_secret(make, app, monkeypatch):
    dead = Receiver()
    dead.start()
    dead.stop()  # a port nobody listens on
    token_url = f"http://127.0.0.1:{dead.port}/hooks/tok_abc123?key=q_s3cr3t"
    monkeypatch.setitem(app.config, "WEBHOOK_URL", token_url)
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "whsec-0123456789")
    monkeypatch.setitem(app.config, "WEBHOOK_INLINE", False)
    _notes(make, 1)
    assert outbox.deliver_due()["failed"] == 1
    error = _messages()[0].last_error
    assert error.startswith("ConnectionError") and len(error) <= 500
    assert "tok_abc123" not in error and "q_s3cr3t" not in error and app.config["WEBHOOK_SECRET"] not in error


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (6, 960), (7, 1920),
                                                   (8, 3600), (10, 3600), (10_000, 3600)])
def test_retry_delay_doubles_from_30_seconds_up_to_an_hour(attempts, seconds):
    for seed in range(20):
        delay = outbox.retry_delay(attempts, rng=random.Random(seed)).total_seconds()
        assert seconds * 0.9 <= delay <= seconds * 1.1


def test_retry_delay_is_jittered():
    rng = random.Random(7)
    assert len({outbox.retry_delay(3, rng=rng) for _ in range(5)}) == 5


def test_failures_are_logged_loudly_from_the_tenth_attempt(make, webhook, caplog):
    _notes(make, 1)
    webhook.status = 503
    db.session.execute(sa.update(OutboxMessage).values(attempts=8))
    db.session.commit()
    caplog.set_level(logging.WARNING, logger="matchsvc.notifications.outbox")
    now = utcnow()
    outbox.deliver_due(now=now)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    outbox.deliver_due(now=now + timedelta(hours=2))
    assert [r.levelno for r in caplog.records] == [logging.WARNING, logging.ERROR]
    assert "failed 10 time(s)" in caplog.records[-1].getMessage()
    message = _messages()[0]
    assert message.attempts == 10 and message.delivered_at is None  # never given up


def test_messages_wait_while_their_sender_is_not_configured(make, webhook, app, monkeypatch):
    _notes(make, 2)
    monkeypatch.setitem(app.config, "WEBHOOK_URL", None)
    assert outbox.deliver_due() == {"delivered": 0, "failed": 0, "pending": 2}
    assert webhook.hits == []
    monkeypatch.setitem(app.config, "WEBHOOK_URL", webhook.url)
    assert outbox.deliver_due() == {"delivered": 2, "failed": 0, "pending": 0}


def test_limit_and_ids_bound_a_pass(make, webhook):
    _notes(make, 3)
    ids = [m.id for m in _messages()]
    assert outbox.deliver_due(ids=[ids[2]]) == {"delivered": 1, "failed": 0, "pending": 2}
    assert outbox.deliver_due(limit=1) == {"delivered": 1, "failed": 0, "pending": 1}
    assert [h.delivery for h in webhook.hits] == [str(ids[2]), str(ids[0])]


def test_a_sender_that_raises_anything_is_retried(make, webhook, monkeypatch):
    from matchsvc.notifications.senders import WebhookSender

    def broken(self: WebhookSender, message: OutboxMessage) -> None:
        raise ValueError("bad document")

    monkeypatch.setattr(WebhookSender, "deliver", broken)
    _notes(make, 1)
    assert outbox.deliver_due()["failed"] == 1
    assert _messages()[0].last_error == "ValueError: bad document"


# --- right after the request ------------------------------------------------------------------

def test_request_that_notifies_delivers_in_the_background_after_commit(make, webhook, app, as_, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_INLINE", True)
    a, pa = make.member(gender="female", seeking_gender="male")
    b, pb = make.member(gender="male", seeking_gender="female")
    assert as_(a).post("/me/likes", json={"profile_id": pb.id}).status_code == 201
    assert as_(b).post("/me/likes", json={"profile_id": pa.id}).get_json()["mutual"] is True
    outbox.join_background()

    assert len(webhook.accepted()) == 2
    assert all(m.delivered_at is not None for m in _messages())
    assert outbox.deliver_due() == {"delivered": 0, "failed": 0, "pending": 0}


def test_background_delivery_failure_leaves_the_message_for_the_job(make, webhook, app, as_, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_INLINE", True)
    webhook.status = 500
    a, pa = make.member(gender="female", seeking_gender="male")
    b, pb = make.member(gender="male", seeking_gender="female")
    as_(a).post("/me/likes", json={"profile_id": pb.id})
    as_(b).post("/me/likes", json={"profile_id": pa.id})
    outbox.join_background()
    assert [(m.attempts, m.delivered_at) for m in _messages()] == [(1, None), (1, None)]
    webhook.status = 200
    assert outbox.deliver_due(now=utcnow() + timedelta(minutes=1))["delivered"] == 2


def test_no_background_delivery_when_inline_is_off_or_outside_a_request(make, webhook, app, as_, monkeypatch):
    a, pa = make.member(gender="female", seeking_gender="male")
    b, pb = make.member(gender="male", seeking_gender="female")
    as_(a).post("/me/likes", json={"profile_id": pb.id})
    as_(b).post("/me/likes", json={"profile_id": pa.id})  # WEBHOOK_INLINE is off in `webhook`
    monkeypatch.setitem(app.config, "WEBHOOK_INLINE", True)
    _notes(make, 1)  # no request: the job delivers
    outbox.join_background()
    assert webhook.hits == [] and len(_messages()) == 3


def test_rolled_back_request_starts_no_background_delivery(make, webhook, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_INLINE", True)
    account = make.account()
    with app.test_request_context("/"):
        service.notify(account_id=account.id, kind="match", payload={"match_id": 1})
        db.session.rollback()
        db.session.commit()
    outbox.join_background()
    assert webhook.hits == [] and _messages() == []


def test_background_delivery_is_skipped_when_all_slots_are_busy(make, webhook, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_INLINE", True)
    slots = threading.BoundedSemaphore(1)
    slots.acquire()
    monkeypatch.setattr(outbox, "_slots", slots)
    account = make.account()
    with app.test_request_context("/"):
        service.notify(account_id=account.id, kind="match", payload={"match_id": 1})
        db.session.commit()
    outbox.join_background()
    assert webhook.hits == [] and _messages()[0].delivered_at is None


def test_background_delivery_errors_are_logged_not_raised(app, caplog, monkeypatch):
    def boom(**_: Any) -> dict[str, int]:
        raise RuntimeError("database away")

    monkeypatch.setattr(outbox, "deliver_due", boom)
    outbox._spawn(app, [1])
    outbox.join_background()
    assert "background delivery failed" in caplog.text


# --- several workers (PostgreSQL) ---------------------------------------------------------------

@pytest.mark.postgres
def test_concurrent_workers_never_send_one_message_twice(make, webhook, app: Flask):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED needs PostgreSQL (TEST_DATABASE_URL)")
    _notes(make, 12)
    webhook.delay = 0.02
    results: list[dict[str, int]] = []

    def worker() -> None:
        with app.app_context():
            results.append(outbox.deliver_due())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["delivered"] for r in results) == 12
    assert len(webhook.hits) == 12 and len(webhook.processed) == 12


# --- the command --------------------------------------------------------------------------------

def test_cli_delivers_and_prints_counts(make, webhook, runner):
    _notes(make, 2)
    result = runner.invoke(args=["deliver-outbox"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "deliver-outbox: 2 delivered, 0 failed, 0 pending"
    assert len(webhook.accepted()) == 2


def test_cli_loop_keeps_going_until_interrupted(make, webhook, runner, monkeypatch):
    _notes(make, 1)
    passes: list[float] = []
    calls = {"n": 0}
    real = outbox.deliver_due

    def flaky(**kw: Any) -> dict[str, int]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database away")
        return real(**kw)

    def sleep(seconds: float) -> None:
        passes.append(seconds)
        if len(passes) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(outbox, "deliver_due", flaky)
    monkeypatch.setattr(outbox_cli, "_sleep", sleep)
    monkeypatch.setattr(outbox_cli, "BATCH", 1)
    _notes(make, 1)
    result = runner.invoke(args=["deliver-outbox", "--loop", "--interval", "0.5"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines == ["deliver-outbox: a pass every 0.5 s; Ctrl-C to stop",
                     "deliver-outbox: 1 delivered, 0 failed, 1 pending",   # a full batch: no pause
                     "deliver-outbox: 1 delivered, 0 failed, 0 pending",
                     "deliver-outbox: stopped"]
    assert passes == [0.5, 0.5, 0.5] and len(webhook.accepted()) == 2


def test_cli_sleeps_for_real_between_passes():
    started = time.monotonic()
    outbox_cli._sleep(0.01)
    assert time.monotonic() - started >= 0.01
