"""Headers, secrets and logs (issue 13): no-store on personal data, a CSP that forbids framing,
HSTS on request, CORS only for listed origins, no short SECRET_KEY, no SQL parameters or query
secrets in logs, JSON log lines on request."""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from matchsvc import create_app
from matchsvc.core import logs
from matchsvc.extensions import db

from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD


def test_token_and_personal_data_are_never_stored_by_caches(client, make, as_):
    account = make.account(username="carol")
    make.profile(account)
    token = client.post("/api/v1/auth/token", json={"username": "carol", "password": PASSWORD})
    assert token.status_code == 200
    assert token.headers["Cache-Control"] == "no-store"
    for url in ("/me", "/me/profile", "/me/export", "/me/notifications"):
        resp = as_(account).get(url)
        assert resp.status_code == 200, url
        assert resp.headers["Cache-Control"] == "no-store", url
    assert as_(None).get("/me").headers["Cache-Control"] == "no-store"  # errors too


@pytest.mark.parametrize("url", ["/api/v1/openapi.json", "/api/v1/org-units", "/api/v1/consent"])
def test_public_documents_may_be_cached(client, url):
    resp = client.get(url)
    assert resp.status_code == 200
    assert "no-store" not in resp.headers.get("Cache-Control", "")


def test_api_answers_forbid_framing_and_rendering(client, make, as_):
    resp = as_(make.account()).get("/me")
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in resp.headers  # off unless HSTS=true


def test_docs_page_is_html_that_cannot_be_framed(client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def _app(tmp_path, **config):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", **config})


def test_hsts_when_configured(tmp_path):
    resp = _app(tmp_path, HSTS=True).test_client().get("/healthz")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_cors_is_off_by_default(client):
    resp = client.open("/api/v1/me", method="OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization"})
    assert "Access-Control-Allow-Origin" not in resp.headers
    resp = client.get("/api/v1/org-units", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_cors_for_listed_origins_with_preflight(tmp_path):
    app = _app(tmp_path, CORS_ORIGINS=["https://platform.example"])
    client = app.test_client()
    pre = client.open("/api/v1/me/profile", method="OPTIONS", headers={
        "Origin": "https://platform.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == "https://platform.example"
    assert "PUT" in pre.headers["Access-Control-Allow-Methods"]
    assert "authorization" in pre.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in pre.headers  # bearer tokens, never cookies
    real = client.get("/api/v1/org-units", headers={"Origin": "https://platform.example"})
    assert real.headers["Access-Control-Allow-Origin"] == "https://platform.example"
    assert "X-Request-ID" in real.headers["Access-Control-Expose-Headers"]
    other = client.open("/api/v1/me/profile", method="OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("key", ["x", "short-key-of-31-bytes-012345678", "é" * 15])
def test_a_short_secret_key_is_refused_at_start(tmp_path, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        _app(tmp_path, SECRET_KEY=key, JWT_SECRET_KEY="k" * 40)


def test_the_generated_secret_key_is_long_enough(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {k: v for k, v in TEST_CONFIG.items() if k not in ("SECRET_KEY", "JWT_SECRET_KEY")}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_sql_parameters_never_reach_errors_or_logs(caplog):
    with pytest.raises(sa.exc.DBAPIError) as failure:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE secret = :p"), {"p": "hunter2-secret"})
    db.session.rollback()
    assert "hunter2-secret" not in str(failure.value)
    assert "hunter2-secret" not in caplog.text


@pytest.mark.parametrize("line,expected", [
    ("GET /api/v1/x?password=hunter2&a=1 HTTP/1.1", "GET /api/v1/x?password=[redacted]&a=1 HTTP/1.1"),
    ("GET /x?a=1&access_token=abc.def HTTP/1.1", "GET /x?a=1&access_token=[redacted] HTTP/1.1"),
    ("new_password=x&Token=y&q=z", "new_password=[redacted]&Token=[redacted]&q=z"),
    ("GET /x?q=passwords-are-fine-as-values HTTP/1.1", "GET /x?q=passwords-are-fine-as-values HTTP/1.1"),
])
def test_secrets_in_query_strings_are_redacted(line, expected):
    assert logs.redact(line) == expected


def test_gunicorn_access_lines_are_redacted(capsys):
    from types import SimpleNamespace

    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s q=%(q)s')
    logger = logs.GunicornLogger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/v1/x?token=abc&x=1", "PATH_INFO": "/api/v1/x",
               "QUERY_STRING": "token=abc&x=1", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    resp = SimpleNamespace(status="200 OK", status_code=200, sent=2, headers=[("X-Request-ID", "r1")],
                           response_length=2)
    req = SimpleNamespace(headers=[], method="GET", uri="/api/v1/x?token=abc&x=1", path="/api/v1/x",
                          query="token=abc&x=1", version=(1, 1), peer_addr=("127.0.0.1", 1))
    from datetime import timedelta

    logger.access(resp, req, environ, timedelta(milliseconds=3))
    out = capsys.readouterr().out
    assert "abc" not in out and "token=[redacted]&x=1" in out


def test_json_log_lines(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    record = logging.LogRecord("matchsvc", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["level"] == "error" and line["message"] == "boom x" and line["logger"] == "matchsvc"
    access = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s %(s)s",
                               ({"h": "127.0.0.1", "s": "200", "M": "3", "U": "/x", "{x-request-id}o": "r1"},), None)
    line = json.loads(logs.JsonFormatter().format(access))
    assert line["status"] == 200 and line["ms"] == 3 and line["request_id"] == "r1" and line["path"] == "/x"
