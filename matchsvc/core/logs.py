"""Log lines: plain text by default, one JSON object per line with ``LOG_FORMAT=json`` (for log
shippers), and never a password or token from a query string in gunicorn's access log.

gunicorn uses :class:`GunicornLogger` (``logger_class`` in ``gunicorn.conf.py``); the app's own
loggers are set up by :func:`configure`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime, timezone
from typing import Any

from gunicorn.glogging import Logger

#: A query parameter whose name says it holds a secret; its value is replaced in access logs.
_SECRET_PARAM = re.compile(r"(?i)((?:^|[?&;])[^=&;\s]*(?:password|passwd|token|secret|otp)[^=&;\s]*=)[^&;\s]*")
REDACTED = "[redacted]"

#: gunicorn's access-log atoms written as fields of a JSON access line.
_ACCESS_FIELDS = {"h": "remote", "m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes",
                  "M": "ms", "{x-request-id}o": "request_id", "a": "user_agent"}


def redact(text: str) -> str:
    """``text`` (a URL, a query string or a request line) with secret query values replaced."""
    return _SECRET_PARAM.sub(lambda m: m.group(1) + REDACTED, text)


def json_logs() -> bool:
    return os.environ.get("LOG_FORMAT", "").strip().lower() == "json"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception, if any); an
    access line also carries its fields (remote, method, path, status, ms, request_id...)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for atom, name in _ACCESS_FIELDS.items():
                value = record.args.get(atom)
                if value not in (None, "-", ""):
                    out[name] = int(value) if name in ("status", "ms") and str(value).isdigit() else value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure() -> None:
    """The app's log format (once per process)."""
    root = logging.getLogger()
    if json_logs():
        if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(JsonFormatter())
            root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


class GunicornLogger(Logger):
    """gunicorn's logger with secrets removed from the request line and query string, and JSON
    lines when ``LOG_FORMAT=json``."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if json_logs():
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonFormatter())
