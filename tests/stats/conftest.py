"""A small union with a year of history: two branches, profiles in every state, reviews with their
times, matches of both sources, and events held, cancelled and coming."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from matchsvc.core.clock import utcnow
from matchsvc.events.models import Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.interactions.models import Match, MatchSource
from matchsvc.reviews.models import AuditEntry

from tests.factories import EventFactory


def month_start(months_ago: int) -> datetime:
    now = utcnow()
    y, m = now.year, now.month - months_ago
    while m < 1:
        y, m = y - 1, m + 12
    return datetime(y, m, 1, 12, tzinfo=timezone.utc)


def label(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


@pytest.fixture
def union(make: Any) -> SimpleNamespace:
    east = make.unit("东区工会")
    west = make.unit("西区妇联")
    east_team = make.unit("=SUM(A1)", parent=east)
    people = {}
    for name, unit, kw in [("e1", east, {"approved": True}), ("e2", east_team, {"approved": True, "gender": "male"}),
                           ("e3", east, {"pending": True}), ("w1", west, {"approved": True, "gender": "male"}),
                           ("w2", west, {}), ("w3", west, {"approved": True})]:
        people[name] = make.member(unit=unit, **kw)[1] if kw.get("approved") else \
            make.profile(make.account(unit=unit), **kw)
    now = utcnow()
    this, last = month_start(0), month_start(1)
    for at, action, unit, seconds in [(last, "approve", east, 100.0), (last, "reject", east, 300.0),
                                      (this, "approve", east_team, 500.0), (this, "approve", west, 50.0),
                                      (this, "request_changes", west, None), (month_start(14), "approve", east, 9.0),
                                      (this, "suspend", west, None)]:
        db.session.add(AuditEntry(at=at, action=action, target="profile:1", org_unit_id=unit.id,
                                  detail={"review_seconds": seconds} if seconds is not None else {}))
    p = people
    db.session.add_all([
        Match(low_id=min(p["e1"].id, p["e2"].id), high_id=max(p["e1"].id, p["e2"].id), source=MatchSource.like,
              created_at=last),
        Match(low_id=min(p["e1"].id, p["w1"].id), high_id=max(p["e1"].id, p["w1"].id), source=MatchSource.event,
              created_at=this),
        Match(low_id=min(p["w3"].id, p["w1"].id), high_id=max(p["w3"].id, p["w1"].id), source=MatchSource.like,
              created_at=this),
    ])
    held = EventFactory(over=True, org_units=[east])
    held.starts_at, held.ends_at, held.signup_deadline = now - timedelta(hours=3), now - timedelta(hours=1), \
        now - timedelta(days=1)
    for profile, came in [(p["e1"], True), (p["e2"], False), (p["w3"], True)]:
        db.session.add(Signup(event_id=held.id, profile_id=profile.id, gender=profile.gender,
                              status=SignupStatus.confirmed, confirmed_at=now,
                              checked_in_at=now if came else None))
    db.session.add(Signup(event_id=held.id, profile_id=p["w1"].id, gender=p["w1"].gender,
                          status=SignupStatus.waitlisted))
    west_event = EventFactory(over=True, org_units=[west])
    db.session.add(Signup(event_id=west_event.id, profile_id=p["w3"].id, gender=p["w3"].gender,
                          status=SignupStatus.confirmed, confirmed_at=now, checked_in_at=now))
    EventFactory(over=True, cancelled=True, org_units=[east])
    EventFactory(org_units=[east])
    db.session.commit()
    return SimpleNamespace(east=east, west=west, east_team=east_team, people=people, this=label(this),
                           last=label(last), held=held)
