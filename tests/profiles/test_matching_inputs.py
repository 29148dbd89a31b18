"""The three optional matching inputs (``social_frequency``, ``values``, ``friends_say``): validated,
private to their owner (export included), no new review when changed, erased on withdrawal."""

from __future__ import annotations

import json

import pytest

from matchsvc.extensions import db
from matchsvc.interactions.models import Match, MatchSource
from matchsvc.profiles.models import Profile, ProfileStatus
from tests.helpers import COMPLETE_PROFILE, assert_problem, field_errors

CONSENT = {"version": "2026-11", "accepted": True}
VALUES = {"looks": 2, "sincerity": 3, "intelligence": 2, "humour": 2, "ambition": 1, "shared_interests": 0}
FRIENDS_SAY = {"sincere": 8, "intelligent": 7, "humorous": 9, "ambitious": 5}
INPUTS = {"social_frequency": "twice_a_week", "values": VALUES, "friends_say": FRIENDS_SAY}
PRIVATE_KEYS = ("social_frequency", "friends_say", "values", "partner_values")


@pytest.fixture
def acting(as_, make):
    return as_(make.account())


def _approved(as_, make, **inputs):
    """A member approved through the API, with ``inputs`` given before the review."""
    account = make.account()
    acting = as_(account)
    r = acting.put("/me/profile", json={**COMPLETE_PROFILE, "consent": CONSENT, **inputs})
    assert r.status_code == 200, r.json
    acting.post("/me/profile/submit")
    review = as_(make.account("reviewer")).post(f"/profiles/{r.json['id']}/review", json={"decision": "approve"})
    assert review.status_code == 200
    return account, acting, r.json["id"]


def test_inputs_are_optional_and_null_by_default(acting):
    r = acting.put("/me/profile", json={**COMPLETE_PROFILE, "consent": CONSENT})
    assert r.status_code == 200
    assert (r.json["social_frequency"], r.json["values"], r.json["friends_say"]) == (None, None, None)


def test_inputs_are_stored_and_shown_to_the_owner(acting):
    r = acting.put("/me/profile", json=INPUTS)
    assert r.status_code == 200, r.json
    assert {k: r.json[k] for k in INPUTS} == INPUTS
    assert {k: acting.get("/me/profile").json[k] for k in INPUTS} == INPUTS
    profile = db.session.get(Profile, r.json["id"])
    assert profile.social_frequency.value == "twice_a_week"
    assert profile.partner_values == VALUES and profile.friends_say == FRIENDS_SAY


def test_inputs_can_be_cleared_with_null(acting):
    acting.put("/me/profile", json=INPUTS)
    r = acting.put("/me/profile", json={"social_frequency": None, "values": None, "friends_say": None})
    assert r.status_code == 200
    assert (r.json["social_frequency"], r.json["values"], r.json["friends_say"]) == (None, None, None)


@pytest.mark.parametrize("frequency", ["several_per_week", "twice_a_week", "weekly", "twice_a_month", "monthly",
                                       "several_per_year", "almost_never"])
def test_every_social_frequency_step_is_accepted(acting, frequency):
    assert acting.put("/me/profile", json={"social_frequency": frequency}).json["social_frequency"] == frequency


@pytest.mark.parametrize("body,field", [
    ({"social_frequency": "daily"}, "social_frequency"),
    ({"social_frequency": 3}, "social_frequency"),
    ({"values": {**VALUES, "looks": 11}}, "values.looks"),
    ({"values": {**VALUES, "ambition": -1}}, "values.ambition"),
    ({"values": {**VALUES, "humour": 2.5}}, "values.humour"),
    ({"values": {**VALUES, "humour": "2"}}, "values.humour"),
    ({"values": {**VALUES, "humour": True}}, "values.humour"),
    ({"values": {**VALUES, "money": 5}}, "values.money"),
    ({"values": {k: v for k, v in VALUES.items() if k != "sincerity"}}, "values.sincerity"),
    ({"values": [1, 2, 3, 4, 5, 6]}, "values"),
    ({"values": 5}, "values"),
    ({"friends_say": {**FRIENDS_SAY, "sincere": 0}}, "friends_say.sincere"),
    ({"friends_say": {**FRIENDS_SAY, "humorous": 11}}, "friends_say.humorous"),
    ({"friends_say": {**FRIENDS_SAY, "handsome": 9}}, "friends_say.handsome"),
    ({"friends_say": {**FRIENDS_SAY, "ambitious": None}}, "friends_say.ambitious"),
    ({"friends_say": "very nice"}, "friends_say"),
])
def test_invalid_inputs_are_422_with_the_field_named(acting, body, field):
    r = acting.put("/me/profile", json=body)
    assert_problem(r, 422)
    errors = field_errors(r)
    assert set(errors) == {field} and errors[field] and all(isinstance(m, str) and m for m in errors[field])


def test_invalid_input_changes_nothing(acting):
    acting.put("/me/profile", json=INPUTS)
    r = acting.put("/me/profile", json={"display_name": "新名字", "values": {**VALUES, "looks": 99}})
    assert r.status_code == 422
    own = acting.get("/me/profile").json
    assert own["values"] == VALUES and own["display_name"] is None


def test_several_bad_sub_keys_each_get_their_error(acting):
    r = acting.put("/me/profile", json={"values": {"looks": 20, "money": 1}, "friends_say": {"sincere": 0}})
    errors = field_errors(r)
    assert {"values.looks", "values.money", "values.sincerity", "friends_say.sincere",
            "friends_say.intelligent"} <= set(errors)


