"""Every profile field's validation, through PUT /me/profile (the errors' field names are API)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchsvc.core.clock import today
from tests.helpers import COMPLETE_PROFILE, assert_problem, field_errors, years_ago


@pytest.fixture
def put(as_, make):
    acting = as_(make.account())
    return lambda body: acting.put("/me/profile", json=body)


VALID = [
    {"display_name": "小"},
    {"display_name": "名" * 40},
    {"display_name": "  王小明  "},
    {"gender": "female"},
    {"birth_date": years_ago(18).isoformat()},
    {"birth_date": years_ago(60).isoformat()},
    {"height_cm": 120}, {"height_cm": 230}, {"height_cm": None},
    {"education": "doctorate"}, {"education": None},
    {"occupation": "职" * 50}, {"occupation": None},
    {"city": "乌鲁木齐"}, {"hometown": "呼和浩特"},
    {"interests": []},
    {"interests": ["爬山"] + [f"t{i}" for i in range(19)]},
    {"interests": ["标" * 20]},
    {"interests": [{"tag": "摄影", "weight": 1}, {"tag": "阅读", "weight": 5}, {"tag": "跑步"}]},
    {"intro": "我" * 1000}, {"intro": "第一行\n第二行\t缩进"}, {"intro": None},
    {"goal": "friendship"}, {"goal": None},
    {"contact": {"phone": "13800138000"}}, {"contact": {"phone": "+86 138-0013-8000"}},
    {"contact": {"wechat": "wxid_a1b2c3"}}, {"contact": {"wechat": "13800138000"}},
    {"contact": {"email": "a.b+c@example.com.cn"}}, {"contact": {}}, {"contact": None},
    {"seeking": {"gender": "male", "age_min": 18, "age_max": 99}},
    {"seeking": {"age_min": 30, "age_max": 30}},
    {"seeking": {"height_min": 150, "height_max": 190, "education_min": "bachelor", "cities": ["杭州", "上海"]}},
    {"seeking": {}},
    COMPLETE_PROFILE,
]


@pytest.mark.parametrize("body", VALID, ids=lambda b: ",".join(b) or "empty")
def test_valid_fields_accepted(put, body):
    r = put(body)
    assert r.status_code == 200, r.json


INVALID = [
    ({"display_name": ""}, "display_name"),
    ({"display_name": "   "}, "display_name"),
    ({"display_name": "名" * 41}, "display_name"),
    ({"display_name": None}, "display_name"),
    ({"display_name": 42}, "display_name"),
    ({"display_name": "a\x00b"}, "display_name"),
    ({"gender": "other"}, "gender"),
    ({"gender": None}, "gender"),
    ({"gender": "Male"}, "gender"),
    ({"birth_date": years_ago(18, days=1).isoformat()}, "birth_date"),
    ({"birth_date": years_ago(10).isoformat()}, "birth_date"),
    ({"birth_date": (today() + timedelta(days=1)).isoformat()}, "birth_date"),
    ({"birth_date": "1890-01-01"}, "birth_date"),
    ({"birth_date": "1995-02-30"}, "birth_date"),
    ({"birth_date": "yesterday"}, "birth_date"),
    ({"birth_date": None}, "birth_date"),
    ({"height_cm": 119}, "height_cm"),
    ({"height_cm": 231}, "height_cm"),
    ({"height_cm": 0}, "height_cm"),
    ({"height_cm": "170"}, "height_cm"),
    ({"height_cm": 170.5}, "height_cm"),
    ({"height_cm": True}, "height_cm"),
    ({"height_cm": 10**30}, "height_cm"),
    ({"education": "phd"}, "education"),
    ({"occupation": "职" * 51}, "occupation"),
    ({"city": "城" * 51}, "city"),
    ({"hometown": "乡" * 51}, "hometown"),
    ({"intro": "我" * 1001}, "intro"),
    ({"intro": "bell\x07"}, "intro"),
    ({"goal": "fun"}, "goal"),
    ({"interests": None}, "interests"),
    ({"interests": "爬山"}, "interests"),
    ({"interests": [f"t{i}" for i in range(21)]}, "interests"),
    ({"interests": ["标" * 21]}, "interests.0"),
    ({"interests": [""]}, "interests.0"),
    ({"interests": ["   "]}, "interests.0"),
    ({"interests": [42]}, "interests.0"),
    ({"interests": [None]}, "interests.0"),
    ({"interests": [["爬山"]]}, "interests.0"),
    ({"interests": [{"tag": "爬山", "weight": 0}]}, "interests.0"),
    ({"interests": [{"tag": "爬山", "weight": 6}]}, "interests.0"),
    ({"interests": [{"tag": "爬山", "weight": "3"}]}, "interests.0"),
    ({"interests": [{"tag": "爬山", "weight": 2.5}]}, "interests.0"),
    ({"interests": [{"tag": "爬山", "weight": True}]}, "interests.0"),
    ({"interests": [{"weight": 3}]}, "interests.0"),
    ({"interests": [{"tag": "爬山", "colour": "red"}]}, "interests.0"),
    ({"contact": {"phone": "12345"}}, "contact.phone"),
    ({"contact": {"phone": "call me"}}, "contact.phone"),
    ({"contact": {"phone": "1" * 16}}, "contact.phone"),
    ({"contact": {"phone": "１３８００１３８０００"}}, "contact.phone"),
    ({"contact": {"wechat": "ab"}}, "contact.wechat"),
    ({"contact": {"wechat": "1abcdefg"}}, "contact.wechat"),
    ({"contact": {"wechat": "wxid_abc123\n"}}, "contact.wechat"),
    ({"contact": {"wechat": "微信号码微信号码"}}, "contact.wechat"),
    ({"contact": {"email": "not-an-email"}}, "contact.email"),
    ({"contact": {"email": "a@"}}, "contact.email"),
    ({"contact": {"qq": "12345"}}, "contact.qq"),
    ({"contact": "13800138000"}, "contact"),
    ({"seeking": {"age_min": 30, "age_max": 25}}, "seeking.age_max"),
    ({"seeking": {"height_min": 190, "height_max": 150}}, "seeking.height_max"),
    ({"seeking": {"age_min": 17}}, "seeking.age_min"),
    ({"seeking": {"age_max": 100}}, "seeking.age_max"),
    ({"seeking": {"age_min": "20"}}, "seeking.age_min"),
    ({"seeking": {"height_min": 100}}, "seeking.height_min"),
    ({"seeking": {"gender": "any"}}, "seeking.gender"),
    ({"seeking": {"education_min": "kindergarten"}}, "seeking.education_min"),
    ({"seeking": {"cities": [""]}}, "seeking.cities.0"),
    ({"seeking": {"cities": [f"c{i}" for i in range(11)]}}, "seeking.cities"),
    ({"seeking": {"religion": "none"}}, "seeking.religion"),
    ({"seeking": None}, "seeking"),
    ({"consent": {"version": "2026-11"}}, "consent.accepted"),
    ({"consent": {"accepted": True}}, "consent.version"),
    ({"consent": {"version": "2026-11", "accepted": False}}, "consent.accepted"),
    ({"consent": {"version": "2026-11", "accepted": "yes please"}}, "consent.accepted"),
    ({"consent": True}, "consent"),
    ({"status": "approved"}, "status"),
    ({"review_note": "fine"}, "review_note"),
    ({"id": 5}, "id"),
    ({"age": 30}, "age"),
]


@pytest.mark.parametrize("body,field", INVALID, ids=lambda v: v if isinstance(v, str) else None)
def test_invalid_field_is_422_naming_the_field(put, body, field):
    errors = field_errors(put(body))
    assert field in errors, errors


def test_invalid_fields_all_reported_at_once(put):
    errors = field_errors(put({"height_cm": 99, "gender": "x", "intro": "我" * 1001}))
    assert {"height_cm", "gender", "intro"} <= set(errors)


def test_invalid_body_creates_nothing(put, as_):
    field_errors(put({"display_name": "王", "height_cm": 99}))
    r = put({})
    assert r.status_code == 200 and r.json["display_name"] is None


def test_strings_are_stripped_and_phone_normalised(put):
    r = put({"display_name": "  王小明 ", "city": " 杭州 ", "contact": {"phone": "+86 138-0013-8000"},
             "interests": ["  爬山 "]})
    assert r.json["display_name"] == "王小明" and r.json["city"] == "杭州"
    assert r.json["contact"] == {"phone": "+8613800138000"}
    assert r.json["interests"] == [{"tag": "爬山", "weight": 3}]


def test_interests_string_or_weighted_and_duplicates_merged(put):
    r = put({"interests": ["爬山", {"tag": "摄影", "weight": 5}, {"tag": "爬山", "weight": 4}, "Music", "music"]})
    assert r.json["interests"] == [{"tag": "爬山", "weight": 4}, {"tag": "摄影", "weight": 5},
                                   {"tag": "Music", "weight": 3}]


def test_chinese_text_round_trips_unescaped(put, as_):
    body = {"display_name": "欧阳娜娜", "city": "广州", "hometown": "汕头", "occupation": "税务专管员",
            "intro": "喜欢潮汕美食 🍜，周末去海边。", "interests": ["粤剧", {"tag": "功夫茶", "weight": 5}],
            "seeking": {"cities": ["深圳", "广州"]}}
    r = put(body)
    assert r.status_code == 200
    for text in ("欧阳娜娜", "广州", "汕头", "税务专管员", "喜欢潮汕美食 🍜，周末去海边。", "粤剧", "功夫茶", "深圳"):
        assert text.encode("utf-8") in r.data
    assert b"\\u" not in r.data
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json["intro"] == body["intro"]


def test_errors_are_unescaped_chinese_safe(put):
    r = put({"display_name": "名" * 41})
    assert b"\\u" not in r.data


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FIELDS = ["display_name", "gender", "birth_date", "height_cm", "education", "occupation", "city", "hometown",
          "interests", "intro", "goal", "contact", "seeking", "consent"]
FIELD_VALUES = {
    "gender": st.sampled_from(["male", "female", "x"]),
    "birth_date": st.dates().map(lambda d: d.isoformat()),
    "height_cm": st.integers(min_value=0, max_value=400),
    "interests": st.lists(st.text(max_size=25) | st.fixed_dictionaries(
        {"tag": st.text(max_size=25), "weight": st.integers(min_value=-1, max_value=7)}), max_size=25),
    "contact": st.fixed_dictionaries({}, optional={"phone": st.text(max_size=20), "wechat": st.text(max_size=25),
                                                   "email": st.emails() | st.text(max_size=20)}),
    "seeking": st.fixed_dictionaries({}, optional={
        "gender": st.sampled_from(["male", "female", None]), "age_min": st.integers(min_value=10, max_value=110),
        "age_max": st.integers(min_value=10, max_value=110), "height_min": st.integers(min_value=100, max_value=250),
        "height_max": st.integers(min_value=100, max_value=250), "cities": st.lists(st.text(max_size=8), max_size=3)}),
    "consent": st.fixed_dictionaries({"version": st.sampled_from(["2026-11", "2020-01", ""]),
                                      "accepted": st.booleans()}),
}
BODIES = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({}, optional={name: FIELD_VALUES.get(name, JSON_VALUES) | JSON_VALUES for name in FIELDS}),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(body=BODIES)
def test_any_json_body_is_200_or_422_never_500(as_, make, body):
    account = make.account()
    r = as_(account).put("/me/profile", data=json.dumps(body), content_type="application/json")
    assert r.status_code in (200, 422), (r.status_code, r.get_data(as_text=True))
    if r.status_code == 422:
        assert_problem(r, 422)
    # whatever was stored reads back
    assert as_(account).get("/me/profile").status_code in (200, 404)
