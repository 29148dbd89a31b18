"""Events over HTTP: status codes, bodies, problem+json, and who may call what."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchsvc.core.clock import utcnow
from matchsvc.events.models import Invitation, Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.interactions.models import Match, MatchSource

from tests.events.conftest import payloads
from tests.helpers import assert_problem, field_errors


def _iso(**delta):
    return (utcnow() + timedelta(**delta)).isoformat()


def _body(make, **kw):
    body = {"title": "周末爬山联谊", "description": "一起爬山", "tags": ["爬山", "户外"], "location": "西湖",
            "signup_deadline": _iso(days=5), "starts_at": _iso(days=7), "ends_at": _iso(days=7, hours=3),
            "capacity": 10, "quota": {"male": 5, "female": 5}, "age_min": 22, "age_max": 40,
            "org_unit_ids": [make.root().id]}
    body.update(kw)
    return body


def test_create_event_returns_it_with_seats(as_, make, ev):
    org = ev.organizer()
    r = as_(org).post("/events", json=_body(make))
    assert r.status_code == 201, r.json
    assert r.json["seats_left"] == {"male": 5, "female": 5, "total": 10}
    assert r.json["quota"] == {"male": 5, "female": 5} and r.json["status"] == "published"
    assert r.json["starts_at"].endswith("+00:00") and r.json["title"] == "周末爬山联谊"
    assert "周末" in r.get_data(as_text=True)


@pytest.mark.parametrize("changes, field", [
    ({"capacity": 0}, "capacity"),
    ({"quota": {"male": 6, "female": 5}}, "quota"),
    ({"quota": {"male": 1}}, "quota.female"),
    ({"age_min": 41}, "age_max"),
    ({"age_min": 17}, "age_min"),
    ({"signup_deadline": _iso(days=-1)}, "signup_deadline"),
    ({"signup_deadline": _iso(days=8)}, "signup_deadline"),
    ({"ends_at": _iso(days=6)}, "ends_at"),
    ({"starts_at": "2027-01-01T10:00:00"}, "starts_at"),
    ({"org_unit_ids": []}, "org_unit_ids"),
    ({"org_unit_ids": [777]}, "org_unit_ids.0"),
    ({"title": ""}, "title"),
    ({"color": "red"}, "color"),
])
def test_create_event_validation_is_422_with_field_errors(as_, make, ev, changes, field):
    r = as_(ev.organizer()).post("/events", json=_body(make, **changes))
    assert field in field_errors(r), r.json


def test_create_event_needs_an_organizer_in_scope(as_, make, ev, client):
    assert_problem(client.post("/api/v1/events", json=_body(make)), 401)
    member, _ = ev.woman()
    assert_problem(as_(member).post("/events", json=_body(make)), 403, "role_required")
    branch = make.unit()
    r = as_(ev.organizer(unit=branch)).post("/events", json=_body(make))
    assert_problem(r, 403, "out_of_scope")


def test_malformed_json_is_400(as_, ev):
    r = as_(ev.organizer()).post("/events", data="{", headers={"Content-Type": "application/json"})
    assert_problem(r, 400)


def test_patch_event(as_, make, ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    r = as_(org).patch(f"/events/{event.id}", json={"capacity": 12, "quota": None})
    assert r.status_code == 200, r.json
    assert r.json["capacity"] == 12 and r.json["quota"] == {"male": None, "female": None}
    assert r.json["seats_left"] == {"male": 12, "female": 12, "total": 12}
    assert "quota" in field_errors(as_(org).patch(f"/events/{event.id}", json={"quota": {"male": 9, "female": 9}}))
    assert_problem(as_(org).patch("/events/999", json={"title": "x"}), 404)
    assert_problem(as_(ev.organizer(unit=make.unit())).patch(f"/events/{event.id}", json={"title": "x"}), 403,
                   "not_event_organizer")
    assert_problem(as_(ev.woman()[0]).patch(f"/events/{event.id}", json={"title": "x"}), 403)


def test_patch_below_the_taken_seats_is_422(as_, ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=2)
    as_(ev.woman()[0]).post(f"/events/{event.id}/signups")
    as_(ev.woman()[0]).post(f"/events/{event.id}/signups")
    r = as_(org).patch(f"/events/{event.id}", json={"quota": {"male": 5, "female": 1}})
    assert_problem(r, 422, "below_taken_seats")


def test_cancel_event(as_, ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, _ = ev.woman()
    as_(acc).post(f"/events/{event.id}/signups")
    r = as_(org).post(f"/events/{event.id}/cancel")
    assert r.status_code == 200 and r.json["status"] == "cancelled" and r.json["cancelled_at"]
    assert payloads(acc, "event_cancelled")[0]["event_id"] == event.id
    assert_problem(as_(org).post(f"/events/{event.id}/cancel"), 409, "invalid_transition")
    assert_problem(as_(acc).post(f"/events/{event.id}/signups"), 409, "event_cancelled")
    assert_problem(as_(acc).post(f"/events/{event.id}/cancel"), 403)
    assert_problem(as_(org).post("/events/999/cancel"), 404)


def test_list_and_detail(as_, make, ev, client):
    acc, _ = ev.woman()
    event = ev.event()
    ev.event(org_units=[make.unit()])
    r = as_(acc).get("/events?per_page=1000")
    assert r.status_code == 200
    assert [e["id"] for e in r.json["items"]] == [event.id]
    assert r.json["total"] == 1 and r.json["per_page"] == 100 and r.json["page"] == 1
    r = as_(acc).get(f"/events/{event.id}")
    assert r.json["seats_left"] == {"male": 5, "female": 5, "total": 10}
    assert r.json["my_status"] is None and r.json["signup_open"] is True
    assert_problem(client.get("/api/v1/events"), 401)
    assert_problem(as_(acc).get("/events/999"), 404)
    assert_problem(as_(acc).get("/events?managed=true"), 403)
    org = ev.organizer()
    mine = ev.event(created_by=org.id, cancelled=True)
    assert any(e["id"] == mine.id for e in as_(org).get("/events?managed=true").json["items"])


def test_event_outside_my_units_is_404(as_, make, ev):
    acc, _ = ev.woman(unit=make.unit())
    event = ev.event(org_units=[make.unit()])
    assert_problem(as_(acc).get(f"/events/{event.id}"), 404)
    body = assert_problem(as_(acc).post(f"/events/{event.id}/signups"), 422, "out_of_scope")
    assert body["errors"] == {"org_unit_id": [body["detail"]]}


def test_sign_up_and_cancel(as_, ev):
    event = ev.event(quota_female=1)
    first, _ = ev.woman()
    second, _ = ev.woman()
    r = as_(first).post(f"/events/{event.id}/signups")
    assert r.status_code == 201 and r.json == {"event_id": event.id, "status": "confirmed"}
    again = as_(first).post(f"/events/{event.id}/signups")
    assert again.status_code == 200 and again.json["status"] == "confirmed"
    assert as_(second).post(f"/events/{event.id}/signups").json["status"] == "waitlisted"
    r = as_(first).delete(f"/events/{event.id}/signups/me")
    assert r.status_code == 204 and r.get_data() == b""
    assert as_(second).get(f"/events/{event.id}").json["my_status"] == "confirmed"
    assert_problem(as_(first).delete(f"/events/{event.id}/signups/me"), 404, "not_signed_up")


def test_sign_up_problems(as_, make, ev, client):
    event = ev.event(age_max=25)
    closed = ev.event(closed=True)
    assert_problem(client.post(f"/api/v1/events/{event.id}/signups"), 401)
    assert_problem(as_(make.account()).post(f"/events/{event.id}/signups"), 403, "profile_not_approved")
    body = assert_problem(as_(ev.woman()[0]).post(f"/events/{event.id}/signups"), 422, "age_not_eligible")
    assert body["errors"] == {"birth_date": ["此活动面向 18–25 岁的成员。"]}
    body = assert_problem(as_(ev.woman()[0], **{"Accept-Language": "en"}).post(f"/events/{event.id}/signups"), 422)
    assert body["errors"] == {"birth_date": ["This event is for ages 18–25."]}
    assert_problem(as_(ev.woman()[0]).post(f"/events/{closed.id}/signups"), 409, "signup_closed")
    assert_problem(as_(ev.woman()[0]).post("/events/999/signups"), 404)
    assert_problem(client.delete(f"/api/v1/events/{event.id}/signups/me"), 401)


def test_recommendations(as_, make, ev, client):
    acc, _ = ev.woman(interests=[{"tag": "摄影", "weight": 5}])
    photo = ev.event(tags=["摄影"])
    ev.event(tags=["爬山"])
    r = as_(acc, **{"Accept-Language": "en"}).get("/me/event-recommendations?limit=1")
    assert r.status_code == 200
    (item,) = r.json["items"]
    assert item["event"]["id"] == photo.id and 0 <= item["score"] <= 1 and item["reasons"]
    assert len(as_(acc).get("/me/event-recommendations?limit=1000").json["items"]) == 2
    assert_problem(as_(acc).get("/me/event-recommendations?limit=0"), 422)
    assert_problem(as_(make.account()).get("/me/event-recommendations"), 403)
    assert_problem(client.get("/api/v1/me/event-recommendations"), 401)


def test_group_proposal_then_invitations(as_, ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    women = [ev.woman() for _ in range(3)]
    men = [ev.man() for _ in range(3)]
    r = as_(org).post(f"/events/{event.id}/group-proposals", json={"size": 4})
    assert r.status_code == 200, r.json
    genders = sorted(m["profile"]["gender"] for m in r.json["members"])
    assert genders == ["female", "female", "male", "male"]
    assert all("contact" not in m["profile"] and "score" in m for m in r.json["members"])
    ids = [m["profile"]["id"] for m in r.json["members"]]
    r = as_(org).post(f"/events/{event.id}/invitations", json={"profile_ids": ids})
    assert r.status_code == 201, r.json
    items = r.json["items"]
    assert [i["profile_id"] for i in items] == ids
    assert set(items[0]) >= {"id", "event_id", "profile_id", "status", "expires_at"}
    assert all(i["status"] == "pending" and i["event_id"] == event.id for i in items)
    invitee = next(acc for acc, p in women + men if p.id == ids[0])
    note = as_(invitee).get("/me/notifications").json["items"][0]
    assert note["kind"] == "event_invitation"
    assert note["payload"]["event_id"] == event.id and note["payload"]["invitation_id"] == items[0]["id"]
    r = as_(invitee).post(f"/invitations/{items[0]['id']}/accept")
    assert r.status_code == 200 and r.json["status"] == "accepted"
    assert as_(invitee).get(f"/events/{event.id}").json["my_status"] == "confirmed"
    other = next(acc for acc, p in women + men if p.id == ids[1])
    assert_problem(as_(other).post(f"/invitations/{items[0]['id']}/decline"), 404)
    r = as_(other).post(f"/invitations/{items[1]['id']}/decline")
    assert r.status_code == 200 and r.json["status"] == "declined"
    assert_problem(as_(other).post(f"/invitations/{items[1]['id']}/accept"), 409)


def test_group_and_invitation_problems(as_, make, ev, client):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_male=1)
    url = f"/events/{event.id}/group-proposals"
    assert_problem(client.post("/api/v1" + url, json={"size": 2}), 401)
    assert_problem(as_(ev.woman()[0]).post(url, json={"size": 2}), 403)
    assert_problem(as_(ev.organizer(unit=make.unit())).post(url, json={"size": 2}), 403)
    assert_problem(as_(org).post("/events/999/group-proposals", json={"size": 2}), 404)
    assert "size" in field_errors(as_(org).post(url, json={"size": 1}))
    assert "size" in field_errors(as_(org).post(url, json={}))
    inv = f"/events/{event.id}/invitations"
    assert "profile_ids" in field_errors(as_(org).post(inv, json={"profile_ids": []}))
    assert "profile_ids.0" in field_errors(as_(org).post(inv, json={"profile_ids": ["1"]}))
    assert "profile_ids.0" in field_errors(as_(org).post(inv, json={"profile_ids": [4242]}))
    r = as_(org).post(inv, json={"profile_ids": [ev.man()[1].id, ev.man()[1].id]})
    assert_problem(r, 409, "no_seats")
    assert_problem(as_(ev.woman()[0]).post(inv, json={"profile_ids": [1]}), 403)
    assert_problem(client.post("/api/v1/invitations/1/accept"), 401)
    assert_problem(as_(ev.woman()[0]).post("/invitations/999/accept"), 404)


def test_expired_invitation_is_409(as_, ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    r = as_(org).post(f"/events/{event.id}/invitations", json={"profile_ids": [woman.id]})
    invitation = db.session.get(Invitation, r.json["items"][0]["id"])
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_problem(as_(acc).post(f"/invitations/{invitation.id}/accept"), 409, "invitation_expired")


def test_check_in(as_, make, ev):
    org = ev.organizer()
    event = ev.event(soon=True, created_by=org.id)
    acc, woman = ev.woman()
    db.session.add(Signup(event_id=event.id, profile_id=woman.id, gender="female", status=SignupStatus.confirmed,
                          confirmed_at=utcnow()))
    db.session.commit()
    url = f"/events/{event.id}/checkins"
    r = as_(org).post(url, json={"profile_id": woman.id})
    assert r.status_code == 201 and r.json["profile_id"] == woman.id and r.json["checked_in_at"]
    assert as_(org).post(url, json={"profile_id": woman.id}).status_code == 200
    assert_problem(as_(org).post(url, json={"profile_id": ev.man()[1].id}), 422, "not_confirmed")
    assert "profile_id" in field_errors(as_(org).post(url, json={}))
    assert_problem(as_(acc).post(url, json={"profile_id": woman.id}), 403)
    assert_problem(as_(ev.organizer(unit=make.unit())).post(url, json={"profile_id": woman.id}), 403)
    later = ev.event(created_by=org.id)
    assert_problem(as_(org).post(f"/events/{later.id}/checkins", json={"profile_id": woman.id}), 409,
                   "checkin_closed")
    assert_problem(as_(org).post("/events/999/checkins", json={"profile_id": woman.id}), 404)


def test_selections_make_matches_with_contacts(as_, ev, client):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    for p in (w, m):
        db.session.add(Signup(event_id=event.id, profile_id=p.id, gender=p.gender, status=SignupStatus.confirmed,
                              confirmed_at=utcnow(), checked_in_at=utcnow()))
    db.session.commit()
    url = f"/events/{event.id}/selections"
    r = as_(wa).post(url, json={"profile_ids": [m.id]})
    assert r.status_code == 200 and r.json == {"profile_ids": [m.id], "matches": []}
    r = as_(ma).post(url, json={"profile_ids": [w.id]})
    (match,) = r.json["matches"]
    assert match["profile"]["id"] == w.id and match["profile"]["contact"] == {"phone": "13800138000"}
    row = db.session.get(Match, match["match_id"])
    assert row.source is MatchSource.event and row.event_id == event.id
    assert "profile_ids.0" in field_errors(as_(wa).post(url, json={"profile_ids": [w.id]}))
    assert "profile_ids" in field_errors(as_(wa).post(url, json={}))
    assert_problem(as_(ev.man()[0]).post(url, json={"profile_ids": [w.id]}), 403, "not_checked_in")
    assert_problem(client.post("/api/v1" + url, json={"profile_ids": []}), 401)
    assert_problem(as_(wa).post("/events/999/selections", json={"profile_ids": []}), 404)
    r = as_(wa).post(f"/me/matches/{match['match_id']}/met", json={"met": True})
    assert r.status_code == 200 and r.json["met"] is True and r.json["match_id"] == match["match_id"]
    assert_problem(as_(ev.man()[0]).post(f"/me/matches/{match['match_id']}/met", json={"met": True}), 404)
    assert "met" in field_errors(as_(wa).post(f"/me/matches/{match['match_id']}/met", json={}))


def test_selection_window_is_409(as_, ev):
    event = ev.event(soon=True)
    acc, w = ev.woman()
    db.session.add(Signup(event_id=event.id, profile_id=w.id, gender="female", status=SignupStatus.confirmed,
                          confirmed_at=utcnow(), checked_in_at=utcnow()))
    db.session.commit()
    assert_problem(as_(acc).post(f"/events/{event.id}/selections", json={"profile_ids": []}), 409,
                   "selection_closed")


def test_report(as_, make, ev, client):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    as_(acc).post(f"/events/{event.id}/signups")
    r = as_(org).get(f"/events/{event.id}/report")
    assert r.status_code == 200
    assert r.json == {
        "signups": {"confirmed": {"male": 0, "female": 1}, "waitlisted": {"male": 0, "female": 0}, "cancelled": 0},
        "invitations": {"sent": 0, "accepted": 0, "declined": 0, "expired": 0},
        "attendance": {"checked_in": 0}, "selections": 0, "matches": 0,
        "people": [{"profile_id": woman.id, "display_name": woman.display_name, "gender": "female",
                    "age": r.json["people"][0]["age"], "org_unit_name": make.root().name, "status": "confirmed",
                    "checked_in": False}],
    }
    assert_problem(client.get(f"/api/v1/events/{event.id}/report"), 401)
    assert_problem(as_(acc).get(f"/events/{event.id}/report"), 403)
    assert_problem(as_(ev.organizer(unit=make.unit())).get(f"/events/{event.id}/report"), 403)
    assert_problem(as_(org).get("/events/999/report"), 404)


def test_export_lists_my_events(as_, ev):
    event = ev.event()
    acc, _ = ev.woman()
    as_(acc).post(f"/events/{event.id}/signups")
    exported = as_(acc).get("/me/export").json["events"]
    assert exported[0]["event_id"] == event.id and exported[0]["signup"]["status"] == "confirmed"


def test_jobs_run_from_the_command_line(runner, ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    from matchsvc.events import service

    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[ev.woman()[1].id])["items"]
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["expire-invitations"])
    assert result.exit_code == 0 and "1 events settled" in result.output
    result = runner.invoke(args=["send-followups"])
    assert result.exit_code == 0 and "0 members asked" in result.output
    assert db.session.scalar(sa.select(Invitation.status).where(Invitation.id == invitation.id)).value == "expired"


def test_too_many_tags_is_422(as_, make, ev):
    r = as_(ev.organizer()).post("/events", json=_body(make, tags=[f"t{i}" for i in range(21)]))
    assert "tags" in field_errors(r)
