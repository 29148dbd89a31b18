"""Unread count and read-all of the inbox."""

from __future__ import annotations

from matchsvc.notifications import service
from tests.helpers import assert_problem


def test_unread_count_and_read_all(as_, make):
    account, other = make.account(), make.account()
    for _ in range(3):
        service.notify(account_id=account.id, kind="match", payload={})
    service.notify(account_id=other.id, kind="match", payload={})
    from matchsvc.extensions import db

    db.session.commit()
    assert service.unread_count(actor=account) == {"count": 3}
    r = as_(account).get("/me/notifications/unread-count")
    assert r.status_code == 200 and r.json == {"count": 3}
    first = as_(account).get("/me/notifications").json["items"][0]["id"]
    as_(account).post(f"/me/notifications/{first}/read")
    assert as_(account).get("/me/notifications/unread-count").json == {"count": 2}
    r = as_(account).post("/me/notifications/read-all")
    assert r.status_code == 200 and r.json == {"count": 2}
    assert as_(account).post("/me/notifications/read-all").json == {"count": 0}
    assert as_(account).get("/me/notifications?unread=true").json["items"] == []
    assert as_(other).get("/me/notifications/unread-count").json == {"count": 1}
    assert_problem(as_(None).get("/me/notifications/unread-count"), 401)
    assert_problem(as_(None).post("/me/notifications/read-all"), 401)
