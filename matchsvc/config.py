"""Configuration defaults; everything a deployment changes comes from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def normalise_database_url(url: str) -> str:
    """Let a plain ``postgresql://`` URL use psycopg 3, which the runtime ships with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/.

    Every worker of one deployment must sign with the same key, so a generated key is
    written once (O_EXCL) and read by the others.
    """
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        key = secrets.token_hex(32)
        fh.write(key)
    return key


def from_environment(instance_path: str) -> dict[str, Any]:
    """Settings read from the environment (see README "Configuration")."""
    instance = Path(instance_path)
    default_db = f"sqlite:///{instance / 'matchsvc.db'}"
    secret = _secret_key(instance)
    return {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(os.environ.get("DATABASE_URL") or default_db),
        "SECRET_KEY": secret,
        "JWT_SECRET_KEY": secret,
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=_int("TOKEN_TTL_SECONDS", 4 * 3600)),
        #: A web session lasts as long as a bearer token, counted from sign-in (never extended).
        "PERMANENT_SESSION_LIFETIME": timedelta(seconds=_int("TOKEN_TTL_SECONDS", 4 * 3600)),
        "WTF_CSRF_TIME_LIMIT": _int("TOKEN_TTL_SECONDS", 4 * 3600),
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), False),
        #: The deployment's time zone (IANA name): pages and the command line show times in it.
        "TIMEZONE": os.environ.get("TIMEZONE") or "Asia/Shanghai",
        "DAILY_LIKE_LIMIT": _int("DAILY_LIKE_LIMIT", 30),
        "DAILY_PICKS": _int("DAILY_PICKS", 5),
        "DAILY_EXPOSURE_CAP": _int("DAILY_EXPOSURE_CAP", 20),
        #: Days of daily picks kept (at least the push's 14-day fairness memory); older ones go.
        "DAILY_PICKS_KEEP_DAYS": _int("DAILY_PICKS_KEEP_DAYS", 30),
        #: push-daily: members whose picks are written per commit, and the pool size from which
        #: the picks are chosen in forked helpers (both are part of the day's plan: keep them fixed)
        "PUSH_CHUNK": _int("PUSH_CHUNK", 10000),
        "PUSH_PARALLEL_FROM": _int("PUSH_PARALLEL_FROM", 20000),
        "WEBHOOK_URL": os.environ.get("WEBHOOK_URL") or None,
        #: Shared with the host platform to check signatures; never the SECRET_KEY that signs tokens.
        "WEBHOOK_SECRET": os.environ.get("WEBHOOK_SECRET") or None,
        "WEBHOOK_INLINE": _bool(os.environ.get("WEBHOOK_INLINE"), True),
        "INVITATION_TTL_HOURS": _int("INVITATION_TTL_HOURS", 48),
        "SELECTION_WINDOW_HOURS": _int("SELECTION_WINDOW_HOURS", 48),
        "FOLLOWUP_DAYS": _int("FOLLOWUP_DAYS", 3),
        #: Send Strict-Transport-Security (only when every client reaches the service over HTTPS).
        "HSTS": _bool(os.environ.get("HSTS"), False),
        #: Origins (comma-separated) whose pages may call the API from a browser; none by default.
        "CORS_ORIGINS": [o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()],
        #: Bearer token that lets a scraper read GET /metrics from anywhere (loopback needs none).
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        #: BLAS threads per worker process: one per sync worker, so workers don't fight over cores.
        "BLAS_THREADS": _int("BLAS_THREADS", 1),
    }


#: Defaults that the environment does not change.
DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "JSON_SORT_KEYS": False,
    "API_TITLE": "matchsvc 智慧红娘",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    #: Swagger UI assets are vendored under matchsvc/web/static and served from this origin (intranets).
    "OPENAPI_SWAGGER_UI_URL": "/static/swagger-ui/",
    "API_SPEC_OPTIONS": {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        },
        "security": [{"bearerAuth": []}],
    },
    #: Bearer tokens only: the web session cookie never authorises an /api/v1 call.
    "JWT_TOKEN_LOCATION": ["headers"],
    "SESSION_COOKIE_NAME": "matchsvc_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_REFRESH_EACH_REQUEST": False,
    #: CSRF is checked by the web blueprints only (matchsvc.web.core), never on the JSON API.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_SSL_STRICT": True,
    "JWT_ERROR_MESSAGE_KEY": "detail",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_LOGIN": "20 per minute",
    "RATELIMIT_LOGIN_IP": "300 per minute",
    #: failed logins for one username from any address (accounts/limits.py)
    "RATELIMIT_LOGIN_USER": "10 per minute;60 per hour",
    #: failed logins from one address over all usernames
    "RATELIMIT_LOGIN_IP_FAILED": "30 per minute;300 per hour",
    "RATELIMIT_REGISTER": "60 per minute;600 per hour",
    #: argon2id cost; tests lower it (hashing dominates their run time otherwise).
    "PASSWORD_HASH_TIME_COST": 3,
    "PASSWORD_HASH_MEMORY_KIB": 65536,
    "CONSENT_VERSION": "2026-11",
    "PAGE_SIZE_CAP": 100,
    #: Where photo bytes live (matchsvc.photos.storage): "database", shared by every worker and host.
    "PHOTO_STORAGE": "database",
    #: Pixels an uploaded photo may decode to; more is refused as a decompression bomb.
    "PHOTO_MAX_PIXELS": 50_000_000,
    #: Seconds a SQLite write waits for a lock before the request answers 503 database_unavailable.
    "SQLITE_BUSY_TIMEOUT": 30,
    #: Seconds to connect to PostgreSQL before the request answers 503 database_unavailable.
    "DATABASE_CONNECT_TIMEOUT": 5,
    #: (connect, read) seconds for one webhook POST.
    "WEBHOOK_TIMEOUT": (3.0, 10.0),
    #: Tests turn on the in-memory notification sender and assert on what it recorded.
    "NOTIFY_MEMORY": False,
}
