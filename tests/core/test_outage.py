"""The database away (issue 13): 503 problem+json with Retry-After and code database_unavailable,
one log line per request without a traceback; on PostgreSQL tested by stopping the server under
load (only 503s during the outage, only 2xx after it), on SQLite with a locked database file."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests
import sqlalchemy as sa

from matchsvc import create_app
from matchsvc.core import outage
from matchsvc.extensions import db

from tests.conftest import TEST_CONFIG


def _dbapi(cls, message, orig):
    return cls("SELECT 1", {}, orig)


@pytest.mark.parametrize("error,away", [
    (_dbapi(sa.exc.OperationalError, "", sqlite3.OperationalError("database is locked")), True),
    (_dbapi(sa.exc.OperationalError, "", sqlite3.OperationalError("unable to open database file")), True),
    (_dbapi(sa.exc.OperationalError, "", sqlite3.OperationalError("attempt to write a readonly database")), True),
    (_dbapi(sa.exc.OperationalError, "", sqlite3.OperationalError("no such table: x")), False),
    (_dbapi(sa.exc.OperationalError, "", psycopg.OperationalError("connection refused")), True),
    (_dbapi(sa.exc.InterfaceError, "", psycopg.InterfaceError("the connection is closed")), True),
    (_dbapi(sa.exc.ProgrammingError, "", psycopg.ProgrammingError("syntax error")), False),
    (sa.exc.TimeoutError("QueuePool limit reached"), True),
    (ValueError("x"), False),
])
def test_which_errors_mean_the_database_is_away(error, away):
    assert outage.is_database_away(error) is away


def test_a_connection_lost_at_the_end_of_a_request_is_no_500(app, client, monkeypatch, caplog):
    """The server goes away after a request's last query: the session's ROLLBACK at teardown
    fails. That error must not escape the request (gunicorn would answer its own 500 page and
    log a traceback: the soak's one 500 and the outage test's stray traceback); the answer
    stands, one warning line is logged, and the next request works."""
    from sqlalchemy.orm import Session

    lost = sa.exc.OperationalError("ROLLBACK", {}, psycopg.OperationalError(
        "consuming input failed: server closed the connection unexpectedly"))
    close = Session.close
    failures = [1]

    def close_on_a_dead_connection(self):
        if failures:
            failures.pop()
            raise lost
        return close(self)

    monkeypatch.setattr(Session, "close", close_on_a_dead_connection)
    db.session.execute(sa.text("SELECT 1"))  # the request's last query
    with caplog.at_level(logging.WARNING, logger="matchsvc.database"):
        # what Flask does when the request ends (the tests hold an app context of their own, so
        # the test client's requests do not end one); every teardown runs, ours first
        app.do_teardown_appcontext(None)
    assert not failures
    assert [r.getMessage() for r in caplog.records if r.name == "matchsvc.database"] == [
        "database unavailable: the session's connection was lost at the end of a request "
        "(consuming input failed: server closed the connection unexpectedly)"]
    assert client.get("/api/v1/consent").status_code == 200


def test_any_other_error_at_the_end_of_a_request_still_raises(app, client, monkeypatch):
    from sqlalchemy.orm import Session

    failures = [1]
    close = Session.close

    def broken_close(self):
        if failures:
            failures.pop()
            raise RuntimeError("a bug, not an outage")
        return close(self)

    monkeypatch.setattr(Session, "close", broken_close)
    db.session.execute(sa.text("SELECT 1"))
    with pytest.raises(RuntimeError, match="a bug"):
        app.do_teardown_appcontext(None)


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="a SQLite file of its own")
def test_a_locked_sqlite_file_is_503_in_one_log_line(tmp_path, caplog):
    from flask_jwt_extended import create_access_token
    from flask_migrate import upgrade

    from tests.factories import Maker

    path = tmp_path / "locked.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SQLITE_BUSY_TIMEOUT": 0.2})
    with app.app_context():
        upgrade()
        account = Maker().account()
        token = create_access_token(identity=str(account.id))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.put("/api/v1/me/profile", json={"display_name": "小王"}, headers=headers).status_code == 200
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            resp = client.put("/api/v1/me/profile", json={"display_name": "小李"}, headers=headers)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert resp.status_code == 503
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["code"] == "database_unavailable"
    assert resp.headers["Retry-After"] == "5"
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and lines[0].exc_info is None and "database unavailable" in lines[0].getMessage()
    assert client.put("/api/v1/me/profile", json={"display_name": "小李"}, headers=headers).status_code == 200
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_summary_is_written_at_most_once_a_minute(monkeypatch):
    summary = outage._Summary()
    clock = [1000.0]
    monkeypatch.setattr(outage.time, "monotonic", lambda: clock[0])
    assert [summary.note() for _ in range(50)] == [None] * 50
    clock[0] += 61
    assert summary.note() == (50, 61.0)
    assert summary.note() is None


# --- PostgreSQL stopped under load ------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_ctl(*args: str) -> None:
    """pg_ctl on the test cluster (scripts/pg-tmp puts its bin dir on PATH), as the server's user."""
    cmd = ["pg_ctl", *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    subprocess.run(cmd, check=True, capture_output=True, timeout=120, cwd="/")


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="stops the test PostgreSQL server (scripts/pg-tmp)")
def test_postgresql_stopped_under_load_gives_only_503_then_only_2xx(app, make, tmp_path):
    from flask_jwt_extended import create_access_token

    account = make.account()
    make.profile(account)
    token = create_access_token(identity=str(account.id))
    data_dir = db.session.execute(sa.text("SHOW data_directory")).scalar()
    db.session.remove()
    db.engine.dispose()

    root = Path(__file__).resolve().parents[2]
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": os.environ["TEST_DATABASE_URL"], "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
           "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "RATELIMIT_ENABLED": "false",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom")}
    with open(log_path, "wb") as log_file:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "matchsvc:create_app()"],
                                  env=env, cwd=root, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    headers = {"Authorization": f"Bearer {token}"}
    results: list[tuple[float, int, str, str | None]] = []
    stop = threading.Event()

    def load() -> None:
        with requests.Session() as s:
            while not stop.is_set():
                for url in ("/me", "/me/profile"):
                    try:
                        r = s.get(base + url, headers=headers, timeout=30)
                        code = r.json().get("code") if r.status_code >= 400 else None
                        results.append((time.monotonic(), r.status_code, r.headers.get("Content-Type", ""), code))
                    except requests.RequestException:
                        results.append((time.monotonic(), 0, "", None))
                time.sleep(0.01)

    threads = [threading.Thread(target=load) for _ in range(4)]
    started = stopped = restarted = None
    try:
        for _ in range(600):
            try:
                if requests.get(base + "/me", headers=headers, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        for t in threads:
            t.start()
        time.sleep(2)
        started = time.monotonic()
        _pg_ctl("stop", "-D", data_dir, "-m", "fast", "-w")
        stopped = time.monotonic()
        time.sleep(4)
        restarting = time.monotonic()
        # restart, not start: it reuses the options scripts/pg-tmp started the server with
        _pg_ctl("restart", "-D", data_dir, "-w", "-l", str(Path(data_dir).parent / "postgres.log"))
        restarted = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        for t in threads:
            if t.is_alive():
                t.join(timeout=60)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # pragma: no cover - a wedged server must not outlive the test
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if restarted is None and started is not None:  # leave the cluster running for the other tests
            _pg_ctl("restart", "-D", data_dir, "-w", "-l", str(Path(data_dir).parent / "postgres.log"))
    before = [r for r in results if r[0] < started]
    during = [r for r in results if stopped + 0.5 <= r[0] < restarting]
    # the first answers after the restart may still meet a connection the server closed
    settled = next(r[0] for r in results if r[0] > restarted and r[1] == 200)
    after = [r for r in results if r[0] > settled + 0.5]
    assert before and {r[1] for r in before} == {200}
    assert during, "no request was made while the database was stopped"
    assert {r[1] for r in during} == {503}, sorted({r[1] for r in during})
    assert {r[2] for r in during} == {"application/problem+json"}
    assert {r[3] for r in during} == {"database_unavailable"}
    assert after and {r[1] for r in after} == {200}
    # never gunicorn's own 500 page (a connection lost at the end of a request: see
    # test_a_connection_lost_at_the_end_of_a_request_is_no_500)
    assert {r[1] for r in results} <= {200, 503}, sorted({r[1] for r in results})
    text = log_path.read_text(errors="replace")
    # No traceback at all (the finding: 1,338 for 661 requests); every request logs one line.
    assert text.count("Traceback") == 0, text.count("Traceback")
    n503 = sum(1 for r in results if r[1] == 503)
    assert text.count("database unavailable [request") == n503
