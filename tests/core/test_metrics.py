"""GET /metrics: Prometheus text format, to loopback or the METRICS_TOKEN bearer (API.md)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from matchsvc.core import jobs
from matchsvc.core.clock import utcnow
from matchsvc.extensions import db

LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def _value(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, value = line.rpartition(" ")
        if metric.split("{")[0] != name:
            continue
        if all(f'{k}="{v}"' in metric for k, v in labels.items()):
            return float(value)
    return None


def test_metrics_count_requests_by_route_and_status_with_latency(client, make, as_):
    account = make.account()
    before = client.get("/metrics", environ_base=LOOPBACK).get_data(as_text=True)
    n0 = _value(before, "matchsvc_http_requests_total", endpoint="/api/v1/me", method="GET", status="200") or 0
    for _ in range(3):
        assert as_(account).get("/me").status_code == 200
    as_(None).get("/me")
    resp = client.get("/metrics", environ_base=LOOPBACK)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    assert resp.headers["Cache-Control"] == "no-store"
    text = resp.get_data(as_text=True)
    assert _value(text, "matchsvc_http_requests_total", endpoint="/api/v1/me", method="GET", status="200") == n0 + 3
    assert _value(text, "matchsvc_http_requests_total", endpoint="/api/v1/me", method="GET", status="401") >= 1
    assert _value(text, "matchsvc_http_request_duration_seconds_count", endpoint="/api/v1/me", method="GET") >= 4
    assert _value(text, "matchsvc_http_request_duration_seconds_bucket", endpoint="/api/v1/me", method="GET",
                  le="+Inf") >= 4


def test_metrics_report_index_outbox_and_last_push(client, make, as_):
    from matchsvc.matching import index
    from matchsvc.notifications.models import OutboxMessage

    make.member()
    make.member(gender="male")
    index.reset()
    index.get()
    db.session.add(OutboxMessage(sender="webhook", payload={}, next_attempt_at=utcnow()))
    db.session.add(OutboxMessage(sender="webhook", payload={}, next_attempt_at=utcnow(), delivered_at=utcnow()))
    jobs.record(name="push-daily", started_at=utcnow() - timedelta(seconds=5), started=time.perf_counter() - 4.5,
                items=123)
    db.session.commit()
    text = client.get("/metrics", environ_base=LOOPBACK).get_data(as_text=True)
    assert _value(text, "matchsvc_index_profiles") == 2
    assert 0 <= _value(text, "matchsvc_index_age_seconds") < 60
    assert _value(text, "matchsvc_outbox_backlog") == 1
    assert _value(text, "matchsvc_push_last_picks") == 123
    assert 4 <= _value(text, "matchsvc_push_last_duration_seconds") < 30
    assert abs(_value(text, "matchsvc_push_last_finished_timestamp_seconds") - time.time()) < 60
    assert _value(text, "matchsvc_database_up") == 1


def test_push_daily_records_its_run(runner, make):
    make.member()
    make.member(gender="male", seeking_gender="female")
    result = runner.invoke(args=["push-daily"])
    assert result.exit_code == 0, result.output
    last = jobs.last("push-daily")
    assert last is not None and last.items >= 1 and last.duration_seconds > 0


@pytest.mark.parametrize("environ,headers", [
    (OUTSIDE, {}),
    ({"REMOTE_ADDR": "10.0.0.2"}, {}),
    (LOOPBACK, {"X-Forwarded-For": "203.0.113.9"}),  # a proxy on the same host forwarded it
    (LOOPBACK, {"Forwarded": "for=203.0.113.9"}),
])
def test_metrics_refused_to_others(client, environ, headers):
    resp = client.get("/metrics", environ_base=environ, headers=headers)
    assert resp.status_code == 403
    assert resp.mimetype == "application/problem+json"


def test_metrics_with_the_token_from_anywhere(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-metrics-token")
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 401
    assert client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": "Bearer nope"}).status_code == 401
    ok = client.get("/api/v1/metrics", environ_base=OUTSIDE, headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert ok.status_code == 200 and "matchsvc_http_requests_total" in ok.get_data(as_text=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_metrics_add_up_every_gunicorn_worker(tmp_path):
    """Multiprocess mode under gunicorn: requests answered by several workers are all counted by one
    scrape, including those of workers recycled meanwhile (every 15 requests here)."""
    from concurrent.futures import ThreadPoolExecutor

    root = Path(__file__).resolve().parents[2]
    port = _free_port()
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'm.db'}"
    prom = tmp_path / "prom"
    env = {**os.environ, "DATABASE_URL": url, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "SECRET_KEY": "k" * 40, "PROMETHEUS_MULTIPROC_DIR": str(prom),
           "GUNICORN_MAX_REQUESTS": "15", "GUNICORN_MAX_REQUESTS_JITTER": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "matchsvc:create_app()"],
                              env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def hit(_: int) -> int:
        with requests.get(base + "/healthz", timeout=60, headers={"Connection": "close"}) as r:
            return r.status_code

    try:
        for _ in range(600):  # the workers import numpy and scikit-learn: slow on a busy machine
            try:
                requests.get(base + "/healthz", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.1)
        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(hit, range(40))) == {200}
        text = requests.get(base + "/metrics", timeout=10).text
        counted = _value(text, "matchsvc_http_requests_total", endpoint="/healthz", method="GET", status="200")
        workers = {p.name for p in prom.glob("counter_*.db")}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # pragma: no cover - a wedged server must not outlive the test
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert len(workers) >= 3, workers  # several workers counted requests ...
    assert counted == 41  # ... and the scrape added them up (40 + the one that found it ready)
