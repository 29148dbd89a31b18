"""Gunicorn settings: ``gunicorn -c gunicorn.conf.py 'matchsvc:create_app()'``.

Every value comes from the environment, so the same file serves the demo script (loopback)
and the Docker image (all interfaces). Gunicorn also reads ``GUNICORN_CMD_ARGS`` and
``FORWARDED_ALLOW_IPS`` itself.
"""

import json
import os

from gunicorn import util as gunicorn_util


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = _int("WEB_CONCURRENCY", 2)
#: More than one thread turns the sync worker into gunicorn's gthread worker.
threads = _int("GUNICORN_THREADS", 1)
worker_class = "sync"
#: The master loads the app and builds the matching index once (see ``when_ready``); workers are
#: forked with it already in memory, share its arrays copy-on-write and only replay what changed
#: since. A worker recycled by ``max_requests`` therefore starts warm, never with a 20 s build.
#: ``GUNICORN_PRELOAD=false`` makes each worker load the app and build its own index instead.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() not in {"0", "false", "no", "off"}
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
#: Recycle workers now and then (a guard against slow leaks), staggered so they don't all restart
#: at once. Rarely: a fresh worker has to rank each member again on their first request, and at
#: 5,000 requests a recycle every ~13 s under load cost a fifth of the recommendation throughput.
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)

#: Redacts password/token query parameters from access lines; JSON lines with LOG_FORMAT=json.
logger_class = "matchsvc.core.logs.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
#: Client, request line, status, bytes, milliseconds and the X-Request-ID the app answered with
#: (the same id appears in the app's log for a 500).
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'


def problem_error(sock, status_int, reason, mesg):  # noqa: ANN001, ANN201 - gunicorn's signature
    """gunicorn's own error answers (a request line or headers over its limits, a malformed
    request: the app never sees these) as ``application/problem+json`` like every other error of
    the API, in its default language (Simplified Chinese), instead of gunicorn's English HTML page.
    Imported here, not at the top: the app (and numpy) must load after the thread settings below."""
    from matchsvc.errors import refusal

    body = json.dumps(refusal(status_int, reason), ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    gunicorn_util.write_nonblock(sock, head.encode("latin-1") + body)


gunicorn_util.write_error = problem_error

# numpy/scipy/scikit-learn start one BLAS/OpenMP thread per core by default; with several
# workers per host that oversubscribes the CPU. Set before any worker imports numpy.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


# Prometheus multiprocess mode (see matchsvc/core/metrics.py): every worker writes its counters to
# files in one directory, which a scrape adds up. Set before the app (and prometheus_client) is
# loaded; emptied at start, since files left by an earlier run would be counted again. Without
# PROMETHEUS_MULTIPROC_DIR a private temporary directory is used and removed on exit.
_own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    _own_metrics_dir = tempfile.mkdtemp(prefix="matchsvc-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir
else:
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    for _name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]):
        if _name.endswith(".db"):
            os.remove(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], _name))


def child_exit(server, worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """A worker that exited (recycled, killed) no longer counts in the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    if _own_metrics_dir:
        import shutil

        shutil.rmtree(_own_metrics_dir, ignore_errors=True)


def when_ready(server):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """In the master, before any worker is forked: build the matching index, then close every
    database connection so no worker inherits a socket it would share with its siblings."""
    if not preload_app:
        return
    import gc
    import time

    app = server.app.wsgi()
    started = time.perf_counter()
    try:
        with app.app_context():
            from matchsvc.extensions import db
            from matchsvc.matching import index

            idx = index.get()
            db.session.remove()
            db.engine.dispose()
        # Everything alive now (the app, the index rows) lives as long as the workers: keep it
        # out of the garbage collector's full passes, which would walk half a million index
        # objects in every worker now and then (a latency spike) and, by touching their
        # headers, copy the pages the workers share with the master.
        gc.collect()
        gc.freeze()
        server.log.info("matching index ready in the master: %d profiles, %.1f s", idx.size,
                        time.perf_counter() - started)
    except Exception:  # the database may be down at start; workers then build lazily
        server.log.exception("matching index not built at start; workers will build it on first use")
