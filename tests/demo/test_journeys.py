"""After ``seed-demo``, every journey of issue 10 point 15 is there for the printed logins,
checked through the API exactly as a person signing in would see it."""

from __future__ import annotations

import re

import pytest

LOGIN_LINE = re.compile(r"^(member|reviewer|organizer|admin): username=(\S+) password=(\S+)$")


@pytest.fixture
def demo(app, runner, client):
    result = runner.invoke(args=["seed-demo", "--profiles", "150", "--no-progress"])
    assert result.exit_code == 0, result.output
    logins = {m[1]: (m[2], m[3]) for m in map(LOGIN_LINE.match, result.stdout.splitlines()) if m}
    assert set(logins) == {"member", "reviewer", "organizer", "admin"}
    # each printed once
    assert sum(1 for line in result.stdout.splitlines() if LOGIN_LINE.match(line)) == 4

    def headers(role: str) -> dict[str, str]:
        username, password = logins[role]
        r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert r.status_code == 200, r.json
        return {"Authorization": f"Bearer {r.json['access_token']}"}

    return {role: headers(role) for role in logins}


def test_the_member_has_admirers_a_match_picks_events_and_news(client, demo):
    me = demo["member"]
    recs = client.get("/api/v1/me/recommendations?limit=200", headers=me).json["items"]
    assert recs
    matches = client.get("/api/v1/me/matches", headers=me).json["items"]
    assert len(matches) == 1 and matches[0]["profile"].get("contact")
    # someone in the recommendations already likes the member: a like back is a match at once
    mutual = [client.post("/api/v1/me/likes", json={"profile_id": item["profile"]["id"]}, headers=me).json["mutual"]
              for item in recs[:6]]
    assert any(mutual)

    picks = client.get("/api/v1/me/daily-picks", headers=me).json
    assert picks["items"]

    invitations = client.get("/api/v1/me/invitations", headers=me).json["items"]
    assert any(i["status"] == "pending" for i in invitations)
    invited_event = next(i for i in invitations if i["status"] == "pending")["event_id"]
    upcoming = client.get("/api/v1/events", headers=me).json["items"]
    assert any(e["id"] != invited_event and e.get("my_status") is None for e in upcoming)

    mine = client.get("/api/v1/me/events", headers=me).json["items"]
    past = [e for e in mine if e.get("attended")]
    assert past, mine
    attendees = client.get(f"/api/v1/events/{past[0]['id']}/attendees", headers=me).json["items"]
    assert attendees
    # the picks are still open; a pick of someone who picked the member becomes a match
    r = client.post(f"/api/v1/events/{past[0]['id']}/selections",
                    json={"profile_ids": [a["profile_id"] if "profile_id" in a else a["id"] for a in attendees]},
                    headers=me)
    assert r.status_code == 200, r.json
    assert r.json["matches"]

    assert client.get("/api/v1/me/notifications/unread-count", headers=me).json["count"] > 0


def test_the_reviewer_has_work_and_a_report(client, demo):
    rv = demo["reviewer"]
    queue = client.get("/api/v1/reviews/queue?per_page=100", headers=rv).json
    assert queue["total"] >= 20
    assert any(item.get("changes") for item in queue["items"])
    reports = client.get("/api/v1/reviews/reports", headers=rv).json
    assert reports["total"] >= 1


def test_the_organizer_owns_the_events(client, demo):
    org = demo["organizer"]
    member_events = client.get("/api/v1/me/events", headers=demo["member"]).json["items"]
    assert len({e["id"] for e in member_events}) >= 2
    for e in member_events:
        r = client.get(f"/api/v1/events/{e['id']}/report", headers=org)
        assert r.status_code == 200, r.json


def test_the_member_and_their_suggestions_have_photos_beyond_the_bulk_avatars(app, runner, client, as_,
                                                                               monkeypatch):
    """With no bulk avatars at all (as for the profiles past AVATARS in a large seed), the journeys
    still give the demo member and their nearest suggestions a photo."""
    import sqlalchemy as sa

    from matchsvc.accounts.models import Account
    from matchsvc.demo import seed as seed_module
    from matchsvc.extensions import db

    monkeypatch.setattr(seed_module, "AVATARS", 0)
    result = runner.invoke(args=["seed-demo", "--profiles", "150", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "0 with a drawn avatar" in result.stderr
    member = db.session.scalars(sa.select(Account).where(Account.username == "demo_member")).one()
    me = as_(member)
    assert me.get("/me/profile/photos").get_json()["items"][0]["status"] == "approved"
    recs = me.get("/me/recommendations?limit=20").get_json()["items"]
    assert recs and all(r["profile"]["thumb_url"] for r in recs)
    assert me.get(recs[0]["profile"]["thumb_url"]).status_code == 200
