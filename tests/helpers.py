"""Assertions and small builders shared by the tests."""

from __future__ import annotations

from datetime import date
from typing import Any

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem with ``status`` (and ``code``); returns its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", response.mimetype
    body = response.get_json()
    assert PROBLEM_KEYS <= set(body), body
    assert body["status"] == status
    assert isinstance(body["code"], str) and body["code"].replace("_", "").isalpha() and body["code"].islower()
    if code is not None:
        assert body["code"] == code, body
    if "errors" in body:
        assert status == 422, body
        assert all(isinstance(k, str) and isinstance(v, list) and all(isinstance(m, str) for m in v)
                   for k, v in body["errors"].items()), body
    return body


def field_errors(response: Any) -> dict[str, list[str]]:
    """The 422 field errors of ``response``."""
    return assert_problem(response, 422)["errors"]


def years_ago(years: int, *, days: int = 0, on: date | None = None) -> date:
    """The birth date of someone who turns ``years`` today (``days`` later: still younger)."""
    from datetime import timedelta

    from matchsvc.core.clock import today

    on = on or today()
    try:
        born = on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year without one
        born = on.replace(year=on.year - years, day=28)
    return born + timedelta(days=days)


COMPLETE_PROFILE: dict[str, Any] = {
    "display_name": "王小明",
    "gender": "male",
    "birth_date": "1995-03-04",
    "height_cm": 175,
    "education": "master",
    "occupation": "工程師",
    "city": "杭州",
    "hometown": "紹興",
    "interests": ["爬山", {"tag": "攝影", "weight": 5}],
    "intro": "平時喜歡爬山和攝影，週末常去西湖邊走走。",
    "goal": "marriage",
    "contact": {"phone": "13800138000", "wechat": "wxid_abc123", "email": "xm@example.com"},
    "seeking": {"gender": "female", "age_min": 24, "age_max": 34},
}
