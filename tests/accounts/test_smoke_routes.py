from __future__ import annotations


def test_register_then_login_then_me(client, make):
    unit = make.root()
    r = client.post("/api/v1/auth/register", json={"username": "alice", "password": "x" * 10, "org_unit_id": unit.id})
    assert r.status_code == 201, r.json
    r = client.post("/api/v1/auth/token", json={"username": "alice", "password": "x" * 10})
    assert r.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json['access_token']}"})
    assert me.json == {"id": me.json["id"], "username": "alice", "roles": ["member"], "org_unit_id": unit.id,
                       "profile_id": None}


def test_member_sees_approved_profile(as_, make):
    _, other = make.member(gender="male", seeking_gender="female")
    me, _ = make.member()
    r = as_(me).get(f"/profiles/{other.id}")
    assert r.status_code == 200, r.json
    assert "contact" not in r.json and "birth_date" not in r.json
