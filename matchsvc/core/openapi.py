"""The OpenAPI document says what the service sends: every error response (4xx, 5xx, ``default``)
is ``application/problem+json`` with the Problem schema, as ``errors.problem_response`` renders it.
flask-smorest would declare them ``application/json`` (or with no content at all).

The errors every operation of a kind can answer are declared here and in ``core/auth.py`` rather
than on each route: 400/413/415 for any request body (the edge checks bodies before the route
reads them), 401/403/503 for every operation that needs a token. ``scripts/fuzz-api`` checks
that every status the service sends is declared (a ``default`` response does not count)."""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _is_error(code: Any) -> bool:
    code = str(code)
    return code == "default" or (len(code) == 3 and code[0] in "45")


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_MIMETYPE: {"schema": dict(PROBLEM_REF)}}


class ProblemResponsesPlugin(BasePlugin):
    """apispec plugin: error responses as problem+json (registered after the marshmallow plugin)."""

    def response_helper(self, response: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # flask-smorest registers only its error responses as components (DEFAULT_ERROR, 422...)
        return {"content": _problem_content()}

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None,
                         **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            if not isinstance(operation, dict):
                continue
            _add_body_errors(operation)
            for code, response in (operation.get("responses") or {}).items():
                if _is_error(code) and isinstance(response, dict) and "$ref" not in response:
                    response["content"] = _problem_content()


#: The 503 of core/outage.py: any operation that reads the database may answer it.
DATABASE_AWAY_DOC = ("The database cannot be reached right now (`database_unavailable`); try again after "
                     "`Retry-After` seconds.")
RETRY_AFTER_HEADER = {"Retry-After": {"description": "seconds to wait before trying again",
                                      "schema": {"type": "integer"}}}

#: What the edge (app.py ``_refuse_malformed_json``, MAX_CONTENT_LENGTH) answers for any body,
#: before the operation's own arguments are read.
BODY_ERRORS = {
    "400": ("The body is not valid JSON, or nested too deeply (`malformed_json`).", "application/json"),
    "413": ("The body is larger than the service accepts (`payload_too_large`).", None),
    "415": ("The body was sent as something else than the declared content type (`unsupported_media_type`).", None),
}


def database_away_response() -> dict[str, Any]:
    """A flask-smorest ``_apidoc`` response entry for that 503 (see core/auth.py)."""
    return {"description": DATABASE_AWAY_DOC, "headers": RETRY_AFTER_HEADER, "content_type": None}


def _add_body_errors(operation: dict[str, Any]) -> None:
    content = (operation.get("requestBody") or {}).get("content") or {}
    if not content:
        return
    responses = operation.setdefault("responses", {})
    for code, (description, needs) in BODY_ERRORS.items():
        if code not in responses and (needs is None or needs in content):
            responses[code] = {"description": description}


#: ``@blp.alt_response(200, **CSV_DOWNLOAD)``: the ``?format=csv`` answer of a JSON operation.
CSV_DOWNLOAD: dict[str, Any] = {
    "content_type": "text/csv",
    "schema": {"type": "string", "description": "CSV in UTF-8 with a byte-order mark"},
    "description": "OK; with `?format=csv` a CSV download (text/csv) instead of JSON",
    "success": True,
}
