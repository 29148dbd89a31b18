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
    _assert_language(response, body)
    return body


def _asked_for_english(response: Any) -> bool:
    request = getattr(response, "request", None)
    accept = request.headers.get("Accept-Language", "") if request is not None else ""
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    best = parse_accept_header(accept, LanguageAccept).best_match(["zh", "zh-CN", "zh-TW", "zh-Hans", "zh-Hant", "en"])
    return bool(best and best.lower().startswith("en"))


def _assert_language(response: Any, body: dict[str, Any]) -> None:
    """Every problem text is Simplified Chinese unless English was asked for (API.md)."""
    if _asked_for_english(response):
        return
    texts = [body["title"], body["detail"]] + [m for ms in (body.get("errors") or {}).values() for m in ms]
    for text in texts:
        assert_simplified_chinese(text)


def to_simplified(text: str) -> str:
    """``text`` with every Traditional character replaced by its Simplified form (zhconv)."""
    import warnings

    import zhconv

    with warnings.catch_warnings():  # zhconv leaves its dictionary file open when it first loads it
        warnings.simplefilter("ignore", ResourceWarning)
        return zhconv.convert(text, "zh-hans")


def assert_simplified_chinese(text: str) -> str:
    """``text`` is Chinese (it has Han characters) written in Simplified characters only."""
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"not Chinese: {text!r}"
    assert to_simplified(text) == text, f"Traditional characters in {text!r}"
    return text


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
    "occupation": "工程师",
    "city": "杭州",
    "hometown": "绍兴",
    "interests": ["爬山", {"tag": "摄影", "weight": 5}],
    "intro": "平时喜欢爬山和摄影，周末常去西湖边走走。",
    "goal": "marriage",
    "contact": {"phone": "13800138000", "wechat": "wxid_abc123", "email": "xm@example.com"},
    "seeking": {"gender": "female", "age_min": 24, "age_max": 34},
}


def race(app: Any, calls: list[tuple[str, str, Any, Any]]) -> list[tuple[int, Any]]:
    """Send ``calls`` at once, one thread, test client and database connection each, lined up on
    a barrier; each call is (method, path under /api/v1, account, JSON body or None). Returns
    (status, JSON body) per call, in order; a crash in a thread comes back as (-1, its repr)."""
    import threading

    from flask_jwt_extended import create_access_token

    with app.app_context():
        tokens = [create_access_token(identity=str(account.id)) for _, _, account, _ in calls]
    barrier = threading.Barrier(len(calls))
    results: list[tuple[int, Any]] = [(0, None)] * len(calls)

    def run(i: int, method: str, path: str, token: str, body: Any) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            r = client.open("/api/v1" + path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
            results[i] = (r.status_code, r.get_json(silent=True))
        except Exception as exc:  # noqa: BLE001 - a crash is a result the test reports
            results[i] = (-1, repr(exc))

    threads = [threading.Thread(target=run, args=(i, method, path, token, body))
               for i, ((method, path, _, body), token) in enumerate(zip(calls, tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
