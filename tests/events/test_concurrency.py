"""Sign-ups racing for the last seats, with real threads, each request on its own app context and
database connection: never overbooked, never a 5xx.

The PostgreSQL tests run when TEST_DATABASE_URL names a PostgreSQL database; the SQLite one runs
everywhere (writes are serialised there, but "database is locked" must never surface).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from matchsvc.core.clock import utcnow
from matchsvc.events.models import Signup, SignupStatus
from matchsvc.extensions import db
from tests.helpers import race

THREADS = 40


def _postgres_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL=postgresql://...")


def _confirmed(event_id: int) -> Counter[str]:
    rows = db.session.execute(sa.select(Signup.gender, Signup.status).where(Signup.event_id == event_id)).all()
    return Counter(f"{status.value}:{gender.value}" for gender, status in rows)


def _last_seats_race(app: Flask, ev: Any) -> None:
    """Quota 3 + 3, two seats of each already taken: 20 women and 20 men race for the last one each."""
    event = ev.event(quota_male=3, quota_female=3, capacity=6)
    for person in [ev.woman()[1], ev.woman()[1], ev.man()[1], ev.man()[1]]:
        db.session.add(Signup(event_id=event.id, profile_id=person.id, gender=person.gender,
                              status=SignupStatus.confirmed, confirmed_at=utcnow()))
    db.session.commit()
    racers = [ev.woman()[0] for _ in range(THREADS // 2)] + [ev.man()[0] for _ in range(THREADS // 2)]
    results = race(app, [("POST", f"/events/{event.id}/signups", a, None) for a in racers])
    db.session.expire_all()
    statuses = Counter(code for code, _ in results)
    assert statuses == {201: THREADS}, results
    answers = Counter(body["status"] for _, body in results)
    assert answers == {"confirmed": 2, "waitlisted": THREADS - 2}
    assert _confirmed(event.id) == {"confirmed:female": 3, "confirmed:male": 3,
                                    "waitlisted:female": THREADS // 2 - 1, "waitlisted:male": THREADS // 2 - 1}


@pytest.mark.postgres
def test_last_seats_are_never_overbooked_on_postgres(app: Flask, ev: Any) -> None:
    _postgres_only()
    _last_seats_race(app, ev)


def test_concurrent_signups_never_fail_on_either_database(app: Flask, ev: Any) -> None:
    _last_seats_race(app, ev)


@pytest.mark.postgres
def test_cancellations_and_signups_together_keep_the_quota(app: Flask, ev: Any) -> None:
    """Ten confirmed women cancel while thirty more sign up and ten waitlisted ones sign up again:
    the quota is full at the end, never exceeded, and every waitlisted woman is behind every
    confirmed one in the queue."""
    _postgres_only()
    event = ev.event(quota_male=0, quota_female=10, capacity=10)
    confirmed = [ev.woman() for _ in range(10)]
    waiting = [ev.woman() for _ in range(10)]
    for i, (_, person) in enumerate(confirmed + waiting):
        db.session.add(Signup(event_id=event.id, profile_id=person.id, gender=person.gender,
                              status=SignupStatus.confirmed if i < 10 else SignupStatus.waitlisted,
                              confirmed_at=utcnow() if i < 10 else None))
    db.session.commit()
    newcomers = [ev.woman()[0] for _ in range(30)]
    calls = [("DELETE", f"/events/{event.id}/signups/me", a, None) for a, _ in confirmed]
    calls += [("POST", f"/events/{event.id}/signups", a, None) for a in newcomers]
    calls += [("POST", f"/events/{event.id}/signups", a, None) for a, _ in waiting]
    results = race(app, calls)
    db.session.expire_all()
    assert Counter(code for code, _ in results) == {204: 10, 201: 30, 200: 10}, results
    counts = _confirmed(event.id)
    assert counts["confirmed:female"] == 10 and counts["cancelled:female"] == 10
    assert counts["waitlisted:female"] == 30
    queue = db.session.execute(sa.select(Signup.status, Signup.queued_at).where(
        Signup.event_id == event.id, Signup.status != SignupStatus.cancelled)).all()
    last_confirmed = max(at for status, at in queue if status is SignupStatus.confirmed)
    assert all(at >= last_confirmed for status, at in queue if status is SignupStatus.waitlisted)


def test_concurrent_answers_to_did_you_meet_never_fail(app: Flask, ev: Any) -> None:
    """The same member answering twice at once (a double tap): one row, no error."""
    from matchsvc.events.models import MatchFollowup
    from matchsvc.interactions.models import Match, MatchSource

    (wa, w), (_, m) = ev.woman(), ev.man()
    match = Match(low_id=min(w.id, m.id), high_id=max(w.id, m.id), source=MatchSource.event)
    db.session.add(match)
    db.session.commit()
    results = race(app, [("POST", f"/me/matches/{match.id}/met", wa, {"met": True})] * 8)
    assert [code for code, _ in results] == [200] * 8, results
    assert db.session.scalar(sa.select(sa.func.count(MatchFollowup.id))) == 1


@pytest.mark.postgres
def test_held_seats_survive_a_rush_of_signups(app: Flask, ev: Any) -> None:
    """Two of three women's seats are held by invitations; twenty women rush for the third while
    both invitees accept: the invitees get their seats, one rusher the last, the rest wait."""
    _postgres_only()
    from matchsvc.events import service

    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_male=3, quota_female=3, capacity=6)
    invitees = [ev.woman() for _ in range(2)]
    held = service.invite(actor=org, event_id=event.id, profile_ids=[p.id for _, p in invitees])["items"]
    db.session.commit()
    rushers = [ev.woman()[0] for _ in range(20)]
    calls = [("POST", f"/invitations/{inv.id}/accept", acc, None) for inv, (acc, _) in zip(held, invitees)]
    calls += [("POST", f"/events/{event.id}/signups", a, None) for a in rushers]
    results = race(app, calls)
    db.session.expire_all()
    assert [code for code, _ in results[:2]] == [200, 200], results[:2]
    assert Counter(body["status"] for _, body in results[2:]) == {"confirmed": 1, "waitlisted": 19}
    assert _confirmed(event.id) == {"confirmed:female": 3, "waitlisted:female": 19}
