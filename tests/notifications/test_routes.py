"""The inbox over HTTP."""

from __future__ import annotations

from matchsvc.extensions import db
from matchsvc.notifications import service
from tests.helpers import assert_problem


def test_inbox_lists_with_text_in_the_callers_language(as_, make):
    account = make.account()
    service.notify(account_id=account.id, kind="review_decided",
                   payload={"profile_id": 1, "decision": "request_changes", "note": "请补充"})
    db.session.commit()
    r = as_(account).get("/me/notifications")
    assert r.status_code == 200 and r.json["total"] == 1
    [item] = r.json["items"]
    assert {"id", "kind", "payload", "created_at", "read_at"} <= set(item)
    assert item["read_at"] is None and "请补充" in item["text"] and "审核" in item["text"]
    en = as_(account, **{"Accept-Language": "en"}).get("/me/notifications").json["items"][0]
    assert en["text"].startswith("The reviewer asks you")


def test_mark_read_and_unread_filter(as_, make):
    account = make.account()
    notes = [service.notify(account_id=account.id, kind="match", payload={"match_id": i}) for i in range(2)]
    db.session.commit()
    acting = as_(account)
    r = acting.post(f"/me/notifications/{notes[0].id}/read")
    assert r.status_code == 200 and r.json["read_at"]
    assert [n["id"] for n in acting.get("/me/notifications?unread=true").json["items"]] == [notes[1].id]
    assert acting.get("/me/notifications").json["total"] == 2


def test_mark_someone_elses_notification_404(as_, make):
    note = service.notify(account_id=make.account().id, kind="match")
    db.session.commit()
    assert_problem(as_(make.account()).post(f"/me/notifications/{note.id}/read"), 404)
    assert_problem(as_(make.account()).post("/me/notifications/99999999999999999/read"), 404)


def test_inbox_anonymous_401(as_):
    assert_problem(as_(None).get("/me/notifications"), 401)
