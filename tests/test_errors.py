"""Every error is application/problem+json with a stable code; never HTML, never a stack trace."""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from matchsvc import create_app
from matchsvc.errors import DomainError, webargs_errors
from matchsvc.extensions import db
from tests.conftest import TEST_CONFIG
from tests.helpers import assert_problem, field_errors


@pytest.mark.parametrize("url", ["/api/v1/nope", "/nope", "/api/v1/profiles/abc", "/favicon.ico", "/api/v1/"])
def test_unknown_route_404(client, url):
    r = client.get(url)
    body = assert_problem(r, 404, "not_found")
    assert body["instance"] == url
    assert b"<" not in r.data


@pytest.mark.parametrize("method,url,allowed", [("DELETE", "/api/v1/consent", {"GET", "HEAD", "OPTIONS"}),
                                                ("GET", "/api/v1/auth/token", {"POST", "OPTIONS"}),
                                                ("PATCH", "/api/v1/me/profile", {"GET", "PUT", "DELETE"})])
def test_wrong_method_405_with_allow(client, method, url, allowed):
    r = client.open(url, method=method)
    assert_problem(r, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in r.headers["Allow"].split(",")}


@pytest.mark.parametrize("data", ["{bad json", "{\"username\": }", "\xff\xfe", "[1, 2", "{'a': 1}"])
def test_malformed_json_400(client, data):
    r = client.post("/api/v1/auth/register", data=data, content_type="application/json")
    body = assert_problem(r, 400, "malformed_json")
    assert "errors" not in body


@pytest.mark.parametrize("data", ["[" * 100_000, "{\"a\":" * 50_000, "[" * 5_000 + "]" * 5_000])
@pytest.mark.parametrize("url", ["/api/v1/auth/register", "/api/v1/auth/token"])
def test_deeply_nested_json_400_not_500(client, url, data):
    assert_problem(client.post(url, data=data, content_type="application/json"), 400, "malformed_json")


