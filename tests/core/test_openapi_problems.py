"""The OpenAPI document declares what the service sends: errors as application/problem+json with
the Problem schema (issue 13; it said application/json, or nothing)."""

from __future__ import annotations


def _resolve(spec, response):
    while "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def test_every_error_response_is_declared_as_problem_json(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    errors = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            assert "default" in operation["responses"], (method, path)
            for code, response in operation["responses"].items():
                if code != "default" and code[0] not in "45":
                    continue
                errors += 1
                content = _resolve(spec, response).get("content", {})
                assert list(content) == ["application/problem+json"], (method, path, code, content)
                assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert errors > 50
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "instance", "code", "errors"} <= set(problem)


def test_error_answers_match_their_declaration(client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
