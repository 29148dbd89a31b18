"""Login (issue 13): an unknown username costs what a known one costs (one argon2 verification,
against a dummy hash made once), and guesses are limited per address+username, per username from
any address and per address over all usernames; with a redis storage the limits hold across
workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher

from matchsvc import create_app
from matchsvc.accounts import service
from matchsvc.errors import Unauthorized
from matchsvc.extensions import db

from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD


def test_an_unknown_username_costs_one_verification_and_no_hashing(make, monkeypatch):
    make.account(username="known")
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *a, **kw):
        calls["hash"] += 1
        return real_hash(self, *a, **kw)

    def counting_verify(self, *a, **kw):
        calls["verify"] += 1
        return real_verify(self, *a, **kw)

    with pytest.raises(Unauthorized):  # the dummy hash may be made here, once
        service.authenticate(username="nobody-0", password="whatever")
    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    for i in range(1, 6):
        with pytest.raises(Unauthorized):
            service.authenticate(username=f"nobody-{i}", password="whatever")
    unknown = dict(calls)
    calls.update(hash=0, verify=0)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            service.authenticate(username="known", password="wrong password")
    assert unknown == calls == {"hash": 0, "verify": 5}  # the same work on both paths


@pytest.fixture
def limited(app):
    limited = create_app({**TEST_CONFIG, "RATELIMIT_ENABLED": True,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    yield limited.test_client()
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def _login(client, username, password="wrong password", ip="198.51.100.1"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip}).status_code


def test_one_username_from_many_addresses_is_limited(limited, make):
    make.account(username="victim")
    statuses = [_login(limited, "victim", ip=f"203.0.113.{i}") for i in range(1, 13)]
    assert statuses == [401] * 10 + [429] * 2
    assert _login(limited, "victim", PASSWORD, ip="203.0.113.200") == 429  # until the window passes
    assert _login(limited, "someone-else", ip="203.0.113.201") == 401


def test_one_address_over_many_usernames_is_limited(limited, make):
    statuses = [_login(limited, f"user-{i}", "Spring2026!") for i in range(35)]
    assert statuses == [401] * 30 + [429] * 5
    assert _login(limited, "user-0", ip="198.51.100.2") == 401  # another address is not


def test_successful_logins_do_not_count_against_the_username(limited, make):
    make.account(username="busy")
    assert all(_login(limited, "busy", PASSWORD, ip=f"203.0.113.{i}") == 200 for i in range(1, 16))


# --- shared storage: the limits hold across gunicorn workers (run by .ci/run with redis) --------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a redis server; .ci/run starts one)")
@pytest.mark.parametrize("storage", ["redis", "memory"])
def test_login_limits_across_gunicorn_workers(tmp_path, storage):
    """gunicorn recycles its workers every 4 requests here, so 16 logins meet at least 4 worker
    processes. With redis they share one count: the 11th failed login for one username is refused.
    With the default memory:// storage each process counts alone, and more get through (README)."""
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    root = Path(__file__).resolve().parents[2]
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}", "SECRET_KEY": "k" * 40,
           "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "RATELIMIT_ENABLED": "true",
           "RATELIMIT_STORAGE_URI": os.environ["REDIS_URL"] if storage == "redis" else "memory://",
           "GUNICORN_MAX_REQUESTS": "4", "GUNICORN_MAX_REQUESTS_JITTER": "0",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom")}
    flask = [sys.executable, "-m", "flask", "--app", "matchsvc"]
    subprocess.run(flask + ["db", "upgrade"], env=env, cwd=root, check=True, capture_output=True)
    subprocess.run(flask + ["create-admin", "--username", "victim", "--password", "right password 1"],
                   env=env, cwd=root, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "matchsvc:create_app()"],
                              env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    statuses = []
    try:
        for _ in range(600):
            try:
                requests.post(base + "/api/v1/auth/token", json={}, timeout=5)  # 422, counts nothing
                break
            except requests.RequestException:
                time.sleep(0.1)
        for _ in range(16):
            r = requests.post(base + "/api/v1/auth/token", json={"username": "victim", "password": "wrong guess"},
                              headers={"Connection": "close"}, timeout=60)
            statuses.append(r.status_code)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # pragma: no cover - a wedged server must not outlive the test
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    if storage == "redis":
        assert statuses == [401] * 10 + [429] * 6, statuses
    else:
        assert statuses.count(401) > 10, statuses
