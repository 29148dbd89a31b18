"""Errors: the DomainError hierarchy and the one renderer for application/problem+json (RFC 9457).

Every non-2xx response of the service goes through :func:`problem_response`, whether it comes
from a service (``DomainError``), from werkzeug (404, 405, 413 ...), from webargs (422) or from an
unexpected exception (500, logged with the request id, generic body).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Mapping

import marshmallow as ma
from flask import Response, current_app, g, json, request
from flask_smorest import Api
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from matchsvc.core.i18n import _, _l, default_text, translate

log = logging.getLogger("matchsvc")

PROBLEM_MIMETYPE = "application/problem+json"


class DomainError(Exception):
    """A rule of the service was broken; rendered as a problem with a stable ``code``."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(self, detail: str | None = None, *, code: str | None = None,
                 errors: Mapping[str, list[str]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code:
            self.code = code
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers) if headers else {}


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Authentication required"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InvalidTransition(Conflict):
    code, title = "invalid_transition", "Illegal state change"


class ValidationFailed(DomainError):
    """422 with field errors, for rules a schema cannot check (existence, cross-field, consent)."""

    status, code, title = 422, "validation_failed", "Validation failed"


class ConsentRequired(ValidationFailed):
    code, title = "consent_required", "Consent to the current version is required"


class MalformedJSON(DomainError):
    status, code, title = 400, "malformed_json", "Malformed JSON"


class UnsupportedMediaType(DomainError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class LimitExceeded(DomainError):
    status, code, title = 429, "limit_exceeded", "Limit exceeded"


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
}


def refusal(status: int, reason: str) -> dict[str, Any]:
    """The problem body of a request the server refuses before the app sees it (gunicorn: a request
    line or headers over its limits, a malformed request; see gunicorn.conf.py). There is no request
    to choose a language from, so it is in the default one: werkzeug's name and description of the
    status, from the catalogues like every other problem; ``code`` from gunicorn's ``reason``."""
    from werkzeug.exceptions import default_exceptions

    known = default_exceptions.get(status)
    title, detail = (known().name, str(known.description)) if known else (reason, reason)
    return {"type": "about:blank", "title": default_text(title), "status": status,
            "detail": default_text(detail), "code": "_".join(reason.lower().split()) or "error"}


