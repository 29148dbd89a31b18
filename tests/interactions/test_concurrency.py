"""Likes, passes and blocks racing each other, with real threads, each request on its own app
context and database connection: two members who like each other at the same moment still get
their match (exactly one), the same like, pass or block sent twice at once counts once, and
nothing answers with a 5xx (nor a 409: they are idempotent).

On PostgreSQL (TEST_DATABASE_URL) the transactions really overlap; on SQLite writes are serialised,
but "database is locked" must never surface.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Like, Match, Pass
from matchsvc.notifications.models import Notification
from tests.helpers import race

PAIRS = 12


def test_mutual_likes_at_the_same_moment_make_exactly_one_match(app: Flask, make: Any) -> None:
    pairs = [(make.member(gender="female", seeking_gender="male"), make.member(gender="male", seeking_gender="female"))
             for _ in range(PAIRS)]
    calls = []
    for (a_acc, a), (b_acc, b) in pairs:
        calls += [("POST", "/me/likes", a_acc, {"profile_id": b.id}), ("POST", "/me/likes", b_acc, {"profile_id": a.id}),
                  ("POST", "/me/likes", a_acc, {"profile_id": b.id})]  # the same like twice at once
    results = race(app, calls)
    assert Counter(code for code, _ in results) == {201: 3 * PAIRS}, results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Like.id))) == 2 * PAIRS
    matches = db.session.execute(sa.select(Match.low_id, Match.high_id)).all()
    assert sorted(matches) == sorted((min(a.id, b.id), max(a.id, b.id)) for (_, a), (_, b) in pairs)
    for i in range(PAIRS):  # someone in each pair heard it was mutual
        assert any(body["mutual"] and body["match_id"] for _, body in results[3 * i:3 * i + 3])
    notified = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.kind == "match"))
    assert notified == 2 * PAIRS


@pytest.mark.parametrize(("url", "model"), [("/me/passes", Pass), ("/me/blocks", Block)])
def test_the_same_pass_or_block_twice_at_once_counts_once(app: Flask, make: Any, url: str, model: Any) -> None:
    people = [(make.member(gender="female", seeking_gender="male"), make.member(gender="male", seeking_gender="female"))
              for _ in range(PAIRS)]
    calls = [("POST", url, a_acc, {"profile_id": b.id}) for (a_acc, _), (_, b) in people for _ in range(2)]
    results = race(app, calls)
    assert Counter(code for code, _ in results) == {201: 2 * PAIRS}, results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(model.id))) == PAIRS


def test_likes_sent_at_once_never_overrun_the_daily_limit(app: Flask, make: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "DAILY_LIKE_LIMIT", 5)
    me, _ = make.member(gender="female", seeking_gender="male")
    others = [make.member(gender="male", seeking_gender="female")[1] for _ in range(3 * PAIRS)]
    results = race(app, [("POST", "/me/likes", me, {"profile_id": p.id}) for p in others])
    assert Counter(code for code, _ in results) == {201: 5, 429: 3 * PAIRS - 5}, results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Like.id))) == 5
