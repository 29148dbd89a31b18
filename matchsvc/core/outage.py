"""The database is away: a 503 problem with ``Retry-After`` and the code ``database_unavailable``
instead of a 500, one short log line per request (no traceback: an outage under load would
otherwise write thousands) and at most one summary line a minute.

"Away" means an operational error of the connection, not of the statement: connection refused
or lost, server shutting down, pool timeout; on SQLite a locked, busy, unreadable or read-only
database file. A wrong statement stays a 500 (a bug to fix, with its traceback).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import sqlalchemy as sa

log = logging.getLogger("matchsvc.database")

RETRY_AFTER_SECONDS = 5
SUMMARY_EVERY_SECONDS = 60.0
#: SQLite's messages for a file it cannot use now (as opposed to a wrong statement).
_SQLITE_AWAY = ("database is locked", "database table is locked", "database is busy", "unable to open database",
                "readonly database", "disk i/o error", "database or disk is full")


def is_database_away(error: BaseException) -> bool:
    """True if ``error`` says the database cannot be reached or used right now."""
    if isinstance(error, sa.exc.TimeoutError):  # no connection free in the pool in time
        return True
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        message = str(error.orig).lower()
        return any(part in message for part in _SQLITE_AWAY)
    return True  # PostgreSQL (psycopg): connection refused, lost, admin shutdown, too many clients...


class _Summary:
    """Counts the 503s and writes one line a minute at most, while they go on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.window_started: float | None = None
        self.count = 0

    def note(self) -> tuple[int, float] | None:
        """Count one; the previous window's count and length when a summary is due."""
        now = time.monotonic()
        with self.lock:
            due = None
            if self.window_started is None:
                self.window_started = now
            elif now - self.window_started >= SUMMARY_EVERY_SECONDS:
                due = (self.count, now - self.window_started)
                self.window_started, self.count = now, 0
            self.count += 1
            return due


_summary = _Summary()


def first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip().splitlines()
    return (text[0] if text else type(orig).__name__)[:300]


def note(error: BaseException, *, request_id: str | None, method: str, path: str) -> None:
    """Log one outage request: one line, and the summary when one is due."""
    log.warning("database unavailable [request %s] %s %s: %s", request_id, method, path, first_line(error))
    due = _summary.note()
    if due:
        log.error("database unavailable: %d requests answered 503 in the last %.0f s", *due)


def _is_driver_away(exc: BaseException) -> bool:
    """A raw driver error (not wrapped by SQLAlchemy) that says the connection is gone."""
    module = type(exc).__module__ or ""
    return (module.startswith(("psycopg", "sqlite3"))
            and type(exc).__name__ in {"OperationalError", "InterfaceError", "AdminShutdown"})


class QuietOutage(logging.Filter):
    """SQLAlchemy logs a traceback when it cannot roll back or reset a connection the server
    closed ("Exception during reset or similar"). During an outage under load that is thousands
    of tracebacks for one known cause: keep the line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.name.startswith("sqlalchemy"):
            exc = record.exc_info[1]
            if exc is not None and (is_database_away(exc) or _is_driver_away(exc)):
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                record.msg = f"{record.getMessage()} ({type(exc).__name__}: {first})"
                record.args = None
                record.exc_info = None
                record.exc_text = None
        return True


def quiet_driver_logs() -> None:
    """Install :class:`QuietOutage` on every root handler (once)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, QuietOutage) for f in handler.filters):
            handler.addFilter(QuietOutage())


def release_sessions_quietly(app: Any, db: Any) -> None:
    """End each request's session before Flask-SQLAlchemy's own teardown does, swallowing the
    error of a connection that died under the request (its ROLLBACK fails on a server that went
    away). Unhandled, that error escapes the request after the response was chosen, and gunicorn
    answers its own 500 page with a traceback in the log: the one stray traceback of the outage
    test and the soak's 500. SQLAlchemy has invalidated the connection by then (the pool drops it);
    the session registry is cleared so the next request starts afresh. Any other error still raises.
    (Flask runs teardown functions in reverse order of registration: call this after
    ``db.init_app``.)"""

    @app.teardown_appcontext
    def _release(_exc: BaseException | None) -> None:
        try:
            db.session.remove()
        except Exception as error:
            if not (is_database_away(error) or _is_driver_away(error)):
                raise
            log.warning("database unavailable: the session's connection was lost at the end of a request (%s)",
                        first_line(error))
            db.session.registry.clear()