def test_deeply_nested_json_400_with_rate_limits_on(app):
    limited = create_app({**TEST_CONFIG, "RATELIMIT_ENABLED": True,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    r = limited.test_client().post("/api/v1/auth/token", data="[" * 100_000, content_type="application/json")
    assert_problem(r, 400, "malformed_json")
    with limited.app_context():
        db.engine.dispose()


def test_malformed_json_400_when_authenticated(as_, make):
    r = as_(make.account()).put("/me/profile", data="{", content_type="application/json")
    assert_problem(r, 400, "malformed_json")


def test_oversized_body_413(client, make):
    body = json.dumps({"username": "x" * (300 * 1024), "password": "0123456789", "org_unit_id": 1})
    r = client.post("/api/v1/auth/register", data=body, content_type="application/json")
    assert_problem(r, 413, "payload_too_large")


def test_oversized_body_413_when_authenticated(as_, make):
    r = as_(make.account()).put("/me/profile", data=json.dumps({"intro": "我" * 200_000}),
                                content_type="application/json")
    assert_problem(r, 413)


@pytest.mark.parametrize("data", ["[]", "\"text\"", "42", "null"])
def test_json_that_is_not_an_object_422(client, data):
    field_errors(client.post("/api/v1/auth/register", data=data, content_type="application/json"))


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", None])
def test_body_not_sent_as_json_is_415(client, content_type):
    r = client.post("/api/v1/auth/token", data="username=a&password=b", content_type=content_type)
    assert_problem(r, 415, "unsupported_media_type")


def test_a_profile_edit_not_sent_as_json_changes_nothing_and_says_so(as_, make):
    acc, profile = make.member(display_name="原来的名字")
    r = as_(acc).put("/me/profile", data='{"display_name": "新名字"}', content_type="text/plain")
    assert_problem(r, 415, "unsupported_media_type")
    r = as_(acc).put("/me/profile", data="", content_type="application/json")
    assert_problem(r, 400, "malformed_json")
    assert as_(acc).get("/me/profile").json["display_name"] == "原来的名字"
    assert as_(acc).put("/me/profile", json={}).status_code == 200  # an empty object is a valid no-op


def test_validation_422_shape(client):
    r = client.post("/api/v1/auth/register", json={"username": "a", "password": "short", "org_unit_id": "x",
                                                   "extra": True})
    body = assert_problem(r, 422, "validation_failed")
    assert set(body["errors"]) == {"username", "password", "org_unit_id", "extra"}
    assert body["type"] == "about:blank" and body["title"] and body["detail"]


def test_query_validation_422_names_the_parameter(as_, make):
    errors = field_errors(as_(make.account("admin")).get("/accounts?page=nope"))
    assert set(errors) == {"page"}


def test_domain_error_renders_problem(as_, make):
    member = make.account()
    body = assert_problem(as_(member).get("/me/profile"), 404, "no_profile")
    assert body["title"] == "未找到" and body["detail"] == "你还没有资料。"
    body = assert_problem(as_(member, **{"Accept-Language": "en"}).get("/me/profile"), 404, "no_profile")
    assert body["title"] == "Not found" and body["detail"] == "You have no profile yet."


def test_every_error_is_problem_json_with_required_keys(as_, client, make):
    member = make.account()
    responses = [
        client.get("/api/v1/me"),
        as_(member).get("/accounts"),
        as_(member).get("/me/profile"),
        client.post("/api/v1/auth/token", json={"username": "no", "password": "nopenopenope"}),
        client.post("/api/v1/auth/token", json={}),
        client.delete("/api/v1/org-units"),
    ]
    for r in responses:
        assert r.status_code >= 400
        assert_problem(r, r.status_code)


def test_unexpected_exception_500_generic(as_, make, monkeypatch, caplog):
    from matchsvc.accounts import service

    def boom(**_):
        raise RuntimeError("SELECT password_hash FROM accounts -- secret detail")

    monkeypatch.setattr(service, "list_accounts", boom)
    with caplog.at_level(logging.ERROR, logger="matchsvc"):
        r = as_(make.account("admin"), **{"X-Request-ID": "req-12345"}).get("/accounts")
    body = assert_problem(r, 500, "internal_error")
    text = r.get_data(as_text=True)
    assert "secret" not in text and "SELECT" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert "req-12345" in body["detail"] and r.headers["X-Request-ID"] == "req-12345"
    assert any("req-12345" in rec.getMessage() and rec.exc_info for rec in caplog.records)


@pytest.mark.parametrize("error", [
    sa.exc.IntegrityError("INSERT INTO likes VALUES (1, 2)", {}, Exception("UNIQUE constraint failed: likes")),
    StaleDataError("UPDATE statement on table 'profiles' expected to update 1 row(s); 0 were matched."),
])
def test_lost_race_is_409_not_500(as_, make, monkeypatch, caplog, error):
    from matchsvc.accounts import service

    def collide(**_):
        raise error

    monkeypatch.setattr(service, "list_accounts", collide)
    with caplog.at_level(logging.WARNING, logger="matchsvc"):
        r = as_(make.account("admin")).get("/accounts")
    assert_problem(r, 409, "concurrent_update")
    # an expected race: one line in the log, no traceback (the soak's one traceback)
    lines = [rec for rec in caplog.records if rec.getMessage().startswith("conflict [request")]
    assert len(lines) == 1 and lines[0].exc_info is None and type(error).__name__ in lines[0].getMessage()
    assert "INSERT" not in r.get_data(as_text=True) and "UPDATE" not in r.get_data(as_text=True)


@pytest.fixture
def fresh_app(app):
    """A second app on the session database, exceptions not propagated, with a failing route."""
    other = create_app({**TEST_CONFIG, "TESTING": False, "PROPAGATE_EXCEPTIONS": False,
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    @other.get("/boom")
    def boom():
        return 1 / 0

    @other.get("/domain")
    def domain():
        raise DomainError("A rule was broken.", code="some_rule")

    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_forced_exception_in_production_mode_is_generic_500(fresh_app):
    r = fresh_app.test_client().get("/boom", headers={"Accept": "text/html"})
    assert_problem(r, 500, "internal_error")
    assert "ZeroDivisionError" not in r.get_data(as_text=True) and b"<html" not in r.data.lower()


def test_domain_error_outside_the_api_blueprints(fresh_app):
    r = fresh_app.test_client().get("/domain", headers={"Accept-Language": "en"})
    body = assert_problem(r, 400, "some_rule")
    assert body["detail"] == "A rule was broken."  # a text the catalogues lack stays as written
    r = fresh_app.test_client().get("/domain", headers={"Accept-Language": "zh"})
    assert r.status_code == 400 and r.json["title"] == "请求错误"


def test_request_id_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"}).headers["X-Request-ID"]
    assert made != "bad id" and len(made) == 32


def test_html_accept_header_still_gets_problem_json(client):
    r = client.get("/api/v1/nowhere", headers={"Accept": "text/html"})
    assert_problem(r, 404)


@pytest.mark.parametrize("messages,expected", [
    ({"json": {"a": ["x"]}}, {"a": ["x"]}),
    ({"json": {"a": {"b": ["x"]}}}, {"a.b": ["x"]}),
    ({"json": {"a": {"_schema": ["x"]}}}, {"a": ["x"]}),
    ({"json": {"_schema": ["x"]}}, {"_schema": ["x"]}),
    ({"json": {"items": {0: ["x"], 3: {"tag": ["y"]}}}}, {"items.0": ["x"], "items.3.tag": ["y"]}),
    ({"query": {"page": ["x"]}, "json": {"a": ["y"]}}, {"page": ["x"], "a": ["y"]}),
    ({"a": "plain"}, {"a": ["plain"]}),
])
def test_webargs_errors_flattened(messages, expected):
    assert webargs_errors(messages) == expected


@pytest.mark.parametrize("status,reason,mesg,title,detail,code", [
    (414, "URI Too Long", "Request Line is too large (8192 > 4094)", "请求网址过长", "请求的网址过长，服务器无法处理。",
     "uri_too_long"),
    (431, "Request Header Fields Too Large", "Error parsing headers: 'limit request headers fields size'",
     "请求头过大", "一个或多个请求头超过最大长度。", "request_header_fields_too_large"),
    (400, "Bad Request", "Invalid HTTP Version 'HTTP/9'", "请求错误", "浏览器（或代理）发送了服务器无法理解的请求。",
     "bad_request"),
])
def test_gunicorns_own_errors_are_problems_too(monkeypatch, tmp_path, status, reason, mesg, title, detail,
                                               code) -> None:
    """A request gunicorn refuses before the app sees it (request line too long, bad headers) is
    answered as problem+json by the hook gunicorn.conf.py installs, not as gunicorn's HTML page,
    and in Simplified Chinese like every problem (there is no request to ask for English)."""
    import json
    import runpy
    import socket
    from pathlib import Path

    from gunicorn import util

    original = util.write_error
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # the config sets it otherwise
    try:
        conf = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
        assert util.write_error is conf["problem_error"]
        ours, theirs = socket.socketpair()
        with ours, theirs:
            util.write_error(ours, status, reason, mesg)
            raw = theirs.recv(65536)
    finally:
        util.write_error = original
    head, body = raw.split(b"\r\n\r\n", 1)
    assert head.startswith(f"HTTP/1.1 {status} {reason}".encode())
    assert b"Content-Type: application/problem+json" in head and f"Content-Length: {len(body)}".encode() in head
    assert json.loads(body) == {"type": "about:blank", "title": title, "status": status, "detail": detail,
                                "code": code}
