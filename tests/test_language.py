"""Human text of the API: Simplified Chinese by default, English with Accept-Language: en."""

from __future__ import annotations

import re

import pytest

from tests.helpers import assert_problem, assert_simplified_chinese

CHINESE = [None, "zh-CN", "zh-Hans", "zh", "zh-TW", "zh-Hant-TW", "fr", "zh-CN,en;q=0.5"]
ENGLISH = ["en", "en-US,en;q=0.9", "en;q=0.9,zh;q=0.5"]


def _headers(accept: str | None) -> dict[str, str]:
    return {"Accept-Language": accept} if accept else {}


def _texts(body: dict) -> list[str]:
    return [body["title"], body["detail"]] + [m for ms in body.get("errors", {}).values() for m in ms]


@pytest.mark.parametrize("accept", CHINESE)
def test_problems_are_simplified_chinese_by_default(client, accept):
    for r, status in ((client.get("/api/v1/nope", headers=_headers(accept)), 404),
                      (client.get("/api/v1/me", headers=_headers(accept)), 401),
                      (client.post("/api/v1/auth/register", json={}, headers=_headers(accept)), 422),
                      (client.delete("/api/v1/consent", headers=_headers(accept)), 405)):
        for text in _texts(assert_problem(r, status)):
            assert_simplified_chinese(text)


@pytest.mark.parametrize("accept", ENGLISH)
def test_problems_are_english_on_request(client, accept):
    body = assert_problem(client.get("/api/v1/nope", headers=_headers(accept)), 404)
    assert body["title"] == "Not Found" and body["detail"].startswith("The requested URL was not found")
    body = assert_problem(client.get("/api/v1/me", headers=_headers(accept)), 401, "unauthorized")
    assert (body["title"], body["detail"]) == ("Unauthorized", "A bearer token is required.")
    body = assert_problem(client.post("/api/v1/auth/register", json={}, headers=_headers(accept)), 422)
    assert body["detail"] == "The request did not validate; see errors."
    assert body["errors"]["username"] == ["Missing data for required field."]


def test_domain_error_in_both_languages(as_, make):
    member = make.account()
    body = assert_problem(as_(member).get("/me/profile"), 404, "no_profile")
    assert (body["title"], body["detail"]) == ("未找到", "你还没有资料。")
    body = assert_problem(as_(member, **{"Accept-Language": "en"}).get("/me/profile"), 404, "no_profile")
    assert (body["title"], body["detail"]) == ("Not found", "You have no profile yet.")


def test_bearer_token_problems_in_both_languages(client):
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert assert_problem(r, 401)["detail"] == "Bearer 令牌无效。"
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense", "Accept-Language": "en"})
    assert assert_problem(r, 401)["detail"] == "The bearer token is invalid."


# marshmallow's own messages, formatted with values: matched against their templates and the
# translation filled in with the same values.
PROFILE_ERRORS = [
    ({"height_cm": "tall"}, "height_cm", "不是有效的整数。", "Not a valid integer."),
    ({"height_cm": 20}, "height_cm", None, "Must be greater than or equal to"),
    ({"intro": "x" * 1001}, "intro", "长度必须在 0 到 1000 之间。", "Length must be between 0 and 1000."),
    ({"interests": ["x" * 100]}, "interests.0", None, "A tag has 1–"),
    ({"gender": "other"}, "gender", "必须是以下之一：male, female。", "Must be one of: male, female."),
    ({"birth_date": "yesterday"}, "birth_date", "不是有效的日期。", "Not a valid date."),
    ({"contact": {"email": "nope"}}, "contact.email", "不是有效的电子邮箱地址。", "Not a valid email address."),
    ({"nickname": "x"}, "nickname", "未知字段。", "Unknown field."),
    ({"display_name": None}, "display_name", "此字段不能为空（null）。", "Field may not be null."),
]


@pytest.mark.parametrize("body,field,zh,en", PROFILE_ERRORS)
def test_field_errors_in_both_languages(as_, make, body, field, zh, en):
    member = make.account()
    errors = assert_problem(as_(member).put("/me/profile", json=body), 422)["errors"]
    assert field in errors, errors
    for message in errors[field]:
        assert_simplified_chinese(message)
    if zh:
        assert zh in errors[field]
    errors = assert_problem(as_(member, **{"Accept-Language": "en"}).put("/me/profile", json=body), 422)["errors"]
    assert any(m.startswith(en) for m in errors[field]), errors


def test_range_message_keeps_its_numbers(as_, make):
    errors = assert_problem(as_(make.account()).put("/me/profile", json={"height_cm": 20}), 422)["errors"]
    (message,) = errors["height_cm"]
    assert message == "必须大于等于 120 且小于等于 230。"
    en = assert_problem(as_(make.account(), **{"Accept-Language": "en"}).put("/me/profile", json={"height_cm": 20}),
                        422)["errors"]["height_cm"][0]
    assert re.findall(r"\d+", message) == re.findall(r"\d+", en)


@pytest.mark.parametrize("accept", [None, "zh-TW", "zh-Hant"])
def test_consent_text_is_simplified_chinese(client, accept):
    body = client.get("/api/v1/consent", headers=_headers(accept)).json
    assert body["language"] == "zh" and "智慧红娘" in body["title"]
    assert_simplified_chinese(body["title"]) and assert_simplified_chinese(body["text"])


def test_consent_text_in_english(client):
    body = client.get("/api/v1/consent", headers={"Accept-Language": "en"}).json
    assert body["language"] == "en" and body["text"].startswith("I apply of my own free will")


def test_api_title_in_both_languages(client):
    assert client.get("/api/v1/openapi.json").json["info"]["title"] == "matchsvc 智慧红娘"
    r = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"})
    assert r.json["info"]["title"] == "matchsvc Smart Matchmaker"


@pytest.mark.parametrize("kind,payload", [
    ("review_decided", {"decision": "request_changes", "note": "请补充照片"}),
    ("review_decided", {"decision": "approve"}), ("profile_suspended", {}), ("match", {}),
    ("daily_picks", {"count": 3}), ("event_invitation", {"title": "周末爬山"}),
    ("event_promoted", {"title": "周末爬山"}), ("event_cancelled", {"title": "周末爬山"}),
    ("event_updated", {"title": "周末爬山"}), ("event_suggestions", {"count": 2}), ("event_match", {}),
    ("match_followup", {}), ("invitation_expired", {"title": "周末爬山"}),
])
def test_notification_texts_in_both_languages(app, kind, payload):
    from matchsvc.notifications.texts import TEXTS, render

    assert kind == "review_decided" or kind in TEXTS
    zh = assert_simplified_chinese(render(kind, payload, "zh"))
    en = render(kind, payload, "en")
    values = [str(v) for k, v in payload.items() if k != "decision"]
    english = en
    for value in values:
        assert value in zh and value in en
        english = english.replace(value, "")
    assert en != zh and not any("\u4e00" <= ch <= "\u9fff" for ch in english), en
    assert "%(" not in zh and "%(" not in en
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render(kind, payload) == en
    with app.test_request_context():
        assert render(kind, payload) == zh