def test_changing_inputs_keeps_an_approved_profile_approved(as_, make):
    _, acting, profile_id = _approved(as_, make)
    for body in (INPUTS, {"social_frequency": "almost_never"}, {"values": {**VALUES, "looks": 10}},
                 {"friends_say": None}):
        r = acting.put("/me/profile", json=body)
        assert r.status_code == 200 and r.json["status"] == "approved", body
    assert db.session.get(Profile, profile_id).status is ProfileStatus.approved


def test_changing_inputs_tells_the_index(as_, make):
    from matchsvc import signals

    _, acting, profile_id = _approved(as_, make)
    seen = []
    with signals.pool_changed.connected_to(lambda sender, **_: seen.append(sender.id)):
        acting.put("/me/profile", json={"friends_say": FRIENDS_SAY})
        acting.put("/me/profile", json={"friends_say": FRIENDS_SAY})  # unchanged: nothing to tell
    assert seen == [profile_id]


def _no_private_inputs(response):
    text = response.get_data(as_text=True)
    for key in PRIVATE_KEYS:
        assert f'"{key}"' not in text, (key, text[:300])


def test_inputs_never_in_views_of_others(as_, make):
    viewer, viewer_id = _approved(as_, make)[1:]
    other_account, other, other_id = _approved(as_, make, **INPUTS)
    # COMPLETE_PROFILE seeks women and is a man; make a woman who sees him
    woman_account, woman = make.member(gender="female", seeking_gender="male", seeking_age_min=18,
                                       seeking_age_max=60, social_frequency="weekly",
                                       partner_values=VALUES, friends_say=FRIENDS_SAY)
    db.session.commit()
    acting_woman = as_(woman_account)
    for path in (f"/profiles/{other_id}", "/me/recommendations?limit=50", "/me/recommendations?personalized=false",
                 "/profiles", "/me/daily-picks"):
        r = acting_woman.get(path)
        assert r.status_code == 200, (path, r.json)
        _no_private_inputs(r)
    assert other_id in [i["profile"]["id"] for i in acting_woman.get("/me/recommendations").json["items"]]
    # a mutual match sees the contact, still not the matching inputs
    db.session.add(Match(low_id=min(woman.id, other_id), high_id=max(woman.id, other_id), source=MatchSource.like))
    db.session.commit()
    for path in ("/me/matches", f"/profiles/{other_id}"):
        r = acting_woman.get(path)
        assert r.status_code == 200 and "13800138000" in r.get_data(as_text=True)
        _no_private_inputs(r)
    # nor does a reviewer, who needs no review of them
    reviewer = as_(make.account("reviewer"))
    for path in (f"/profiles/{woman.id}", "/reviews/queue"):
        r = reviewer.get(path)
        assert r.status_code == 200
        _no_private_inputs(r)
    assert viewer.get("/me/profile").status_code == 200


def test_reviewer_sees_no_inputs_in_the_queue_or_decision(as_, make):
    account = make.account()
    acting = as_(account)
    acting.put("/me/profile", json={**COMPLETE_PROFILE, "consent": CONSENT, **INPUTS})
    profile_id = acting.post("/me/profile/submit").json["id"]
    reviewer = as_(make.account("reviewer"))
    queue = reviewer.get("/reviews/queue")
    assert profile_id in [p["id"] for p in queue.json["items"]]
    _no_private_inputs(queue)
    decision = reviewer.post(f"/profiles/{profile_id}/review", json={"decision": "approve"})
    assert decision.status_code == 200
    _no_private_inputs(decision)
    _no_private_inputs(reviewer.post(f"/profiles/{profile_id}/suspend", json={"reason": "测试"}))


def test_openapi_shows_the_inputs_only_in_owner_schemas(client):
    """Every response schema that carries a profile to someone else lacks the inputs."""
    spec = client.get("/api/v1/openapi.json").json
    holders = sorted(name for name, schema in spec["components"]["schemas"].items()
                     if {"friends_say", "values", "social_frequency"} & set(schema.get("properties", {})))
    assert holders == ["Profile", "ProfileUpdate"]


def test_export_includes_the_inputs(as_, make):
    _, acting, _ = _approved(as_, make, **INPUTS)
    profile = acting.get("/me/export").json["profile"]
    assert {k: profile[k] for k in INPUTS} == INPUTS


def test_export_of_others_does_not_leak_mine(as_, make):
    _approved(as_, make, **INPUTS)
    _, other, _ = _approved(as_, make)
    export = other.get("/me/export")
    assert json.dumps(export.json).count("twice_a_week") == 0
    assert export.json["profile"]["friends_say"] is None


def test_withdrawal_erases_the_inputs(as_, make):
    account, acting, profile_id = _approved(as_, make, **INPUTS)
    assert acting.delete("/me/profile").status_code == 204
    assert db.session.get(Profile, profile_id) is None
    assert acting.get("/me/export").json["profile"] is None
    assert_problem(acting.get("/me/profile"), 404)
    fresh = acting.put("/me/profile", json={"display_name": "重新开始"})
    assert (fresh.json["social_frequency"], fresh.json["values"], fresh.json["friends_say"]) == (None, None, None)


def test_field_errors_speak_chinese_by_default_and_english_on_request(as_, make):
    body = {"values": {**VALUES, "looks": 11, "money": 1}}
    zh = field_errors(as_(make.account()).put("/me/profile", json=body))
    assert zh["values.looks"] == ["必须是 0 到 10 之间的整数。"] and zh["values.money"] == ["未知字段。"]
    en = field_errors(as_(make.account(), **{"Accept-Language": "en"}).put("/me/profile", json=body))
    assert en["values.looks"] == ["Must be an integer from 0 to 10."] and en["values.money"] == ["Unknown field."]
