"""What an organizer sees of the people at their event: the sign-up list (JSON and CSV), the
report's people and its CSV, undoing a check-in, and why each proposed member was chosen."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.core.clock import utcnow
from matchsvc.errors import Conflict, Forbidden, NotFound
from matchsvc.events import service
from matchsvc.events.models import Invitation, InvitationStatus, Selection, Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.matching import index as pool_index

from tests.helpers import assert_problem


def _signup(event, profile, status=SignupStatus.confirmed, checked_in=False):
    now = utcnow()
    db.session.add(Signup(event_id=event.id, profile_id=profile.id, gender=profile.gender, status=status,
                          confirmed_at=now if status is SignupStatus.confirmed else None,
                          cancelled_at=now if status is SignupStatus.cancelled else None,
                          checked_in_at=now if checked_in else None))
    db.session.commit()


def _invite(event, profile, status=InvitationStatus.pending):
    from datetime import timedelta

    now = utcnow()
    db.session.add(Invitation(event_id=event.id, profile_id=profile.id, gender=profile.gender, status=status,
                              expires_at=now + timedelta(days=1),
                              responded_at=None if status is InvitationStatus.pending else now))
    db.session.commit()


@pytest.fixture
def party(ev, make):
    """An event run by ``org`` with a confirmed woman (checked in: the event is on), a waitlisted
    man, an invited man, a declined invitee and a cancelled sign-up."""
    unit = make.unit("财政局工会")
    org = ev.organizer()
    event = ev.event(ongoing=True, created_by=org.id)
    people = {
        "confirmed": ev.woman(unit=unit, display_name="王小红")[1],
        "waitlisted": ev.man(display_name="李大明")[1],
        "invited": ev.man(display_name="=HYPERLINK(1)")[1],
        "declined": ev.man(display_name="赵云")[1],
        "cancelled": ev.woman(display_name="周芳")[1],
    }
    _signup(event, people["confirmed"], checked_in=True)
    _signup(event, people["waitlisted"], SignupStatus.waitlisted)
    _invite(event, people["invited"])
    _invite(event, people["declined"], InvitationStatus.declined)
    _signup(event, people["cancelled"], SignupStatus.cancelled)
    return org, event, people, unit


# -- service ------------------------------------------------------------------------------------

def test_signup_list_has_the_people_on_it_with_their_details(party):
    org, event, people, unit = party
    listed = service.signups(actor=org, event_id=event.id)
    assert [p.profile_id for p in listed] == [people[k].id for k in ("confirmed", "waitlisted", "invited")]
    first = listed[0]
    assert (first.display_name, first.gender, first.org_unit_name, first.status, first.checked_in) == (
        "王小红", "female", unit.name, "confirmed", True)
    assert 18 <= first.age < 100
    assert not hasattr(first, "contact")


def test_signup_list_finds_by_name_and_status(party):
    org, event, people, _ = party
    assert [p.profile_id for p in service.signups(actor=org, event_id=event.id, q="小红")] == [people["confirmed"].id]
    assert [p.profile_id for p in service.signups(actor=org, event_id=event.id, q="hyperlink")] == [
        people["invited"].id]
    assert [p.profile_id for p in service.signups(actor=org, event_id=event.id, status="waitlisted")] == [
        people["waitlisted"].id]
    assert service.signups(actor=org, event_id=event.id, q="nobody") == []


def test_signup_list_is_for_the_events_organizers_only(party, ev, make):
    _, event, people, _ = party
    with pytest.raises(Forbidden):
        service.signups(actor=ev.organizer(unit=make.unit()), event_id=event.id)
    with pytest.raises(NotFound):
        service.signups(actor=ev.organizer(), event_id=99999)


def test_signups_csv_is_bom_utf8_and_formula_safe(party):
    org, event, people, _ = party
    text = service.signups_csv(actor=org, event_id=event.id)
    assert text.startswith("\ufeffprofile_id,display_name,gender,age,org_unit_name,status,checked_in")
    assert "王小红" in text and "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    assert "13800138000" not in text


def test_report_people_carry_details_and_csv(party):
    org, event, people, unit = party
    report = service.report(actor=org, event_id=event.id)
    by_id = {p["profile_id"]: p for p in report["people"]}
    assert by_id[people["declined"].id]["status"] == "declined"
    assert by_id[people["confirmed"].id]["org_unit_name"] == unit.name
    text = service.report_csv(report)
    assert text.startswith("\ufeffmetric,value")
    assert "signups_confirmed_female,1" in text and "checked_in,1" in text
    assert "profile_id,display_name" in text and "'=HYPERLINK(1)" in text


def test_undo_check_in_drops_the_selections(party, ev):
    org, event, people, _ = party
    woman = people["confirmed"]
    _, man = ev.man()
    _signup(event, man, checked_in=True)
    db.session.add_all([Selection(event_id=event.id, chooser_id=woman.id, chosen_id=man.id),
                        Selection(event_id=event.id, chooser_id=man.id, chosen_id=woman.id)])
    db.session.commit()
    service.undo_check_in(actor=org, event_id=event.id, profile_id=woman.id)
    db.session.commit()
    row = db.session.scalar(sa.select(Signup).where(Signup.profile_id == woman.id))
    assert row.checked_in_at is None and row.status is SignupStatus.confirmed
    assert db.session.scalar(sa.select(sa.func.count(Selection.id))) == 0
    with pytest.raises(NotFound) as exc:
        service.undo_check_in(actor=org, event_id=event.id, profile_id=woman.id)
    assert exc.value.code == "not_checked_in"


def test_undo_check_in_only_while_check_in_is_open(ev):
    org = ev.organizer()
    event = ev.event(over=True, created_by=org.id)
    _, woman = ev.woman()
    _signup(event, woman, checked_in=True)
    with pytest.raises(Conflict) as exc:
        service.undo_check_in(actor=org, event_id=event.id, profile_id=woman.id)
    assert exc.value.code == "checkin_closed"


def test_group_proposals_say_why(ev):
    org = ev.organizer()
    for i in range(3):
        ev.man(interests=[{"tag": "爬山", "weight": 5}], display_name=f"男{i}")
        ev.woman(interests=[{"tag": "爬山", "weight": 5}], display_name=f"女{i}")
    pool_index.reset()
    event = ev.event(created_by=org.id)
    proposal = service.propose_group(actor=org, event_id=event.id, size=4)
    assert len(proposal.members) == 4
    for member in proposal.members:
        assert len(member.reasons) >= 2 and all(isinstance(r, str) and r for r in member.reasons)


# -- HTTP ---------------------------------------------------------------------------------------

def test_signups_over_http(as_, party, ev, make):
    org, event, people, unit = party
    r = as_(org).get(f"/events/{event.id}/signups")
    assert r.status_code == 200 and r.json["total"] == 3
    first = r.json["items"][0]
    assert set(first) == {"profile_id", "display_name", "gender", "age", "org_unit_name", "status", "checked_in"}
    assert first["display_name"] == "王小红" and first["org_unit_name"] == unit.name
    r = as_(org).get(f"/events/{event.id}/signups", query_string={"q": "小红"})
    assert [i["profile_id"] for i in r.json["items"]] == [people["confirmed"].id]
    r = as_(org).get(f"/events/{event.id}/signups?format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.data.startswith("\ufeff".encode()) and "王小红".encode() in r.data
    assert_problem(as_(org).get(f"/events/{event.id}/signups?format=xml"), 422)
    assert_problem(as_(org).get(f"/events/{event.id}/signups?status=declined"), 422)
    assert_problem(as_(ev.organizer(unit=make.unit())).get(f"/events/{event.id}/signups"), 403)
    assert_problem(as_(ev.woman()[0]).get(f"/events/{event.id}/signups"), 403)
    assert_problem(as_(org).get("/events/99999/signups"), 404)


def test_report_over_http(as_, party):
    org, event, people, unit = party
    r = as_(org).get(f"/events/{event.id}/report")
    assert r.status_code == 200
    person = next(p for p in r.json["people"] if p["profile_id"] == people["confirmed"].id)
    assert person == {"profile_id": people["confirmed"].id, "display_name": "王小红", "gender": "female",
                      "age": person["age"], "org_unit_name": unit.name, "status": "confirmed", "checked_in": True}
    r = as_(org).get(f"/events/{event.id}/report?format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.data.startswith("\ufeff".encode())


def test_undo_check_in_over_http(as_, party, ev, make):
    org, event, people, _ = party
    url = f"/events/{event.id}/checkins/{people['confirmed'].id}"
    assert_problem(as_(ev.organizer(unit=make.unit())).delete(url), 403)
    r = as_(org).delete(url)
    assert r.status_code == 204 and r.data == b""
    assert_problem(as_(org).delete(url), 404, "not_checked_in")
    assert as_(org).post(f"/events/{event.id}/checkins", json={"profile_id": people["confirmed"].id}).status_code == 201
    assert_problem(as_(org).delete(f"/events/99999/checkins/{people['confirmed'].id}"), 404)