def _translated(messages: Any) -> Any:
    if isinstance(messages, Mapping):
        return {key: _translated(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [_translated(m) for m in messages]
    return translate(messages)


def problem_response(status: int, *, title: str, detail: str, code: str,
                     errors: Mapping[str, Any] | None = None,
                     headers: Mapping[str, str] | None = None) -> Response:
    """Render one problem+json response; the only place error bodies are built.

    ``title``, ``detail`` and every field message are translated here into the caller's
    language (Simplified Chinese unless English is asked for): a raise site passes the English
    msgid, or text it already translated with ``_()`` when it has values to fill in.
    """
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": translate(title),
        "status": status,
        "detail": translate(detail),
        "instance": request.path if request else None,
        "code": code,
    }
    if errors:
        body["errors"] = _translated(errors)
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed from the request: send it escaped
        text = json.dumps(body, ensure_ascii=True)
    response = current_app.response_class(text, status=status, mimetype=PROBLEM_MIMETYPE)
    for key, value in (headers or {}).items():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests errors by location and field; clients want ``{"field.sub": [msg]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if key == "_schema":  # a nested object's own error belongs to its field
                name = prefix or "_schema"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "_schema"] = list(messages)
        else:
            for i, value in enumerate(messages):
                out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out


def webargs_errors(messages: Any) -> dict[str, list[str]]:
    """Drop webargs' location level (``json``, ``query``...) and flatten the rest."""
    if isinstance(messages, Mapping) and set(messages) <= {"json", "query", "form", "headers", "path", "files", "view_args"}:
        merged: dict[str, list[str]] = {}
        for value in messages.values():
            merged.update(_flatten(value))
        return merged
    return _flatten(messages)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every error of this API is rendered."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    instance = ma.fields.String()
    code = ma.fields.String(metadata={"description": "stable snake_case error code"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))


class ProblemApi(Api):
    """flask-smorest Api whose every error is problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _openapi_json(self):  # type: ignore[no-untyped-def]
        """The OpenAPI document, its title in the caller's language (unless a deployment set its own)."""
        from matchsvc import config

        spec = self.spec.to_dict()
        if spec["info"].get("title") == config.DEFAULTS["API_TITLE"]:
            spec["info"]["title"] = _("matchsvc Smart Matchmaker")
        return current_app.response_class(json.dumps(spec, indent=2, sort_keys=False, ensure_ascii=False),
                                          mimetype="application/json")

    def _init_spec(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Declare every error response as problem+json (see core/openapi.py)."""
        from matchsvc.core.openapi import ProblemResponsesPlugin

        kwargs["extra_plugins"] = [*(kwargs.get("extra_plugins") or ()), ProblemResponsesPlugin()]
        super()._init_spec(**kwargs)

    def _register_error_handlers(self) -> None:
        super()._register_error_handlers()
        self._app.register_error_handler(DomainError, handle_domain_error)

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        status = error.code or 500
        if status >= 500:
            original = getattr(error, "original_exception", None)
            log.error("unhandled error [request %s] %s %s", g.get("request_id"), request.method,
                      request.path, exc_info=original or error)
            return problem_response(500, title="Internal server error", code="internal_error",
                                    detail=_("Something went wrong on our side; it has been logged "
                                             "(request id %(request_id)s).",
                                             request_id=g.get("request_id", "-")))
        data = getattr(error, "data", None) or {}
        headers = dict(error.get_headers()) if hasattr(error, "get_headers") else {}
        headers.update(data.get("headers") or {})
        errors = None
        detail = error.description or error.name
        code = _HTTP_CODES.get(status, "error")
        if "messages" in data or "errors" in data:
            errors = webargs_errors(data.get("errors", data.get("messages")))
            if status == 400:
                code, detail, errors = "malformed_json", _("The request body is not valid JSON."), None
            else:
                detail = _("The request did not validate; see errors.")
        elif "message" in data:
            detail = data["message"]
        if status == 429:
            detail = _("Too many requests: %(limit)s. Try again later.", limit=_limit_text(str(error.description)))
        return problem_response(status, title=error.name, detail=detail, code=code,
                                errors=errors, headers=headers)


_LIMIT = re.compile(r"(\d+) per (\d+) (second|minute|hour|day|month|year)s?")
_UNITS = {"second": _l("second"), "minute": _l("minute"), "hour": _l("hour"), "day": _l("day"),
          "month": _l("month"), "year": _l("year")}


def _limit_text(description: str) -> str:
    """A Flask-Limiter limit ("20 per 1 minute") in the caller's language."""
    match = _LIMIT.fullmatch(description.strip())
    if not match:
        return description
    amount, count, unit = match.groups()
    return _("%(amount)s per %(count)s %(unit)s", amount=amount, count=count, unit=str(_UNITS[unit]))


def handle_domain_error(error: DomainError) -> Response:
    return problem_response(error.status, title=error.title, detail=error.detail,
                            code=error.code, errors=error.errors, headers=error.headers)


def handle_unexpected(error: Exception) -> Response:
    """Last resort: never a stack trace or exception text to the client.

    A row changed or taken by a concurrent request (a stale version, a unique or foreign key
    violation) is a 409 rather than a 500: the client may reload and try again. The database
    being away (core/outage.py) is a 503 with Retry-After, logged in one line.
    """
    if isinstance(error, HTTPException):
        return current_app.extensions["matchsvc.api"].handle_http_exception(error)
    from matchsvc.core import outage

    if outage.is_database_away(error):
        try:  # the app's SQLAlchemy (not imported: extensions imports this module for ProblemApi)
            current_app.extensions["sqlalchemy"].session.rollback()
        except Exception:  # noqa: BLE001 - the connection is gone; the session is reset at teardown
            pass
        outage.note(error, request_id=g.get("request_id"), method=request.method, path=request.path)
        return problem_response(503, title="Service unavailable", code="database_unavailable",
                                detail="The database cannot be reached right now; try again shortly.",
                                headers={"Retry-After": str(outage.RETRY_AFTER_SECONDS)})
    if isinstance(error, (StaleDataError, IntegrityError)):
        # an expected race, answered 409: one line, not a traceback
        log.warning("conflict [request %s] %s %s: %s", g.get("request_id"), request.method, request.path,
                    f"{type(error).__name__}: {outage.first_line(error)}")
        return problem_response(409, title="Conflict", code="concurrent_update",
                                detail="Someone else changed this at the same time; reload and try again.")
    return current_app.extensions["matchsvc.api"].handle_http_exception(
        InternalServerError(original_exception=error))
