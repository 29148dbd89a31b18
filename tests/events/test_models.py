"""What the database itself keeps true about events, on either engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchsvc.core.clock import utcnow
from matchsvc.events.models import Event, Invitation, InvitationStatus, MatchFollowup, Signup, SignupStatus
from matchsvc.extensions import db


@pytest.mark.parametrize("changes", [
    {"capacity": 0},
    {"quota_male": 6},
    {"quota_female": -1},
    {"age_min": 40, "age_max": 30},
    {"ends_at": "starts_at"},
    {"signup_deadline": "after_start"},
    {"cancelled_at": "now"},
])
def test_event_constraints(ev, changes):
    event = ev.event()
    for name, value in changes.items():
        if value == "starts_at":
            value = event.starts_at
        elif value == "after_start":
            value = event.starts_at + timedelta(minutes=1)
        elif value == "now":
            value = utcnow()
        setattr(event, name, value)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_signup_and_one_invitation_per_member_and_event(ev):
    event = ev.event()
    _, woman = ev.woman()
    for model, kw in ((Signup, {"status": SignupStatus.waitlisted}),
                      (Invitation, {"status": InvitationStatus.pending, "expires_at": utcnow()})):
        db.session.add(model(event_id=event.id, profile_id=woman.id, gender="female", **kw))
        db.session.commit()
        db.session.add(model(event_id=event.id, profile_id=woman.id, gender="female", **kw))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize("kw", [
    {"status": SignupStatus.waitlisted, "checked_in_at": "now"},
    {"status": SignupStatus.confirmed},
    {"status": SignupStatus.cancelled},
])
def test_signup_states_are_consistent(ev, kw):
    event = ev.event()
    _, woman = ev.woman()
    kw = {k: utcnow() if v == "now" else v for k, v in kw.items()}
    db.session.add(Signup(event_id=event.id, profile_id=woman.id, gender="female", **kw))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_answered_invitations_and_followups_say_when(ev):
    from matchsvc.interactions.models import Match, MatchSource

    event = ev.event()
    _, woman = ev.woman()
    _, man = ev.man()
    match = Match(low_id=min(woman.id, man.id), high_id=max(woman.id, man.id), source=MatchSource.event)
    db.session.add(match)
    db.session.commit()
    db.session.add(Invitation(event_id=event.id, profile_id=woman.id, gender="female",
                              status=InvitationStatus.declined, expires_at=utcnow()))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(MatchFollowup(match_id=match.id, profile_id=woman.id, met=True))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_open_for_signup_in_python_and_sql(ev):
    now = utcnow()
    open_, closed, cancelled = ev.event(), ev.event(closed=True), ev.event(cancelled=True)
    assert [e.is_open_at(now) for e in (open_, closed, cancelled)] == [True, False, False]
    assert db.session.scalars(sa.select(Event.id).where(Event.is_open_at(now))).all() == [open_.id]
