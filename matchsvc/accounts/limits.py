"""Login limits, shared by the API's ``POST /auth/token`` and the web's ``POST /login`` (one count
per person and address, whichever door is used).

Four counts, each in its own named scope (configured in ``config.DEFAULTS``):

- ``RATELIMIT_LOGIN`` per address **and** username, every attempt (a member mistyping);
- ``RATELIMIT_LOGIN_USER`` per username from **any** address, failed attempts only (a botnet
  guessing one member's password: each address tries a few);
- ``RATELIMIT_LOGIN_IP_FAILED`` per address across **all** usernames, failed attempts only (one
  password tried on many usernames);
- ``RATELIMIT_LOGIN_IP`` per address, every attempt (a generous ceiling: an agency's staff may
  share one NAT address).

The counts live in ``RATELIMIT_STORAGE_URI``: the default ``memory://`` counts per worker process
(two gunicorn workers let twice the attempts through, and each host counts alone); a
``redis://`` URL makes every worker and host share them.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address

from matchsvc.extensions import limiter


def attempted_username() -> str:
    """The username a login request names (JSON body or form), at most 64 characters."""
    body = request.get_json(silent=True) if request.is_json else None
    name = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return name[:64] if isinstance(name, str) else ""


def _failed(response: Response) -> bool:
    """The API answers a bad login 401, the web page re-renders its form with 422."""
    return response.status_code in (401, 422)


def _ip_and_user() -> str:
    return f"{get_remote_address()}|{attempted_username()}"


def login_limits(*, methods: list[str] | None = None) -> list[Callable[..., Any]]:
    """The decorators of a login view (``methods``: only for those, e.g. ``["POST"]``)."""
    cfg = lambda name: (lambda: current_app.config[name])  # noqa: E731 - read per request
    return [
        limiter.shared_limit(cfg("RATELIMIT_LOGIN"), scope="login-ip-user", key_func=_ip_and_user,
                             methods=methods),
        limiter.shared_limit(cfg("RATELIMIT_LOGIN_USER"), scope="login-user", key_func=attempted_username,
                             methods=methods, deduct_when=_failed),
        limiter.shared_limit(cfg("RATELIMIT_LOGIN_IP_FAILED"), scope="login-ip-failed", key_func=get_remote_address,
                             methods=methods, deduct_when=_failed),
        limiter.shared_limit(cfg("RATELIMIT_LOGIN_IP"), scope="login-ip", key_func=get_remote_address,
                             methods=methods),
    ]


def apply_login_limits(view: Callable[..., Any], *, methods: list[str] | None = None) -> Callable[..., Any]:
    for decorate in login_limits(methods=methods):
        view = decorate(view)
    return view
