"""A member's own side of events: /me/events, /me/invitations, seats and place in the list, and
the attendees they may select after checking in (service rules and HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchsvc.core.clock import utcnow
from matchsvc.errors import Forbidden
from matchsvc.events import service
from matchsvc.events.models import Invitation, InvitationStatus, Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.interactions.models import Block

from tests.helpers import assert_problem


def _signup(event, profile, status=SignupStatus.confirmed, checked_in=False):
    now = utcnow()
    row = Signup(event_id=event.id, profile_id=profile.id, gender=profile.gender, status=status,
                 confirmed_at=now if status is SignupStatus.confirmed else None,
                 cancelled_at=now if status is SignupStatus.cancelled else None,
                 checked_in_at=now if checked_in else None)
    db.session.add(row)
    db.session.commit()
    return row


def _invite(event, profile, status=InvitationStatus.pending, expires_in=timedelta(hours=24)):
    now = utcnow()
    row = Invitation(event_id=event.id, profile_id=profile.id, gender=profile.gender, status=status,
                     expires_at=now + expires_in, responded_at=None if status is InvitationStatus.pending else now)
    db.session.add(row)
    db.session.commit()
    return row


# -- service ------------------------------------------------------------------------------------

def test_my_events_lists_every_kind_of_place_upcoming_first(ev):
    acc, woman = ev.woman()
    confirmed, waitlisted, invited = ev.event(), ev.event(), ev.event()
    attended, other = ev.event(over=True), ev.event()
    _signup(confirmed, woman)
    _signup(waitlisted, woman, SignupStatus.waitlisted)
    _invite(invited, woman)
    _signup(attended, woman, checked_in=True)
    got = service.my_events(actor=acc)
    assert [v.id for v in got][-1] == attended.id and other.id not in [v.id for v in got]
    status = {v.id: (v.my_status, v.attended, v.past) for v in got}
    assert status == {confirmed.id: ("confirmed", False, False), waitlisted.id: ("waitlisted", False, False),
                      invited.id: ("invited", False, False), attended.id: ("confirmed", True, True)}
    assert [v.id for v in service.my_events(actor=acc, when="past")] == [attended.id]
    assert attended.id not in [v.id for v in service.my_events(actor=acc, when="upcoming")]


def test_my_events_without_a_profile_is_empty(make):
    assert service.my_events(actor=make.account()) == []
    assert service.my_invitations(actor=make.account()) == []


def test_my_invitations_states_and_filter(ev):
    acc, woman = ev.woman()
    pending = _invite(ev.event(), woman)
    lapsed = _invite(ev.event(), woman, expires_in=timedelta(seconds=-1))
    declined = _invite(ev.event(), woman, InvitationStatus.declined)
    got = {v.id: v.status for v in service.my_invitations(actor=acc)}
    assert got == {pending.id: "pending", lapsed.id: "expired", declined.id: "declined"}
    assert [v.id for v in service.my_invitations(actor=acc, status="expired")] == [lapsed.id]
    (one,) = service.my_invitations(actor=acc, status="pending")
    assert one.event.id == pending.event_id and one.event.seats_left["total"] == 9


def test_attendees_are_the_other_gender_checked_in_not_blocked(ev):
    event = ev.event(over=True)
    (wa, w), (ma, m), (ba, blocked) = ev.woman(), ev.man(), ev.man()
    _, absent = ev.man()
    _, other_woman = ev.woman()
    for p in (w, m, blocked, other_woman):
        _signup(event, p, checked_in=True)
    _signup(event, absent)
    db.session.add(Block(actor_id=blocked.id, target_id=w.id))
    db.session.commit()
    got = service.attendees(actor=wa, event_id=event.id)
    assert [a.id for a in got] == [m.id] and got[0].selected is False
    with pytest.raises(AttributeError):
        got[0].contact


def test_attendees_needs_a_check_in(ev):
    event = ev.event(over=True)
    acc, w = ev.woman()
    _signup(event, w)
    with pytest.raises(Forbidden) as exc:
        service.attendees(actor=acc, event_id=event.id)
    assert exc.value.code == "not_checked_in"


# -- HTTP ---------------------------------------------------------------------------------------

def test_events_list_items_carry_seats_and_my_status(as_, ev):
    acc, woman = ev.woman()
    mine, open_ = ev.event(), ev.event()
    _signup(mine, woman)
    r = as_(acc).get("/events")
    assert r.status_code == 200
    items = {i["id"]: i for i in r.json["items"]}
    assert items[mine.id]["my_status"] == "confirmed" and items[open_.id]["my_status"] is None
    assert items[mine.id]["seats_left"] == {"male": 5, "female": 4, "total": 9}
    assert items[open_.id]["seats_left"] == {"male": 5, "female": 5, "total": 10}


def test_me_events_and_invitations_over_http(as_, ev, make):
    acc, woman = ev.woman()
    event = ev.event()
    invitation = _invite(event, woman)
    r = as_(acc).get("/me/events")
    assert r.status_code == 200 and r.json["total"] == 1
    (item,) = r.json["items"]
    assert item["id"] == event.id and item["my_status"] == "invited" and item["seats_left"]["total"] == 9
    assert item["attended"] is False and item["past"] is False
    r = as_(acc).get("/me/invitations")
    assert r.status_code == 200 and r.json["total"] == 1
    (item,) = r.json["items"]
    assert item["id"] == invitation.id and item["status"] == "pending" and item["event"]["id"] == event.id
    assert item["event"]["title"] == event.title
    assert as_(acc).get("/me/invitations?status=declined").json["items"] == []
    assert_problem(as_(acc).get("/me/invitations?status=nonsense"), 422)
    assert_problem(as_(acc).get("/me/events?when=tomorrow"), 422)
    assert as_(make.account()).get("/me/events").json["items"] == []
    assert_problem(as_(None).get("/me/invitations"), 401)


def test_attendees_over_http(as_, ev):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    for p in (w, m):
        _signup(event, p, checked_in=True)
    r = as_(wa).get(f"/events/{event.id}/attendees")
    assert r.status_code == 200 and r.json["total"] == 1
    (item,) = r.json["items"]
    assert item["id"] == m.id and item["display_name"] == m.display_name and item["age"] >= 18
    assert "contact" not in item and "birth_date" not in item and item["selected"] is False
    as_(wa).post(f"/events/{event.id}/selections", json={"profile_ids": [m.id]})
    assert as_(wa).get(f"/events/{event.id}/attendees").json["items"][0]["selected"] is True
    assert_problem(as_(ev.man()[0]).get(f"/events/{event.id}/attendees"), 403, "not_checked_in")
    assert_problem(as_(wa).get("/events/99999/attendees"), 404)
