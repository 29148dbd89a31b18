"""Response headers and start-up checks that keep personal data out of caches, frames, other
origins and logs.

- ``Cache-Control: no-store`` on every API response (tokens, profiles, contacts...) but the
  OpenAPI document, the docs page and the two public lists (org units, consent text), and on
  every HTML page that does not say otherwise;
- a ``Content-Security-Policy`` that allows nothing and no framing on every response that is
  not HTML (HTML pages get theirs from ``matchsvc/web/csp.py``), ``X-Frame-Options: DENY``;
- ``Strict-Transport-Security`` when ``HSTS=true`` (only behind HTTPS!);
- CORS off unless ``CORS_ORIGINS`` lists the origins of a host platform's front end (flask-cors
  then answers the preflights of ``/api/v1``); bearer tokens only, never cookies, cross-origin;
- a ``SECRET_KEY`` (and ``JWT_SECRET_KEY``) shorter than 32 bytes refuses to start.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

#: Allows nothing: a JSON answer is data, never a document to render or frame.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: API paths whose GET answers hold nothing personal and may be cached.
PUBLIC_PATHS = ("/api/v1/openapi.json", "/api/v1/org-units", "/api/v1/consent")
PUBLIC_PREFIXES = ("/api/v1/docs",)
MIN_SECRET_BYTES = 32
HSTS_VALUE = "max-age=31536000; includeSubDomains"


def _public() -> bool:
    return request.method in ("GET", "HEAD") and (
        request.path in PUBLIC_PATHS or request.path.startswith(PUBLIC_PREFIXES))


def apply_headers(response: Response) -> Response:
    """After every request (see the module docstring)."""
    html = response.mimetype == "text/html"
    if (request.path.startswith("/api/") or html) and not _public():
        response.headers.setdefault("Cache-Control", "no-store")
    if not html:
        response.headers.setdefault("Content-Security-Policy", API_CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("HSTS"):
        response.headers.setdefault("Strict-Transport-Security", HSTS_VALUE)
    return response


def check_secrets(app: Flask) -> None:
    """Refuse to start with a short signing key: tokens signed with it could be forged by brute
    force. The generated default (64 hex characters) passes."""
    for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
        value = app.config.get(name)
        if value is None:
            continue
        size = len(value.encode() if isinstance(value, str) else value)
        if size < MIN_SECRET_BYTES:
            raise RuntimeError(f"{name} is {size} bytes long; use at least {MIN_SECRET_BYTES} random bytes "
                               "(e.g. python -c 'import secrets; print(secrets.token_hex(32))'), or leave "
                               "it unset to use the key generated under instance/.")


def init_app(app: Flask) -> None:
    check_secrets(app)
    app.after_request(apply_headers)
    origins = [o.strip() for o in (app.config.get("CORS_ORIGINS") or []) if o.strip()]
    if origins:
        from flask_cors import CORS

        CORS(app, resources={r"/api/v1/*": {"origins": origins}}, supports_credentials=False,
             allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID"],
             expose_headers=["X-Request-ID", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                             "X-RateLimit-Reset", "Content-Disposition"],
             methods=["GET", "POST", "PUT", "PATCH", "DELETE"], max_age=600, vary_header=True)
