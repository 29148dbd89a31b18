"""The OpenAPI document says what the service sends: every error response (4xx, 5xx, ``default``)
is ``application/problem+json`` with the Problem schema, as ``errors.problem_response`` renders it.
flask-smorest would declare them ``application/json`` (or with no content at all)."""

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
            for code, response in (operation.get("responses") or {}).items():
                if _is_error(code) and isinstance(response, dict) and "$ref" not in response:
                    response["content"] = _problem_content()
