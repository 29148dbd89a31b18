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


def test_the_errors_every_operation_of_a_kind_answers_are_declared(client):
    """401/403/503 on every operation that needs a token (core/auth.py), 400/413/415 on every one
    with a body (the edge checks bodies first): scripts/fuzz-api found them sent but undeclared."""
    spec = client.get("/api/v1/openapi.json").get_json()
    secured = bodies = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            if operation.get("security") != []:
                secured += 1
                assert {"401", "503"} <= set(responses), (method, path)
                if not path.endswith(("/me/password", "/auth/logout")):  # open to a one-time password
                    assert "password_change_required" in responses["403"]["description"], (method, path)
                assert "Retry-After" in responses["503"]["headers"], (method, path)
            content = operation.get("requestBody", {}).get("content", {})
            if content:
                bodies += 1
                assert {"413", "415"} <= set(responses), (method, path)
                assert "application/json" not in content or "400" in responses, (method, path)
    assert secured > 60 and bodies > 20


def test_csv_downloads_are_declared(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/stats", "/api/v1/events/{event_id}/signups", "/api/v1/events/{event_id}/report"):
        assert set(spec["paths"][path]["get"]["responses"]["200"]["content"]) == {"application/json", "text/csv"}
