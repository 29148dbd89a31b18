"""Prometheus metrics at ``GET /metrics`` (README "Metrics" lists them).

Request counts and latencies are counted in each process. Under gunicorn they are shared between
the workers through prometheus_client's multiprocess mode: ``gunicorn.conf.py`` points
``PROMETHEUS_MULTIPROC_DIR`` at an empty directory before the app is loaded, and marks a worker's
files dead when it exits; a scrape then adds up every worker. The rest is read when scraped: the
matching index of the worker that answers, the outbox backlog and the last daily push (from the
database, wherever the push ran).

Who may scrape: a client on the loopback interface whose request did not come through a proxy
(no ``Forwarded``/``X-Forwarded-For`` header), or anyone sending ``Authorization: Bearer
$METRICS_TOKEN`` when ``METRICS_TOKEN`` is set.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from typing import Iterator

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from matchsvc.core import jobs
from matchsvc.core.i18n import _
from matchsvc.errors import problem_response

log = logging.getLogger("matchsvc.metrics")

#: Decided when the counters are made: prometheus_client picks their storage at that moment.
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
REQUESTS = Counter("matchsvc_http_requests", "HTTP requests answered, by route, method and status",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("matchsvc_http_request_duration_seconds", "Time to answer a request, by route and method",
                    ["endpoint", "method"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _count(response: Response) -> Response:
    rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(rule, request.method, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        LATENCY.labels(rule, request.method).observe(time.perf_counter() - started)
    return response


class StateCollector(Collector):
    """Gauges read when scraped: the index of this worker, the outbox backlog, the last push."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from matchsvc.matching import index

        idx = index._index  # this worker's index as it is; a scrape never builds one
        size = GaugeMetricFamily("matchsvc_index_profiles", "Profiles in the matching index of the worker that answered")
        age = GaugeMetricFamily("matchsvc_index_age_seconds", "Seconds since that index was built (it is then kept up to date in place)")
        if idx is not None:
            size.add_metric([], idx.size)
            age.add_metric([], max(0.0, time.time() - idx.built_at))
        yield size
        yield age
        yield from self._database()

    def _database(self) -> Iterator[GaugeMetricFamily]:
        import sqlalchemy as sa

        from matchsvc.extensions import db
        from matchsvc.notifications.models import OutboxMessage

        up = GaugeMetricFamily("matchsvc_database_up", "1 if the database answered this scrape")
        backlog = GaugeMetricFamily("matchsvc_outbox_backlog", "Webhook messages not delivered yet")
        push_at = GaugeMetricFamily("matchsvc_push_last_finished_timestamp_seconds", "When the last daily push finished (Unix time)")
        push_s = GaugeMetricFamily("matchsvc_push_last_duration_seconds", "How long the last daily push took")
        push_n = GaugeMetricFamily("matchsvc_push_last_picks", "Picks written by the last daily push")
        try:
            backlog.add_metric([], db.session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.delivered_at.is_(None))) or 0)
            last = jobs.last("push-daily")
            if last is not None:
                push_at.add_metric([], last.finished_at.timestamp())
                push_s.add_metric([], last.duration_seconds)
                push_n.add_metric([], last.items)
            up.add_metric([], 1)
        except Exception:  # noqa: BLE001 - a scrape still reports the process metrics without a database
            db.session.rollback()
            up.add_metric([], 0)
            log.warning("metrics: the database did not answer the scrape")
        yield from (up, backlog, push_at, push_s, push_n)


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode("utf-8", "replace"), f"Bearer {token}".encode()):
            return True
    if request.headers.get("Forwarded") or request.headers.get("X-Forwarded-For"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def metrics() -> Response:
    """Prometheus text format; loopback or the METRICS_TOKEN bearer only."""
    if not _allowed():
        if current_app.config.get("METRICS_TOKEN"):
            return problem_response(401, title=_("Authentication required"), code="unauthorized",
                                    detail=_("Metrics need the metrics bearer token."),
                                    headers={"WWW-Authenticate": "Bearer"})
        return problem_response(403, title=_("Not allowed"), code="forbidden",
                                detail=_("Metrics are served to the loopback interface only."))
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(StateCollector())
    body = generate_latest(registry)
    return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    """Time every request (registered first, so it also times the requests refused early)."""
    app.before_request(_start)
    app.after_request(_count)
    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])
    app.add_url_rule("/api/v1/metrics", "metrics_v1", metrics, methods=["GET"])

