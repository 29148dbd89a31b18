"""The Content-Security-Policy of every HTML page, built in one place (cf. warehouse/csp.py).

Pages load scripts, styles, images and fonts from the service's own origin only: no inline
script or style, no frames around them, forms post back to the service. The API docs page is
the one exception: Swagger UI sets inline ``style`` attributes from its script, so its policy
also allows inline styles (never inline scripts).
"""

from __future__ import annotations

from flask import Response

SELF = "'self'"
NONE = "'none'"

#: directive -> sources, for every page the service renders.
POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "base-uri": [NONE],
    "object-src": [NONE],
}

#: Changes to :data:`POLICY` for the API docs page (Swagger UI).
DOCS_POLICY: dict[str, list[str]] = {
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:"],
}


def serialize(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


HEADER = serialize(POLICY)
DOCS_HEADER = serialize({**POLICY, **DOCS_POLICY})


def apply(response: Response) -> Response:
    """Add the policy (and its companions) to an HTML response that has none yet."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", HEADER)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
