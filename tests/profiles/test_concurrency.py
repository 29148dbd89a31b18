"""Concurrent requests on the same rows never end in a 5xx (real threads, real connections)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Callable

import sqlalchemy as sa
from flask_jwt_extended import create_access_token

from matchsvc.extensions import db
from matchsvc.profiles.models import ConsentRecord, Profile

THREADS = 8


def _race(app: Any, call: Callable[[Any, int], Any]) -> Counter[int]:
    """Run ``call(client, i)`` in THREADS threads released at once; count the statuses."""
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        client = app.test_client()
        try:
            barrier.wait()
            statuses.append(call(client, i).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return Counter(statuses)


def test_first_profile_edits_at_once(app, make):
    account = make.account()
    headers = {"Authorization": f"Bearer {create_access_token(identity=str(account.id))}"}
    statuses = _race(app, lambda client, i: client.put("/api/v1/me/profile", headers=headers,
                                                       json={"intro": f"第{i}版", "consent": {"version": "2026-11",
                                                                                           "accepted": True}}))
    assert statuses == Counter({200: THREADS})
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Profile)) == 1
    assert db.session.scalar(sa.select(Profile.consent_version)) == "2026-11"
    # PostgreSQL records the consent once; SQLite (pysqlite's own transaction handling) may record it
    # once per racing request, each a true record of a consent given
    records = db.session.scalars(sa.select(ConsentRecord)).all()
    assert records and {(r.version, r.action.value) for r in records} == {("2026-11", "given")}


def test_same_username_registered_at_once(app, make):
    unit_id = make.root().id
    statuses = _race(app, lambda client, i: client.post("/api/v1/auth/register", json={
        "username": "same-name", "password": "0123456789", "org_unit_id": unit_id}))
    assert statuses == Counter({201: 1, 409: THREADS - 1})


def test_two_reviewers_decide_at_once(app, make):
    profile_id = make.member(approved=False, pending=True)[1].id
    reviewers = [make.account("reviewer") for _ in range(THREADS)]
    tokens = [create_access_token(identity=str(r.id)) for r in reviewers]
    statuses = _race(app, lambda client, i: client.post(
        f"/api/v1/profiles/{profile_id}/review", headers={"Authorization": f"Bearer {tokens[i]}"},
        json={"decision": "approve" if i % 2 else "reject", "note": "意见"}))
    assert statuses == Counter({200: 1, 409: THREADS - 1})


def test_submit_at_once(app, make):
    account = make.account()
    make.profile(account, consented=True)
    headers = {"Authorization": f"Bearer {create_access_token(identity=str(account.id))}"}
    statuses = _race(app, lambda client, i: client.post("/api/v1/me/profile/submit", headers=headers))
    assert statuses == Counter({200: 1, 409: THREADS - 1})
